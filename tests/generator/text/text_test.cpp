#include "text/text.h"

#include <catch2/catch.hpp>
#include <string>

using namespace pmkb;

TEST_CASE("to_lower lowers ASCII and the Latin-1 capitals, and keeps every other byte", "[text]") {
  CHECK(text::to_lower("Redis AOF Rewrite @ 03:00Z [SEV-1]") == "redis aof rewrite @ 03:00z [sev-1]");
  CHECK(text::to_lower("ÄRGER ÜBER ÖL À LA CARTE Þ") == "ärger über öl à la carte þ");
  CHECK(text::to_lower("× stays, ß stays, ÿ stays") == "× stays, ß stays, ÿ stays");
  // Bytes that are not valid UTF-8 pass through; a lone 0xC3 at the end is kept as it is.
  CHECK(text::to_lower(std::string("A\xC3") ) == std::string("a\xC3"));
  CHECK(text::to_lower(std::string("\xC3\xC3\x84Z")) == std::string("\xC3\xC3\xA4z"));
  CHECK(text::to_lower(std::string("\x80\xFF@[`{")) == std::string("\x80\xFF@[`{"));
  // Long enough for the many-bytes-at-a-time path, with a capital on every side of its blocks.
  std::string upper;
  std::string lower;
  for (int i = 0; i < 200; ++i) {
    upper += static_cast<char>('A' + i % 26);
    lower += static_cast<char>('a' + i % 26);
    if (i % 37 == 0) {
      upper += "É";
      lower += "é";
    }
  }
  CHECK(text::to_lower(upper) == lower);
  CHECK(text::to_lower("") == "");
}

TEST_CASE("starts_with_ascii_nocase compares ASCII letters in any case", "[text]") {
  CHECK(text::starts_with_ascii_nocase("UPDATE 27.08.2022", "update"));
  CHECK(text::starts_with_ascii_nocase("Between 12:17", "between "));
  CHECK_FALSE(text::starts_with_ascii_nocase("Betwee", "between"));
  CHECK_FALSE(text::starts_with_ascii_nocase("Updating", "update"));
  CHECK(text::starts_with_ascii_nocase("anything", ""));
}

TEST_CASE("collapse_whitespace makes runs of spaces, tabs and line breaks one space, and trims", "[text]") {
  CHECK(text::collapse_whitespace("  Redis \t AOF\r\n\n rewrite  ") == "Redis AOF rewrite");
  CHECK(text::collapse_whitespace("one") == "one");
  CHECK(text::collapse_whitespace(" \n\t ") == "");
  CHECK(text::collapse_whitespace("") == "");
  CHECK(text::collapse_whitespace("a\u00A0b c") == "a\u00A0b c");  // a no-break space is not collapsed
}
