#include <catch2/catch.hpp>

#include "diag/diagnostics.h"
#include "diag/line_index.h"

using namespace pmkb::diag;

TEST_CASE("diagnostics: text format is path:line:col: level: message [rule]", "[diag]") {
  Diagnostics d;
  d.report(Level::Error, {"content/a.md", 7, 11}, "unknown severity \"sev5\"", "unknown-severity");
  CHECK(format_text(d.all()) == "content/a.md:7:11: error: unknown severity \"sev5\" [unknown-severity]\n");
}

TEST_CASE("diagnostics: sorted by path, line, column", "[diag]") {
  Diagnostics d;
  d.report(Level::Warning, {"b.md", 1, 1}, "x", "r");
  d.report(Level::Warning, {"a.md", 9, 1}, "y", "r");
  d.report(Level::Warning, {"a.md", 2, 5}, "z", "r");
  const auto sorted = d.sorted();
  CHECK(sorted[0].message == "z");
  CHECK(sorted[1].message == "y");
  CHECK(sorted[2].message == "x");
}

TEST_CASE("diagnostics: github annotations escape properties and messages", "[diag]") {
  Diagnostics d;
  d.report(Level::Warning, {"dir/a,b.md", 3, 2}, "50% done\nnext", "date-conflict");
  CHECK(format_github(d.all()) == "::warning file=dir/a%2Cb.md,line=3,col=2,title=date-conflict::50%25 done%0Anext\n");
}

TEST_CASE("diagnostics: json format is one array", "[diag]") {
  Diagnostics d;
  d.report(Level::Info, {"a.md", 1, 1}, "note", "no-cause");
  const std::string json = format_json(d.all());
  CHECK(json.front() == '[');
  CHECK(json.find("\"rule\": \"no-cause\"") != std::string::npos);
  CHECK(json.find("\"level\": \"info\"") != std::string::npos);
}

TEST_CASE("line index: 1-based lines and code-point columns", "[diag]") {
  const LineIndex index("ab\n\xC3\xA4x\nlast");
  CHECK(index.line_of(0) == 1);
  CHECK(index.line_of(3) == 2);
  CHECK(index.column_of(5) == 2);  // 'x' after the two-byte 'ä'
  CHECK(index.line_of(8) == 3);
  CHECK(index.line_count() == 3);
}
