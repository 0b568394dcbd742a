#include "text/text.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pmkb::text {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  // Non-breaking spaces (U+00A0) are common in pasted text.
  while (s.starts_with("\xC2\xA0")) s.remove_prefix(2);
  while (s.ends_with("\xC2\xA0")) s.remove_suffix(2);
  return s;
}

std::string to_lower(std::string_view s) {
  // Same length in and out: lower a copy in place (this runs on every line the extractor reads).
  std::string out(s);
  // ASCII first, without branches, so that the compiler can do it many bytes at a time; bytes
  // from 0x80 up are not in A..Z and stay as they are.
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  const std::size_t size = out.size();
  unsigned char seen = 0;  // every byte OR-ed: its top bit tells whether any is not ASCII
  for (std::size_t i = 0; i < size; ++i) {
    const unsigned char c = bytes[i];
    seen |= c;
    bytes[i] = static_cast<unsigned char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 'a' - 'A' : 0));
  }
  if ((seen & 0x80) == 0) return out;
  for (std::size_t i = out.find('\xC3'); i != std::string::npos && i + 1 < size; i = out.find('\xC3', i + 1)) {
    // À..Þ (except ×) are U+00C0..U+00DE: lower case is +0x20.
    const auto next = static_cast<unsigned char>(out[i + 1]);
    if (next >= 0x80 && next <= 0x9E && next != 0x97) out[i + 1] = static_cast<char>(next + 0x20);
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(separator, start);
    parts.emplace_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

bool starts_with_word(std::string_view text, std::string_view word) {
  if (!text.starts_with(word)) return false;
  return text.size() == word.size() || !text::is_ascii_alpha(static_cast<unsigned char>(text[word.size()]));
}

char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) { ++i; return b0; }
  int length = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (length == 0 || i + static_cast<std::size_t>(length) > s.size()) { ++i; return 0xFFFD; }
  char32_t cp = b0 & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) { ++i; return 0xFFFD; }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += static_cast<std::size_t>(length);
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_cjk(char32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) ||  // hiragana, katakana
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK ideographs
         (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul
         (cp >= 0xFF66 && cp <= 0xFF9F);    // half-width katakana
}

bool is_letter_or_digit(char32_t cp) {
  if (cp < 0x80) return text::is_ascii_alnum(static_cast<unsigned char>(cp));
  if (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) return true;  // Latin letters
  if (cp >= 0x370 && cp <= 0x52F) return true;                              // Greek, Cyrillic
  return is_cjk(cp);
}

namespace {

// Drops a leading "2.", "2)", "II.", "a)" or "(a)" numbering token.
std::string_view drop_numbering(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '(') ++i;
  const std::size_t start = i;
  while (i < s.size() && (text::is_ascii_digit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == start) {
    while (i < s.size() && std::string_view("ivxIVX").find(s[i]) != std::string_view::npos) ++i;
    if (i - start > 4) return s;
  }
  if (i == start) {
    if (i < s.size() && text::is_ascii_alpha(static_cast<unsigned char>(s[i])) && i + 1 < s.size() && s[i + 1] == ')') i += 1;
    else return s;
  }
  if (i < s.size() && (s[i] == '.' || s[i] == ')' || s[i] == ':')) ++i;
  if (i < s.size() && s[i] != ' ') return s;  // "2fa", "IVs": not numbering
  return trim(s.substr(i));
}

}  // namespace

std::string_view strip_leading_symbols(std::string_view s) {
  s = trim(s);
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t next = i;
    const char32_t cp = next_code_point(s, next);
    if (is_letter_or_digit(cp) || cp == '"' || cp == '\'' || cp == '[' || cp == '(' || cp == '*' || cp == '_' || cp == '`') break;
    i = next;
  }
  std::string_view rest = trim(s.substr(i));
  // A leading token of non-ASCII, non-CJK letters followed by an ASCII word is mis-encoded emoji.
  const std::size_t space = rest.find(' ');
  if (space != std::string_view::npos && space <= 16 && space + 1 < rest.size() &&
      text::is_ascii_alpha(static_cast<unsigned char>(rest[space + 1]))) {
    bool junk = true;
    for (std::size_t k = 0; k < space;) {
      const char32_t cp = next_code_point(rest, k);
      if (cp < 0x80 || is_cjk(cp)) junk = false;
    }
    if (junk) rest = trim(rest.substr(space + 1));
  }
  return rest;
}

std::string normalize_phrase(std::string_view s) {
  // ":warning: Leadup": emoji shortcodes are decoration.
  std::string without_shortcodes;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ':') {
      std::size_t j = i + 1;
      while (j < s.size() && (text::is_ascii_lower(static_cast<unsigned char>(s[j])) || text::is_ascii_digit(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '+' || s[j] == '-')) ++j;
      if (j < s.size() && s[j] == ':' && j > i + 1) {
        i = j;
        continue;
      }
    }
    without_shortcodes += s[i];
  }
  s = strip_leading_symbols(without_shortcodes);
  std::string kept;
  kept.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t at = i;
    const char32_t cp = next_code_point(s, i);
    const bool keep = is_letter_or_digit(cp) || cp == ' ' || cp == '\t' ||
                      (cp < 0x80 && std::string_view("/&'-.;(),?:").find(static_cast<char>(cp)) != std::string_view::npos) ||
                      cp == 0xDF;
    if (cp == 0x2010 || cp == 0x2011 || cp == 0x2013) kept += '-';  // typographic hyphens
    else if (cp == 0x2019) kept += '\'';
    else if (keep) kept.append(s.substr(at, i - at));
    else kept += ' ';
  }
  std::string lowered = to_lower(collapse_whitespace(kept));
  std::string_view view = trim(lowered);
  view = drop_numbering(view);
  while (!view.empty() && std::string_view(":?.-;,)( ").find(view.back()) != std::string_view::npos) view.remove_suffix(1);
  while (!view.empty() && std::string_view(":?.-;,)( ").find(view.front()) != std::string_view::npos) view.remove_prefix(1);
  return std::string(view);
}

std::string slugify(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t cp = next_code_point(s, i);
    if (cp < 0x80 && text::is_ascii_alnum(static_cast<unsigned char>(cp))) {
      out += static_cast<char>(text::ascii_lower(static_cast<unsigned char>(cp)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= 80) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "untitled" : out;
}

std::optional<int> parse_zone(std::string_view zone) {
  struct Named { std::string_view name; int offset; };
  static constexpr std::array<Named, 28> kZones = {{
      {"eastern", -300}, {"pacific", -480}, {"central", -360}, {"mountain", -420},
      {"utc", 0}, {"gmt", 0}, {"z", 0}, {"wet", 0}, {"bst", 60}, {"cet", 60}, {"cest", 120},
      {"mez", 60}, {"mesz", 120}, {"eet", 120}, {"eest", 180}, {"pst", -480}, {"pdt", -420},
      {"mst", -420}, {"mdt", -360}, {"cst", -360}, {"cdt", -300}, {"est", -300}, {"edt", -240},
      {"jst", 540}, {"kst", 540}, {"sgt", 480}, {"aest", 600}, {"aedt", 660}}};
  std::string lower = to_lower(trim(zone));
  std::string_view z = lower;
  int base = 0;
  for (const auto& named : kZones) {
    if (z == named.name) return named.offset;
    if ((named.name == "utc" || named.name == "gmt") && z.starts_with(named.name)) {
      z.remove_prefix(3);
      break;
    }
  }
  if (z.empty() || (z[0] != '+' && z[0] != '-')) return std::nullopt;
  const int sign = z[0] == '-' ? -1 : 1;
  z.remove_prefix(1);
  std::string digits;
  for (char c : z) {
    if (text::is_ascii_digit(static_cast<unsigned char>(c))) digits += c;
    else if (c != ':') return std::nullopt;
  }
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  int hours = 0;
  int minutes = 0;
  if (digits.size() <= 2) {
    hours = std::stoi(digits);
  } else {
    hours = std::stoi(digits.substr(0, digits.size() - 2));
    minutes = std::stoi(digits.substr(digits.size() - 2));
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  return base + sign * (hours * 60 + minutes);
}

std::string collapse_whitespace(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::string out;
  out.reserve(s.size());
  // Word by word, each appended whole: this runs over every line of every postmortem.
  for (std::size_t i = 0; i < s.size();) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t end = i;
    while (end < s.size() && !is_space(s[end])) ++end;
    if (end > i) {
      if (!out.empty()) out += ' ';
      out.append(s.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

std::string truncate_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out(trim(s.substr(0, cut)));
  out += "\xE2\x80\xA6";
  return out;
}

}  // namespace pmkb::text
