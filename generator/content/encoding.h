// Text normalization for source files: every later stage sees valid UTF-8 with '\n' line ends.
#pragma once

#include <string>

namespace pmkb::content {

struct NormalizedText {
  std::string text;          // valid UTF-8, no BOM, '\n' line ends, no NUL bytes
  int repaired_bytes = 0;    // invalid UTF-8 bytes decoded as Windows-1252
  int first_repair_line = 0; // 1-based line of the first repaired byte (0: none)
  int first_repair_column = 0;
  int nul_bytes = 0;         // NUL bytes replaced by U+FFFD
  int first_nul_line = 0;
  int mojibake_line = 0;     // first line that looks like UTF-8 decoded as Mac Roman/Windows-1252
  std::string mojibake_sample;
};

// Strips a UTF-8 BOM, turns CRLF and lone CR into LF, replaces NUL with U+FFFD and
// decodes each byte that is not part of a valid UTF-8 sequence as Windows-1252.
// Valid UTF-8 is never changed, but text that looks double-encoded ("â€™", "‚Äô")
// is noted in mojibake_line so that lint can warn about it.
NormalizedText normalize_encoding(std::string_view bytes);

// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace pmkb::content
