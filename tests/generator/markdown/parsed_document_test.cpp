#include <catch2/catch.hpp>

#include "markdown/parsed_document.h"

using namespace pmkb::markdown;

TEST_CASE("markdown: blocks carry their source lines, offset by the front matter", "[markdown]") {
  const auto doc = parse_markdown("# Title\n\nSome text\nsecond line\n\n- item one\n- [x] done item\n", 5, {});
  REQUIRE(doc.blocks.size() == 4);
  CHECK(doc.blocks[0].kind == BlockKind::Heading);
  CHECK(doc.blocks[0].line == 5);
  CHECK(doc.blocks[1].kind == BlockKind::Paragraph);
  REQUIRE(doc.blocks[1].lines.size() == 2);
  CHECK(doc.blocks[1].lines[1].line == 8);
  CHECK(doc.blocks[1].lines[1].text == "second line");
  CHECK(doc.blocks[2].line == 10);
  CHECK(doc.blocks[3].task == TaskMark::Done);
  CHECK(doc.blocks[3].text == "done item");
}

TEST_CASE("markdown: a bold lead is captured per line", "[markdown]") {
  const auto doc = parse_markdown("**Duration:** 35 minutes\n**Severity**: Major\n", 1, {});
  REQUIRE(doc.blocks.size() == 1);
  REQUIRE(doc.blocks[0].lines.size() == 2);
  CHECK(doc.blocks[0].lines[0].lead_strong == "Duration:");
  CHECK(doc.blocks[0].lines[1].lead_strong == "Severity");
  CHECK(doc.blocks[0].lines[1].text == "Severity: Major");
}

TEST_CASE("markdown: table rows keep their cells and header flag", "[markdown]") {
  const auto doc = parse_markdown("| Owner | Task |\n|---|---|\n| SRE | Add alert |\n", 1, {});
  REQUIRE(doc.blocks.size() == 2);
  CHECK(doc.blocks[0].header_row);
  CHECK(doc.blocks[1].cells == std::vector<std::string>{"SRE", "Add alert"});
  CHECK(doc.blocks[1].line == 3);
}

TEST_CASE("markdown: raw HTML is escaped unless allowed", "[markdown]") {
  const std::string input = "<script>alert(1)</script>\n\ntext <b onmouseover=x>bold</b>\n";
  const auto safe = parse_markdown(input, 1, {});
  CHECK(safe.html.find("<script>") == std::string::npos);
  CHECK(safe.html.find("&lt;script&gt;") != std::string::npos);
  CHECK(safe.html.find("<b onmouseover") == std::string::npos);
  const auto unsafe = parse_markdown(input, 1, {true});
  CHECK(unsafe.html.find("<script>") != std::string::npos);
}

TEST_CASE("markdown: javascript: and data: links are dropped", "[markdown]") {
  const auto doc = parse_markdown("[a](javascript:alert(1)) [b]( JaVaScRiPt:x) [c](https://ok.example/) ![d](data:text/html,x)\n", 3, {});
  CHECK(doc.unsafe_links == 3);
  CHECK(doc.html.find("javascript") == std::string::npos);
  CHECK(doc.html.find("data:") == std::string::npos);
  CHECK(doc.html.find("https://ok.example/") != std::string::npos);
  CHECK(doc.first_unsafe_link_line == 3);
}
