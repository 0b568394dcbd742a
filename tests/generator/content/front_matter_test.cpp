#include <catch2/catch.hpp>

#include "content/front_matter.h"

using namespace pmkb;
using namespace pmkb::content;

namespace {
SplitDocument split(const std::string& text, diag::Diagnostics& d) {
  const SourceFile source{"a.md", "content/a.md", text, 0, std::nullopt};
  return split_front_matter(source, d);
}
}  // namespace

TEST_CASE("front matter: YAML keys are normalized and keep their lines", "[content]") {
  diag::Diagnostics d;
  const auto doc = split("---\ntitle: DB outage\nStarted-At: 2024-06-20 16:00\ntags: [db, redis]\n---\n# Body\n", d);
  REQUIRE(d.all().empty());
  CHECK(doc.front_matter.format == FrontMatterFormat::Yaml);
  REQUIRE(doc.front_matter.find({"started_at"}));
  CHECK(doc.front_matter.find({"started_at"})->line == 3);
  CHECK(doc.front_matter.find({"tags"})->items == std::vector<std::string>{"db", "redis"});
  CHECK(doc.body == "# Body\n");
  CHECK(doc.body_first_line == 6);
}

TEST_CASE("front matter: nested keys are found by their last component", "[content]") {
  diag::Diagnostics d;
  const auto doc = split("---\nincident:\n  start: 2024-01-02\n---\n", d);
  REQUIRE(doc.front_matter.find({"start"}));
  CHECK(doc.front_matter.find({"start"})->key == "incident.start");
}

TEST_CASE("front matter: a leading blank line and comments are tolerated", "[content]") {
  diag::Diagnostics d;
  const auto doc = split("\n---\n# Possible severity levels: down, disrupted\nseverity: down # worst\ntitle: \"\"\n---\nx\n", d);
  CHECK(d.all().empty());
  CHECK(doc.front_matter.find({"severity"})->text() == "down");
  CHECK(doc.front_matter.find({"title"}) == nullptr);  // empty values count as absent
}

TEST_CASE("front matter: broken YAML is an error at the exact line", "[content]") {
  diag::Diagnostics d;
  const auto doc = split("---\ntitle: ok\ndate: [2024\nseverity: high\n---\nbody\n", d);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].rule == "invalid-front-matter");
  CHECK(d.all()[0].where.line == 3);    // where the "[" opens, not where the text ends
  CHECK(d.all()[0].where.column == 7);
  CHECK(doc.body == "body\n");  // the body is still read
}

TEST_CASE("front matter: a quoted value that is never closed is an error at its line", "[content]") {
  diag::Diagnostics d;
  // yaml-cpp alone would read "severity: SEV2" into the title.
  const auto doc = split("---\ntitle: \"never closed\nseverity: SEV2\n---\nbody\n", d);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].rule == "invalid-front-matter");
  CHECK(d.all()[0].where.line == 2);
  CHECK(d.all()[0].where.column == 8);
  CHECK(doc.front_matter.values.empty());
  diag::Diagnostics fine;
  split("---\ntitle: \"closed\"\nnote: 'also'\nowner: Bob's team\n---\n", fine);
  CHECK(fine.all().empty());
}

TEST_CASE("front matter: an unclosed quote is found whatever precedes it, and escapes do not close it", "[content]") {
  const auto error_at = [](const std::string& yaml) {
    diag::Diagnostics d;
    split("---\n" + yaml + "---\nbody\n", d);
    if (d.all().empty()) return 0;
    return d.all().size() == 1 && d.all()[0].rule == "invalid-front-matter" ? d.all()[0].where.line : -1;
  };
  CHECK(error_at("title: \"closed\"\nnote: 'never ''closed''\nseverity: SEV2\n") == 3);
  CHECK(error_at("title: \"an escaped \\\" does not close it\nseverity: SEV2\n") == 2);
  CHECK(error_at("services:\n  - api\n  - \"never closed\nseverity: SEV2\n") == 4);
  // The last value is quoted and closed, with escapes inside: nothing to report.
  CHECK(error_at("title: x\nnote: 'it''s'\nquote: \"say \\\"hi\\\"\"\n") == 0);
}

TEST_CASE("front matter: TOML between +++ lines", "[content]") {
  diag::Diagnostics d;
  const auto doc = split("+++\ntitle = \"crates.io outage\"\ndate = 2023-07-05\n[extra]\nteam = \"infra\"\n+++\nbody\n", d);
  REQUIRE(d.all().empty());
  CHECK(doc.front_matter.format == FrontMatterFormat::Toml);
  CHECK(doc.front_matter.find({"title"})->text() == "crates.io outage");
  CHECK(doc.front_matter.find({"date"})->text() == "2023-07-05");
  CHECK(doc.front_matter.find({"team"})->key == "extra.team");
  CHECK(doc.front_matter.find({"title"})->line == 2);
}

TEST_CASE("front matter: invalid TOML is reported at its line", "[content]") {
  diag::Diagnostics d;
  split("+++\ntitle = \"x\"\ndate = = 3\n+++\n", d);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].where.line == 3);
}

TEST_CASE("front matter: a YAML alias bomb is bounded", "[content]") {
  std::string yaml = "---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n";
  const char* names = "bcdefghij";
  for (int i = 0; i < 8; ++i) {
    const char prev = i == 0 ? 'a' : names[i - 1];
    yaml += std::string(1, names[i]) + ": &" + names[i] + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
            ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n";
  }
  yaml += "---\nbody\n";
  diag::Diagnostics d;
  const auto doc = split(yaml, d);  // must return promptly, not expand 9^9 nodes
  CHECK(doc.body == "body\n");
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].rule == "invalid-front-matter");
  CHECK(d.all()[0].where.line == 6);  // "e": the first key whose expansion passes the bound
  CHECK(doc.front_matter.values.empty());
}

TEST_CASE("front matter: an unclosed --- is read as body", "[content]") {
  diag::Diagnostics d;
  const auto doc = split("---\n# Title\ntext\n", d);
  CHECK(doc.front_matter.format == FrontMatterFormat::None);
  CHECK(doc.body == "---\n# Title\ntext\n");
}
