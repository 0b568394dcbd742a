#include "content/encoding.h"

#include "text/text.h"

#include <array>
#include <cstdint>

namespace pmkb::content {

namespace {

// Windows-1252 code points for bytes 0x80..0x9F; the rest of the high half is Latin-1.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

// Length of the valid UTF-8 sequence starting at `i`, or 0 when it is invalid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) { length = 2; min = 0x80; }
  else if (lead >= 0xE0 && lead <= 0xEF) { length = 3; min = 0x800; }
  else if (lead >= 0xF0 && lead <= 0xF4) { length = 4; min = 0x10000; }
  else return 0;
  if (i + length > s.size()) return 0;
  std::uint32_t cp = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

// Typical traces of UTF-8 decoded as Windows-1252 ("â€") or Mac Roman ("‚Ä", "√", "üì").
bool looks_like_mojibake(std::string_view line) {
  for (std::string_view marker :
       {"\xC3\xA2\xE2\x82\xAC", "\xC3\xB0\xC5\xB8",           // "â€", "ðŸ" (Windows-1252)
        "\xE2\x80\x9A\xC3\x84", "\xE2\x88\x9A\xE2\x80\xA0",  // "‚Ä", "√†" (Mac Roman)
        "\xE2\x88\x9A\xC2\xA9", "\xC3\xBC\xC3\xAC", "\xC3\xBC\xC3\xB6",
        "\xC3\xBC\xC3\xAE", "\xC3\xBC\xC3\xB5"}) {
    if (line.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

bool has_utf16_bom(std::string_view bytes) {
  return bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF";
}

// UTF-16 (after its byte order mark) as UTF-8; unpaired surrogates become U+FFFD.
std::string utf16_to_utf8(std::string_view bytes) {
  const bool little = bytes[0] == '\xFF';
  const auto unit = [&](std::size_t i) {
    const auto a = static_cast<std::uint8_t>(bytes[i]);
    const auto b = static_cast<std::uint8_t>(bytes[i + 1]);
    return static_cast<char32_t>(little ? (b << 8) | a : (a << 8) | b);
  };
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 2; i + 1 < bytes.size(); i += 2) {
    char32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < bytes.size()) {
      const char32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    text::append_utf8(out, cp);
  }
  return out;
}

}  // namespace

bool looks_binary(std::string_view bytes, std::size_t& offset) {
  if (has_utf16_bom(bytes)) return false;
  const std::string_view sample = bytes.substr(0, 8192);
  std::size_t nuls = 0;
  std::size_t controls = 0;
  offset = std::string_view::npos;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const auto c = static_cast<unsigned char>(sample[i]);
    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x1B) continue;
    if (offset == std::string_view::npos) offset = i;
    ++(c == 0 ? nuls : controls);
  }
  return (nuls >= 4 && nuls * 100 > sample.size()) || (controls >= 8 && controls * 20 > sample.size());
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

namespace {

// An ASCII byte that needs no attention: not a line break, not NUL, not part of a sequence.
bool is_plain_ascii(char c) { return static_cast<unsigned char>(c) < 0x80 && c != '\r' && c != '\n' && c != '\0'; }

}  // namespace

NormalizedText normalize_encoding(std::string_view bytes) {
  if (has_utf16_bom(bytes)) {
    NormalizedText decoded = normalize_encoding(utf16_to_utf8(bytes));
    decoded.utf16 = true;
    return decoded;
  }
  NormalizedText result;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  std::string& out = result.text;
  out.reserve(bytes.size());
  int line = 1;
  int column = 1;
  std::size_t line_start = 0;
  bool line_not_ascii = false;  // mojibake needs bytes over 0x7F: most lines are not looked at
  for (std::size_t i = 0; i < bytes.size();) {
    const char c = bytes[i];
    if (c == '\r' || c == '\n') {
      if (line_not_ascii && !result.mojibake_line && looks_like_mojibake(std::string_view(out).substr(line_start))) {
        result.mojibake_line = line;
        result.mojibake_sample = out.substr(line_start, 80);
      }
      out += '\n';
      i += (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ? 2 : 1;
      ++line;
      column = 1;
      line_start = out.size();
      line_not_ascii = false;
      continue;
    }
    line_not_ascii = line_not_ascii || !is_plain_ascii(c);
    if (c == '\0') {
      if (result.nul_bytes++ == 0) {
        result.first_nul_line = line;
        result.first_nul_column = column;
      }
      text::append_utf8(out, 0xFFFD);
      ++i;
      ++column;
      continue;
    }
    if (is_plain_ascii(c)) {  // most text: copy the whole run of plain ASCII at once
      std::size_t end = i + 1;
      while (end < bytes.size() && is_plain_ascii(bytes[end])) ++end;
      out.append(bytes.substr(i, end - i));
      column += static_cast<int>(end - i);
      i = end;
      continue;
    }
    const std::size_t length = utf8_sequence_length(bytes, i);
    if (length > 0) {
      out.append(bytes.substr(i, length));
      i += length;
    } else {
      if (result.repaired_bytes++ == 0) {
        result.first_repair_line = line;
        result.first_repair_column = column;
      }
      const auto byte = static_cast<std::uint8_t>(bytes[i]);
      text::append_utf8(out, byte < 0xA0 ? kCp1252High[byte - 0x80] : static_cast<char32_t>(byte));
      ++i;
    }
    ++column;
  }
  if (line_not_ascii && !result.mojibake_line && looks_like_mojibake(std::string_view(out).substr(line_start))) {
    result.mojibake_line = line;
    result.mojibake_sample = out.substr(line_start, 80);
  }
  return result;
}

}  // namespace pmkb::content
