// Text normalization for source files: every later stage sees valid UTF-8 with '\n' line ends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pmkb::content {

struct NormalizedText {
  std::string text;          // valid UTF-8, no BOM, '\n' line ends, no NUL bytes
  int repaired_bytes = 0;    // invalid UTF-8 bytes decoded as Windows-1252
  int first_repair_line = 0; // 1-based line of the first repaired byte (0: none)
  int first_repair_column = 0;
  int nul_bytes = 0;         // NUL bytes replaced by U+FFFD
  int first_nul_line = 0;
  int first_nul_column = 0;
  bool utf16 = false;        // the file had a UTF-16 byte order mark and was decoded as UTF-16
  int mojibake_line = 0;     // first line that looks like UTF-8 decoded as Mac Roman/Windows-1252
  std::string mojibake_sample;
};

// Decodes UTF-16 text that starts with a byte order mark (FF FE or FE FF) to UTF-8, and strips
// a UTF-8 BOM. Then turns CRLF and lone CR into LF, replaces NUL with U+FFFD and
// decodes each byte that is not part of a valid UTF-8 sequence as Windows-1252.
// Valid UTF-8 is never changed, but text that looks double-encoded ("â€™", "‚Äô")
// is noted in mojibake_line so that lint can warn about it.
NormalizedText normalize_encoding(std::string_view bytes);

// True when `bytes` look like a binary file rather than text in any encoding: in the first
// 8 KB, more than 1% NUL bytes (at least 4) or more than 5% other control characters (at least
// 8; tab, line ends, form feed and escape excepted). A stray NUL in a text file is not binary,
// nor is UTF-16 with a byte order mark. `offset` is set to the first such byte.
bool looks_binary(std::string_view bytes, std::size_t& offset);

// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace pmkb::content
