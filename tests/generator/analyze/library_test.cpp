#include <catch2/catch.hpp>

#include "analyze/library.h"
#include "config/settings_loader.h"
#include "search/indexer.h"
#include "search/themes.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {

model::Incident incident(const std::string& path, const std::string& markdown) { return *test::extract_text(markdown, path).incident; }

// The analysis half of a build, as the orchestrator runs it.
model::Site analyze_all(std::vector<model::Incident> incidents, diag::Diagnostics& d,
                    const std::vector<model::Similarity>& similar = {}) {
  const auto settings = config::default_settings();
  incidents = analyze::assign_unique_ids(std::move(incidents), d);
  auto causes = analyze::classify_all(incidents, settings, 2, d);
  return analyze::analyze_library(std::move(incidents), std::move(causes), similar, {}, settings.taxonomy);
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

bool has_rule(const diag::Diagnostics& d, const std::string& rule) {
  return std::any_of(d.all().begin(), d.all().end(), [&](const auto& x) { return x.rule == rule; });
}

}  // namespace

TEST_CASE("library: recurring causes link both ways; a decoy is not linked", "[analyze]") {
  std::vector<model::Incident> incidents{
      incident("a.md", "# A\n\n**Date:** 2024-01-01\n\n## Root cause\n\nThe AOF file was corrupted after a restart.\n"),
      incident("b.md", "# B\n\n**Date:** 2024-05-01\n\n## Root cause\n\nRedis could not load its append-only file.\n"),
      incident("decoy.md", "# Decoy\n\n**Date:** 2024-03-01\n\n## Root cause\n\nA DNS record was deleted by mistake.\n"),
  };
  diag::Diagnostics d;
  const auto site = analyze_all(std::move(incidents), d);
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
  CHECK(cause->intervals_days == std::vector<int>{121});
}

TEST_CASE("library: a cause shared by most of the library relates nothing (cardinality guard)", "[analyze]") {
  std::vector<model::Incident> incidents;
  for (int n = 0; n < 10; ++n) {
    incidents.push_back(incident("i" + std::to_string(n) + ".md", "# I" + std::to_string(n) + "\n\n## Root cause\n\nA bug in the code.\n"));
  }
  diag::Diagnostics d;
  const auto site = analyze_all(std::move(incidents), d);
  for (const auto& entry : site.incidents) CHECK(entry.related.empty());
}

TEST_CASE("library: a cause that recurs after every earlier action was done is flagged", "[analyze]") {
  std::vector<model::Incident> incidents{
      incident("first.md", "# First\n\n**Date:** 2023-01-10\n\n## Root cause\n\nThe disk filled up.\n\n## Action items\n\n- [x] Add disk alerts @ops\n- [x] Rotate logs @ops\n"),
      incident("second.md", "# Second\n\n**Date:** 2023-06-01\n\n## Root cause\n\nThe volume ran out of space again.\n\n## Action items\n\n- [ ] Move logs off the root volume @ops\n"),
      incident("third.md", "# Third\n\n**Date:** 2024-02-01\n\n## Root cause\n\nENOSPC on the data disk.\n"),
  };
  diag::Diagnostics d;
  const auto site = analyze_all(std::move(incidents), d);
  CHECK(find(site, "first").recurred_after_fixes.empty());
  CHECK(find(site, "second").recurred_after_fixes == std::vector<std::string>{"disk-full"});
  CHECK(find(site, "third").recurred_after_fixes == std::vector<std::string>{"disk-full"});
  // The open action of the second incident follows the cause into the third.
  const auto& earlier = find(site, "third").earlier_open_actions;
  REQUIRE(earlier.size() == 1);
  const auto& second = site.incidents.at(earlier[0].incident_index);
  CHECK(second.incident.id == "second");
  CHECK(second.causes.at(earlier[0].cause_index).id == "disk-full");
  CHECK(second.incident.action_items.at(earlier[0].action_index).text == "Move logs off the root volume @ops");
  CHECK(find(site, "second").earlier_open_actions.empty());  // the first incident's actions were done
}

TEST_CASE("library: duplicate ids are errors and both incidents are kept", "[analyze]") {
  std::vector<model::Incident> incidents{incident("x/a.md", "---\nid: INC-1\n---\n# One\n"), incident("y/b.md", "---\nid: INC-1\n---\n# Two\n")};
  diag::Diagnostics d;
  const auto site = analyze_all(std::move(incidents), d);
  REQUIRE(site.incidents.size() == 2);
  CHECK(site.find("INC-1"));
  CHECK(site.find("INC-1-2"));
  const auto dup = std::find_if(d.all().begin(), d.all().end(), [](const auto& x) { return x.rule == "duplicate-id"; });
  REQUIRE(dup != d.all().end());
  CHECK(dup->where.path == "y/b.md");
  CHECK(dup->where.line == 2);
}

TEST_CASE("library: similar text relates incidents above the threshold only", "[analyze]") {
  std::vector<model::Incident> incidents{incident("a.md", "# A\n"), incident("b.md", "# B\n"), incident("c.md", "# C\n")};
  diag::Diagnostics d;
  const auto site = analyze_all(std::move(incidents), d, {{0, 1, 0.8}, {0, 2, 0.1}});
  CHECK(related(find(site, "a"), "b", "similar"));
  CHECK(related(find(site, "b"), "a", "similar"));
  CHECK_FALSE(related(find(site, "a"), "c", "similar"));
}

TEST_CASE("library: no-cause notes and cause-conflict warnings", "[analyze]") {
  std::vector<model::Incident> incidents{
      incident("none.md", "# Mystery\n\nSomething happened and then it stopped.\n"),
      incident("conflict.md", "---\ncauses: [dns]\n---\n# X\n\n## Root cause\n\nThe TLS certificate expired.\n"),
      incident("agree.md", "---\ncauses: [replication-misconfig]\n---\n# Y\n\n## Root cause\n\nA configuration change was wrong.\n")};
  diag::Diagnostics d;
  const auto site = analyze_all(std::move(incidents), d);
  CHECK(has_rule(d, "no-cause"));
  CHECK(has_rule(d, "cause-conflict"));
  int conflicts = 0;
  for (const auto& x : d.all()) conflicts += x.rule == "cause-conflict";
  CHECK(conflicts == 1);  // config-change is the parent of replication-misconfig: no conflict
  CHECK(find(site, "conflict").causes[0].source == model::CauseSource::FrontMatter);
}

TEST_CASE("themes: seeds are taken by most free neighbours, counted as incidents are assigned", "[analyze][search]") {
  std::vector<model::AnalyzedIncident> incidents;
  for (int i = 0; i < 10; ++i) {
    const std::string n = std::to_string(i);
    incidents.emplace_back().incident = incident("i" + n + ".md", "# Incident " + n + "\n\nSomething failed, case " + n + ".\n");
  }
  std::vector<model::Similarity> similar;
  for (const auto& [a, b] : std::vector<std::pair<std::size_t, std::size_t>>{
           {0, 1}, {0, 2}, {0, 3}, {0, 4},  // 0 has four neighbours: the first seed
           {1, 5}, {2, 5}, {5, 6},          // 5 has three, but only 6 is still free after 0's theme
           {6, 7}, {7, 8}, {7, 9}}) {       // 7 has three free: it must come before 5 and take 6
    similar.push_back({a, b, 0.5});
  }
  const auto themes = search::find_themes(incidents, similar, 1, 0.3);
  REQUIRE(themes.size() == 2);
  CHECK(themes[0].incident_ids == std::vector<std::string>{"i0", "i1", "i2", "i3", "i4"});
  CHECK(themes[1].incident_ids == std::vector<std::string>{"i6", "i7", "i8", "i9"});
}

TEST_CASE("themes: unexplained incidents with alike text are grouped, with top terms", "[analyze][search]") {
  std::vector<model::AnalyzedIncident> incidents;
  for (const auto& [path, text] : std::vector<std::pair<std::string, std::string>>{
           {"a.md", "# Webhook delivery stalled\n\nWebhook delivery queue stalled; webhook workers stuck on the delivery queue.\n"},
           {"b.md", "# Webhook workers stuck\n\nThe webhook delivery workers were stuck and the webhook queue grew.\n"},
           {"c.md", "# Webhook backlog\n\nWebhook delivery backlog: workers stuck, webhook queue delayed.\n"},
           {"d.md", "# Printer offline\n\nThe office printer was offline all morning.\n"},
           {"e.md", "# Disk full\n\n## Root cause\n\nThe disk filled up.\n"}}) {
    incidents.emplace_back().incident = incident(path, text);
  }
  incidents[4].causes.emplace_back().id = "disk-full";  // explained: in no theme
  const auto similar = search::find_similar_incidents(incidents, 1, 0.2);
  const auto themes = search::find_themes(incidents, similar, 1, 0.3);
  REQUIRE(themes.size() == 1);
  CHECK(themes[0].incident_ids == std::vector<std::string>{"a", "b", "c"});
  CHECK(std::find(themes[0].top_terms.begin(), themes[0].top_terms.end(), "webhook") != themes[0].top_terms.end());
  const auto threaded = search::find_themes(incidents, similar, 4, 0.3);  // terms made on several threads
  REQUIRE(threaded.size() == 1);
  CHECK(threaded[0].incident_ids == themes[0].incident_ids);
  CHECK(threaded[0].top_terms == themes[0].top_terms);
}
