#include <catch2/catch.hpp>

#include "content/encoding.h"

using namespace pmkb::content;

TEST_CASE("encoding: BOM is stripped and CRLF becomes LF", "[content]") {
  const auto n = normalize_encoding("\xEF\xBB\xBF# Title\r\nline\rend");
  CHECK(n.text == "# Title\nline\nend");
  CHECK(n.repaired_bytes == 0);
}

TEST_CASE("encoding: invalid UTF-8 is read as Windows-1252 and located", "[content]") {
  const auto n = normalize_encoding("ok\ncaf\xE9 \x93quoted\x94");
  CHECK(n.text == "ok\ncaf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D");
  CHECK(n.repaired_bytes == 3);
  CHECK(n.first_repair_line == 2);
  CHECK(n.first_repair_column == 4);
  CHECK(is_valid_utf8(n.text));
}

TEST_CASE("encoding: valid UTF-8 is left alone", "[content]") {
  const std::string text = "Zeitleiste \xE2\x80\x94 \xE5\x8E\x9F\xE5\x9B\xA0 \xF0\x9F\x9B\xA0";
  CHECK(normalize_encoding(text).text == text);
}

TEST_CASE("encoding: NUL bytes are replaced and counted", "[content]") {
  const auto n = normalize_encoding(std::string("a\0b", 3));
  CHECK(n.nul_bytes == 1);
  CHECK(n.text == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("encoding: UTF-8 decoded as Mac Roman is noticed, not changed", "[content]") {
  const auto n = normalize_encoding("fine\n# \xC3\xBC\xC3\xAC\xC3\xB5 Postmortem");
  CHECK(n.mojibake_line == 2);
  CHECK(n.text == "fine\n# \xC3\xBC\xC3\xAC\xC3\xB5 Postmortem");
}

TEST_CASE("encoding: mojibake is found on any line, and only on lines that have it", "[content]") {
  // Windows-1252 "â€™" for a UTF-8 apostrophe, between plain ASCII lines (CRLF ends too).
  const auto n = normalize_encoding("plain\r\nwe didn\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2t page\r\nplain again\n");
  CHECK(n.mojibake_line == 2);
  CHECK(n.mojibake_sample == "we didn\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2t page");
  CHECK(normalize_encoding("caf\xC3\xA9\nna\xC3\xAFve \xE2\x80\x94 fine\n").mojibake_line == 0);
}
