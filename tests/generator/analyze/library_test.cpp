#include <catch2/catch.hpp>

#include "analyze/library.h"
#include "config/settings_loader.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {
model::Incident incident(const std::string& path, const std::string& markdown) {
  auto r = test::extract_text(markdown, path);
  return *r.incident;
}

const model::AnalyzedIncident& find(const model::Site& site, const std::string& id) {
  const auto* entry = site.find(id);
  REQUIRE(entry);
  return *entry;
}

bool related(const model::AnalyzedIncident& entry, const std::string& id, const std::string& reason) {
  return std::any_of(entry.related.begin(), entry.related.end(),
                     [&](const auto& r) { return r.id == id && model::reason(r) == reason; });
}
}  // namespace

TEST_CASE("library: recurring causes link both ways; a decoy is not linked", "[analyze]") {
  std::vector<model::Incident> incidents{
      incident("a.md", "# A\n\n**Date:** 2024-01-01\n\n## Root cause\n\nThe AOF file was corrupted after a restart.\n"),
      incident("b.md", "# B\n\n**Date:** 2024-05-01\n\n## Root cause\n\nRedis could not load its append-only file.\n"),
      incident("decoy.md", "# Decoy\n\n**Date:** 2024-03-01\n\n## Root cause\n\nA DNS record was deleted by mistake.\n"),
  };
  diag::Diagnostics d;
  const auto site = analyze::analyze_library(std::move(incidents), config::default_settings(), {}, {}, d);
  CHECK(related(find(site, "a"), "b", "same-cause:aof-persistence"));
  CHECK(related(find(site, "b"), "a", "same-cause:aof-persistence"));
  CHECK(find(site, "decoy").related.empty());
  REQUIRE(site.incidents.size() == 3);
  CHECK(site.incidents[0].incident.id == "b");  // newest first
  const auto cause = std::find_if(site.causes.begin(), site.causes.end(), [](const auto& c) { return c.id == "aof-persistence"; });
  REQUIRE(cause != site.causes.end());
  CHECK(cause->incident_ids == std::vector<std::string>{"a", "b"});  // oldest first
  CHECK(model::to_iso(*cause->first_seen) == "2024-01-01");
  CHECK(model::to_iso(*cause->last_seen) == "2024-05-01");
}

TEST_CASE("library: a cause shared by most of the library relates nothing (cardinality guard)", "[analyze]") {
  std::vector<model::Incident> incidents;
  for (int n = 0; n < 10; ++n) {
    incidents.push_back(incident("i" + std::to_string(n) + ".md",
                                 "# I" + std::to_string(n) + "\n\n## Root cause\n\nA bug in the code.\n"));
  }
  diag::Diagnostics d;
  const auto site = analyze::analyze_library(std::move(incidents), config::default_settings(), {}, {}, d);
  for (const auto& entry : site.incidents) CHECK(entry.related.empty());
}

TEST_CASE("library: duplicate ids are errors and both incidents are kept", "[analyze]") {
  std::vector<model::Incident> incidents{incident("x/a.md", "---\nid: INC-1\n---\n# One\n"),
                                         incident("y/b.md", "---\nid: INC-1\n---\n# Two\n")};
  diag::Diagnostics d;
  const auto site = analyze::analyze_library(std::move(incidents), config::default_settings(), {}, {{"y/b.md", "content/y/b.md"}}, d);
  REQUIRE(site.incidents.size() == 2);
  CHECK(site.find("INC-1"));
  CHECK(site.find("INC-1-2"));
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].rule == "duplicate-id");
  CHECK(d.all()[0].where.path == "content/y/b.md");
  CHECK(d.all()[0].where.line == 2);
}

TEST_CASE("library: similar text relates incidents above the threshold only", "[analyze]") {
  std::vector<model::Incident> incidents{incident("a.md", "# A\n"), incident("b.md", "# B\n"), incident("c.md", "# C\n")};
  diag::Diagnostics d;
  const std::vector<model::Similarity> similar{{0, 1, 0.8}, {0, 2, 0.1}};
  const auto site = analyze::analyze_library(std::move(incidents), config::default_settings(), similar, {}, d);
  CHECK(related(find(site, "a"), "b", "similar"));
  CHECK(related(find(site, "b"), "a", "similar"));
  CHECK_FALSE(related(find(site, "a"), "c", "similar"));
}
