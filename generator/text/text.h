// Small text helpers shared by the stages. All functions are pure and UTF-8 aware where it matters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmkb::text {

// ASCII character classes, independent of the C locale (the output must not depend on it) and
// cheap enough for the per-byte loops of extraction.
constexpr bool is_ascii_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_ascii_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_ascii_alpha(unsigned char c) { return is_ascii_upper(c) || is_ascii_lower(c); }
constexpr bool is_ascii_digit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool is_ascii_alnum(unsigned char c) { return is_ascii_alpha(c) || is_ascii_digit(c); }
constexpr bool is_ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
constexpr char ascii_lower(unsigned char c) { return static_cast<char>(is_ascii_upper(c) ? c + ('a' - 'A') : c); }
constexpr char ascii_upper(unsigned char c) { return static_cast<char>(is_ascii_lower(c) ? c - ('a' - 'A') : c); }

std::string_view trim(std::string_view s);
// ASCII lower case, plus the Latin-1 capitals common in German (Ä, Ö, Ü).
std::string to_lower(std::string_view s);
std::vector<std::string> split(std::string_view s, char separator);
bool starts_with_word(std::string_view text, std::string_view word);  // case-sensitive, then a non-letter
// Whether `text` begins with `lower_word` (lower-case ASCII) in any ASCII case.
constexpr bool starts_with_ascii_nocase(std::string_view text, std::string_view lower_word) {
  if (text.size() < lower_word.size()) return false;
  for (std::size_t i = 0; i < lower_word.size(); ++i) {
    if (ascii_lower(static_cast<unsigned char>(text[i])) != lower_word[i]) return false;
  }
  return true;
}

// Decodes the UTF-8 code point at `i` and advances `i`; invalid bytes decode as U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t& i);
void append_utf8(std::string& out, char32_t cp);
bool is_letter_or_digit(char32_t cp);  // ASCII alphanumerics, Latin letters, CJK, kana
bool is_cjk(char32_t cp);

// A heading or label reduced for synonym lookup: lower case, emoji, symbols, numbering
// ("2.", "II.", "(a)") and markup removed, single spaces, no trailing ':' or '?'.
// "## 🧩 2. Root Cause:" -> "root cause"
std::string normalize_phrase(std::string_view s);

// Drops leading emoji, symbols and mojibake ("🛠️ ", "üìõ ") before the first real word.
std::string_view strip_leading_symbols(std::string_view s);

// "Redis Cluster (EU)!" -> "redis-cluster-eu"; never empty ("untitled").
std::string slugify(std::string_view s);

// UTC offset in minutes for "UTC", "Z", "PDT", "CEST", "+02:00", "UTC+2", "GMT-0500"...
std::optional<int> parse_zone(std::string_view zone);

// Collapses runs of whitespace (including newlines) into single spaces and trims.
std::string collapse_whitespace(std::string_view s);

// Cuts `s` to at most `max_bytes` at a code point boundary, adding "…" when cut.
std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

}  // namespace pmkb::text
