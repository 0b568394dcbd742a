#include <catch2/catch.hpp>

#include <string>

#include "model/compressed_text.h"

using pmkb::model::CompressedText;

TEST_CASE("compressed text: gives back exactly the text it was given", "[model]") {
  std::string large;
  for (int i = 0; i < 20000; ++i) large += "line " + std::to_string(i) + ": the primary r\xC3\xA9plica fell behind \xE2\x80\x94 again\n";
  const std::string binaryish("a\0b\xFF\xFE", 5);
  for (const std::string& text : {std::string(), std::string("x"), binaryish, large}) {
    const CompressedText compressed(text);
    CHECK(compressed.text() == text);
    CHECK(compressed.size() == text.size());
    CHECK(compressed.empty() == text.empty());
  }
  CHECK(CompressedText().text().empty());
}

TEST_CASE("compressed text: equal texts compare equal, different ones do not", "[model]") {
  CHECK(CompressedText("root cause: disk full") == CompressedText("root cause: disk full"));
  CHECK_FALSE(CompressedText("root cause: disk full") == CompressedText("root cause: disk fill"));
  CHECK(CompressedText() == CompressedText(""));
}
