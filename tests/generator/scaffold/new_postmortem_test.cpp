#include <catch2/catch.hpp>

#include "scaffold/new_postmortem.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

// Fills every placeholder of the template the way an engineer would.
std::string fill(std::string doc) {
  doc = replace(doc, "started_at: \"\"", "started_at: 2026-03-04T14:05:00Z");
  doc = replace(doc, "resolved_at: \"\"", "resolved_at: 2026-03-04T15:20:00Z");
  doc = replace(doc, "severity: \"\"", "severity: SEV2");
  doc = replace(doc, "services: []", "services: [checkout, postgres]");
  doc = replace(doc, "authors: []", "authors: [alice]");
  doc = replace(doc, "causes: []", "causes: [disk-full]");
  doc = replace(doc, "<fill me: two or three sentences on what broke, for whom, and for how long>", "Checkout failed for all users.");
  doc = replace(doc, "<fill me: who or what was affected, and how much>", "All card payments failed.");
  doc = replace(doc, "<fill me: the conditions that made the failure possible; blameless, systems not people>", "The WAL volume filled up.");
  doc = replace(doc, "- <fill me>", "- No disk alert on the WAL volume.");
  doc = replace(doc, "<fill me: what set it off>", "A bulk import.");
  doc = replace(doc, "<fill me: how we found out, and how long it took>", "Error-rate alert after 4 minutes.");
  doc = replace(doc, "<fill me: what stopped the impact>", "Grew the volume.");
  doc = replace(doc, "| YYYY-MM-DD HH:MM | <fill me: first sign of trouble> |",
                "| 2026-03-04 14:05 | Error-rate alert fires |\n| 2026-03-04 15:20 | Volume grown, checkout restored |");
  doc = replace(doc, "| <fill me> | @owner | open | P2 | YYYY-MM-DD |", "| Alert on WAL volume usage | @bob | open | P1 | 2026-03-20 |");
  doc = replace(doc, "- <fill me>", "- The runbook was current.");
  doc = replace(doc, "- <fill me>", "- The import had no rate limit.");
  doc = replace(doc, "- <fill me>", "- It happened during office hours.");
  return doc;
}

}  // namespace

TEST_CASE("new: the template has the front matter filled in", "[scaffold]") {
  const std::string doc = scaffold::new_postmortem("Checkout \"API\" outage", {2026, 3, 4});
  CHECK(doc.find("id: 2026-03-04-checkout-api-outage\n") != std::string::npos);
  CHECK(doc.find("title: \"Checkout \\\"API\\\" outage\"\n") != std::string::npos);
  CHECK(doc.find("date: 2026-03-04 ") != std::string::npos);
  CHECK(doc.find("{{") == std::string::npos);
  const auto unfilled = test::extract_text(doc, "new.md");
  REQUIRE(unfilled.incident);
  CHECK(unfilled.incident->title == "Checkout \"API\" outage");
  CHECK(unfilled.has("unfilled-placeholder"));  // a fresh template says what is left to do
}

TEST_CASE("new: every field of a filled-in template is extracted exactly (round trip)", "[scaffold]") {
  const auto r = test::extract_text(fill(scaffold::new_postmortem("Checkout outage", {2026, 3, 4})), "new.md");
  REQUIRE(r.incident);
  const auto& i = *r.incident;
  CHECK(i.id == "2026-03-04-checkout-outage");
  CHECK(i.title == "Checkout outage");
  CHECK(model::to_iso(*i.date) == "2026-03-04");
  CHECK(model::to_iso(*i.start) == "2026-03-04T14:05Z");
  CHECK(model::to_iso(*i.end) == "2026-03-04T15:20Z");
  CHECK(i.duration_minutes == 75);
  CHECK(i.severity == model::Severity::Sev2);
  CHECK(i.status == "draft");
  CHECK(i.services == std::vector<std::string>{"checkout", "postgres"});
  CHECK(i.authors == std::vector<std::string>{"alice"});
  CHECK(i.summary == "Checkout failed for all users.");
  CHECK(i.impact == "All card payments failed.");
  CHECK(i.root_cause == "The WAL volume filled up.");
  CHECK(i.contributing_factors == "- No disk alert on the WAL volume.");
  CHECK(i.trigger == "A bulk import.");
  CHECK(i.detection == "Error-rate alert after 4 minutes.");
  CHECK(i.resolution == "Grew the volume.");
  CHECK(i.lessons.find("The runbook was current.") != std::string::npos);
  CHECK(i.lessons.find("It happened during office hours.") != std::string::npos);
  REQUIRE(i.timeline.size() == 2);
  CHECK(model::to_iso(*i.timeline[0].time) == "2026-03-04T14:05Z");
  CHECK(i.timeline[0].text == "Error-rate alert fires");
  CHECK(i.timeline[1].kind == model::TimelineKind::Resolve);
  REQUIRE(i.action_items.size() == 1);
  CHECK(i.action_items[0].text == "Alert on WAL volume usage");
  CHECK(i.action_items[0].owner == "bob");
  CHECK(i.action_items[0].status == model::ActionStatus::Open);
  CHECK(i.action_items[0].priority == "P1");
  CHECK(i.action_items[0].due == "2026-03-20");
  REQUIRE(i.declared_causes.size() == 1);
  CHECK(i.declared_causes[0].id == "disk-full");
  CHECK_FALSE(r.has("unfilled-placeholder"));
  CHECK_FALSE(r.has("date-conflict"));
  CHECK_FALSE(r.has("missing-date"));
}

TEST_CASE("new: writes a file once and never overwrites", "[scaffold]") {
  test::TempDir dir;
  const auto path = scaffold::write_new_postmortem(dir.path(), "Queue backlog", {2026, 1, 2});
  CHECK(path.filename() == "2026-01-02-queue-backlog.md");
  CHECK(dir.read("2026-01-02-queue-backlog.md").find("title: \"Queue backlog\"") != std::string::npos);
  CHECK_THROWS_WITH(scaffold::write_new_postmortem(dir.path(), "Queue backlog", {2026, 1, 2}), Catch::Contains("already exists"));
  CHECK_THROWS_AS(scaffold::write_new_postmortem(dir.path(), "  ", {2026, 1, 2}), std::invalid_argument);
}
