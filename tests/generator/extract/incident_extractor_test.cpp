#include <catch2/catch.hpp>

#include "extract/incident_extractor.h"
#include "markdown/parsed_document.h"
#include "support/fixtures.h"

using namespace pmkb;
using model::Field;
using model::OriginKind;

TEST_CASE("extract: front matter wins and is recorded as provenance", "[extract]") {
  const auto r = test::extract_text(
      "---\ntitle: Cache outage\nincident_id: INC-42\nstarted_at: 2024-03-01T10:00:00Z\nresolved_at: 2024-03-01T11:17:00Z\n"
      "sev: P1\nservices: [api, cache]\n---\n# Another heading\n\n**Date:** 2024-03-01\n",
      "cache.md");
  REQUIRE(r.incident);
  const auto& i = *r.incident;
  CHECK(i.id == "INC-42");
  CHECK(i.slug == "inc-42");
  CHECK(i.title == "Cache outage");
  CHECK(i.provenance.at(Field::Title).kind == OriginKind::FrontMatter);
  CHECK(i.provenance.at(Field::Title).line == 2);
  CHECK(model::to_iso(*i.date) == "2024-03-01");
  CHECK(i.duration_minutes == 77);
  CHECK(i.severity == model::Severity::Sev1);
  CHECK(i.severity_label == "P1");
  CHECK(i.services == std::vector<std::string>{"api", "cache"});
  CHECK(model::to_iso(*i.start) == "2024-03-01T10:00Z");
}

TEST_CASE("extract: body inference from bold labels and headings", "[extract]") {
  const auto r = test::extract_text(
      "# \xF0\x9F\x93\x9B Postmortem: Slot migration failure\n\n**Date:** 2025-08-22  \n**Severity:** Major  \n"
      "**Duration:** 35 minutes\n\n## \xF0\x9F\xA7\xA0 Root Cause\n\n- **Primary Cause**: Network partition during rebalancing\n\n"
      "## Impact\n\n15% of requests failed.\n");
  REQUIRE(r.incident);
  const auto& i = *r.incident;
  CHECK(i.title == "Postmortem: Slot migration failure");
  CHECK(model::to_iso(*i.date) == "2025-08-22");
  CHECK(i.provenance.at(Field::Date).kind == OriginKind::Label);
  CHECK(i.severity == model::Severity::Sev2);
  CHECK(i.duration_minutes == 35);
  CHECK(i.root_cause.find("Network partition") != std::string::npos);
  CHECK(i.provenance.at(Field::RootCause).line == 7);
  CHECK(i.impact == "15% of requests failed.");
  CHECK_FALSE(r.has("missing-date"));
}

TEST_CASE("extract: severity is never guessed", "[extract]") {
  const auto r = test::extract_text("# Total outage\n\nEverything was down for everyone.\n");
  REQUIRE(r.incident);
  CHECK_FALSE(r.incident->severity);
  CHECK(r.incident->severity_label.empty());
}

TEST_CASE("extract: an unknown severity keeps its label and warns", "[extract]") {
  const auto r = test::extract_text("# X\n\n**Severity:** purple\n");
  REQUIRE(r.incident);
  CHECK_FALSE(r.incident->severity);
  CHECK(r.incident->severity_label == "purple");
  CHECK(r.line_of("unknown-severity") == 3);
}

TEST_CASE("extract: a title date that disagrees with the duration line is a date-conflict", "[extract]") {
  const auto r = test::extract_text(
      "# Postmortem: Outage on Aug 20, 2023\n\n# Issue Summary\n\n**Duration:** June 20, 2024, 4:00 PM - 7:00 PM UTC (3 hours)\n");
  REQUIRE(r.incident);
  CHECK(model::to_iso(*r.incident->date) == "2024-06-20");
  CHECK(r.incident->duration_minutes == 180);
  CHECK(model::to_iso(*r.incident->start) == "2024-06-20T16:00Z");
  CHECK(model::to_iso(*r.incident->end) == "2024-06-20T19:00Z");
  CHECK(r.line_of("date-conflict") == 1);
  const auto& message = r.diagnostics.all().front().message;
  CHECK(message.find("2023-08-20") != std::string::npos);
  CHECK(message.find("line 5") != std::string::npos);
}

TEST_CASE("extract: a timeline list with times, kinds and an out-of-order entry", "[extract]") {
  const auto r = test::extract_text(
      "# T\n\n## Timeline (UTC)\n\n- **2025-04-26 03:29** \xE2\x80\x93 Alert fired; monitoring detected crashes\n"
      "- **2025-04-26 04:30** \xE2\x80\x93 Escalated to the database team\n- **2025-04-26 14:45** \xE2\x80\x93 Workaround applied\n"
      "- **2025-04-19 15:45** \xE2\x80\x93 Database restarted\n- **2025-04-26 22:00** \xE2\x80\x93 Service restored\n");
  REQUIRE(r.incident);
  const auto& t = r.incident->timeline;
  REQUIRE(t.size() == 5);
  CHECK(model::to_iso(*t[0].time) == "2025-04-26T03:29Z");
  CHECK(t[0].kind == model::TimelineKind::Detect);
  CHECK(t[1].kind == model::TimelineKind::Escalate);
  CHECK(t[2].kind == model::TimelineKind::Mitigate);
  CHECK(t[4].kind == model::TimelineKind::Resolve);
  CHECK(t[0].text == "Alert fired; monitoring detected crashes");
  CHECK(t[0].line == 5);
  CHECK(r.line_of("timeline-out-of-order") == 8);
  CHECK(model::to_iso(*r.incident->date) == "2025-04-26");  // the first entry, not the earliest
}

TEST_CASE("extract: time-only entries take the incident date and cross midnight", "[extract]") {
  const auto r = test::extract_text(
      "# T\n\n**Date:** 2024-01-31\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 23:50 | Alert |\n| 00:10 | Rolled back |\n");
  REQUIRE(r.incident);
  const auto& t = r.incident->timeline;
  REQUIRE(t.size() == 2);
  CHECK(model::to_iso(*t[0].time) == "2024-01-31T23:50");
  CHECK(model::to_iso(*t[1].time) == "2024-02-01T00:10");
  CHECK(t[1].text == "Rolled back");
  CHECK_FALSE(r.has("timeline-out-of-order"));
}

TEST_CASE("extract: action items from checklists, tables and lists, with owner and status", "[extract]") {
  const auto r = test::extract_text(
      "# T\n\n## Action Items\n\n- [x] Audit configs @alice\n- [ ] Add alerting\n\n"
      "| Status | Task | Owner | Priority |\n|---|---|---|---|\n| In progress | Scale cluster | SRE Team | High |\n"
      "| \xE2\x9C\x85 Done | Add health checks | DevOps | Medium |\n\n## Root Cause\n\n1. A wrong flag\n2. No review\n");
  REQUIRE(r.incident);
  const auto& a = r.incident->action_items;
  REQUIRE(a.size() == 4);
  CHECK(a[0].text == "Audit configs @alice");
  CHECK(a[0].owner == "alice");
  CHECK(a[0].status == model::ActionStatus::Done);
  CHECK(a[1].status == model::ActionStatus::Open);
  CHECK(a[2].text == "Scale cluster");
  CHECK(a[2].owner == "SRE Team");
  CHECK(a[2].status == model::ActionStatus::Open);
  CHECK(a[2].priority == "High");
  CHECK(a[3].status == model::ActionStatus::Done);
  CHECK(a[0].line == 5);
}

TEST_CASE("extract: plain-text documents with labels inside list items", "[extract]") {
  const auto r = test::extract_text(
      "Incident Post-Mortem Template\n- Date of Incident: [YYYY-MM-DD]\n- Severity Level: Critical\n"
      "Brief Description: On July 9, 2025, the cache cluster failed.\nBusiness/User Impact: unavailable for about 30 minutes.\n"
      "Why Did it Happen?\n-\nThe disk filled up and the AOF was corrupted by the full disk, which broke every restart attempt.\n-\n"
      "Future Actions / Preventative Measures:\n- Task: Increase the volume Owner: [Team/Individual] Due Date: [YYYY-MM-DD] Status: Open\n",
      "2025-07-09-klamm-cache.md");
  REQUIRE(r.incident);
  const auto& i = *r.incident;
  CHECK(i.title == "2025-07-09 klamm cache");
  CHECK(r.has("template-title"));
  CHECK(r.has("missing-title"));
  CHECK(r.has("unfilled-placeholder"));
  CHECK(i.severity == model::Severity::Sev1);
  CHECK(i.severity_label == "Critical");
  CHECK(i.summary.find("On July 9, 2025") != std::string::npos);
  CHECK(model::to_iso(*i.date) == "2025-07-09");
  CHECK(i.duration_minutes == 30);
  CHECK(i.root_cause.find("AOF was corrupted") != std::string::npos);
  REQUIRE(i.action_items.size() == 1);
  CHECK(i.action_items[0].text == "Increase the volume");
  CHECK(i.action_items[0].owner.empty());
  CHECK(i.action_items[0].due.empty());
  CHECK(i.action_items[0].status == model::ActionStatus::Open);
}

TEST_CASE("extract: bold section lines and a bold title line", "[extract]") {
  const auto r = test::extract_text(
      "**Issue Summary** e-com disaster\n\n**Duration:** The outage lasted from 10:30 AM to 12:45 PM EDT on June 8, 2024.\n\n"
      "**Timeline**\n\n- **10:30 AM** - Issue detected by monitoring alerts.\n- **12:45 PM** - Full resolution.\n\n"
      "**Root Cause and Resolution**\n\n**Root Cause:** A replication parameter was set wrong.\n\n**Resolution:** Fixed the parameter.\n");
  REQUIRE(r.incident);
  const auto& i = *r.incident;
  CHECK(i.title == "e-com disaster");
  CHECK(i.duration_minutes == 135);
  CHECK(model::to_iso(*i.start) == "2024-06-08T10:30-04:00");
  REQUIRE(i.timeline.size() == 2);
  CHECK(model::to_iso(*i.timeline[1].time) == "2024-06-08T12:45-04:00");
  CHECK(i.root_cause == "A replication parameter was set wrong.");
  CHECK(i.resolution == "Fixed the parameter.");
}

TEST_CASE("extract: an empty document is reported and produces no incident", "[extract]") {
  const auto r = test::extract_text("\n\n   \n");
  CHECK_FALSE(r.incident);
  CHECK(r.has("empty-document"));
}

TEST_CASE("extract: declared causes must exist in the taxonomy", "[extract]") {
  const auto r = test::extract_text("---\ntitle: x\ncauses: [dns, made-up-cause]\n---\ntext\n");
  REQUIRE(r.incident);
  CHECK(r.incident->declared_causes.size() == 2);
  CHECK(r.line_of("unknown-cause") == 3);
}

TEST_CASE("extract: blame language is noted", "[extract]") {
  const auto r = test::extract_text("# X\n\nThe outage was caused by human error.\n");
  CHECK(r.line_of("blame-language") == 3);
}

TEST_CASE("extract: blame is noted once, at its first line; placeholders line by line, not in code", "[extract]") {
  const auto r = test::extract_text(
      "# X\n\nNobody was to blame for the deploy.\n\nLater someone forgot to page, a HUMAN ERROR.\n\n"
      "```\nDate: YYYY-MM-DD\n```\n\n- Owner: <fill me>\n- Due: YYYY-MM-DD and again YYYY-MM-DD\n- TBA\n"
      "- Review: [HH:MM UTC]\n- Sign-off: Team/Individual\n");
  std::vector<std::pair<int, std::string>> blame;
  std::vector<int> placeholders;
  for (const auto& d : r.diagnostics.all()) {
    if (d.rule == "blame-language") blame.emplace_back(d.where.line, d.message);
    if (d.rule == "unfilled-placeholder") placeholders.push_back(d.where.line);
  }
  REQUIRE(blame.size() == 1);
  CHECK(blame[0].first == 3);
  CHECK(blame[0].second.find("\"to blame\"") != std::string::npos);
  // Three lines reported (the code block's is not), then one for the two more.
  CHECK(placeholders == std::vector<int>{11, 12, 13, 15});
}

TEST_CASE("extract: front matter that contradicts the body wins, with a warning", "[extract]") {
  const auto r = test::extract_text("---\nseverity: SEV1\n---\n# X\n\n**Severity:** minor\n");
  REQUIRE(r.incident);
  CHECK(r.incident->severity == model::Severity::Sev1);
  CHECK(r.line_of("front-matter-conflict") == 6);
}

TEST_CASE("extract: T+ offsets count from the incident start", "[extract]") {
  const auto r = test::extract_text(
      "---\nstarted_at: 2024-05-01T23:50:00Z\n---\n# X\n\n## Timeline\n\n- T+0:00 Alert fires\n- T+0:15 Failover started\n- T+2h Resolved\n");
  REQUIRE(r.incident);
  const auto& t = r.incident->timeline;
  REQUIRE(t.size() == 3);
  CHECK(t[1].time_text == "T+0:15");
  CHECK(model::to_iso(*t[1].time) == "2024-05-02T00:05Z");
  CHECK(model::to_iso(*t[2].time) == "2024-05-02T01:50Z");
  CHECK(t[1].text == "Failover started");
}

TEST_CASE("extract: a sentence mentioning the postmortem template is not a template title", "[extract]") {
  const auto r = test::extract_text("# Cargo postmortem\n\nThe postmortem template consists of four parts:\n");
  CHECK_FALSE(r.has("template-title"));
}

TEST_CASE("extract: lint drops the body, and reads every field and problem as a build does", "[extract]") {
  const std::string text = "# Replica lag\n\n**Date:** 2024-05-02\n\n## Root cause\n\nThe replica was misconfigured.\n\nTBD\n\n"
                           "```\nERROR: replication slot missing\n```\n";
  const auto extract = [&](extract::Body body) {
    diag::Diagnostics found;
    const auto source = content::make_source_file("a.md", "a.md", text, found);
    const auto split = content::split_front_matter(source, found);
    const auto doc = markdown::parse_markdown(split.body, split.body_first_line, {});
    auto incident = extract::extract_incident(source, split, doc, model::Settings{}, found, body);
    return std::pair{std::move(incident), diag::format_json(found.all())};
  };
  const auto [kept, kept_found] = extract(extract::Body::Keep);
  const auto [dropped, dropped_found] = extract(extract::Body::Drop);
  REQUIRE(kept);
  REQUIRE(dropped);
  CHECK(kept->body_html.text().find("<h2") != std::string::npos);
  CHECK(kept->body_text.text().find("replication slot missing") != std::string::npos);
  CHECK(dropped->body_html.empty());
  CHECK(dropped->body_text.empty());
  CHECK(dropped->title == kept->title);
  CHECK(dropped->root_cause == kept->root_cause);
  CHECK(dropped->date == kept->date);
  CHECK(dropped->language == kept->language);
  CHECK(dropped_found == kept_found);
  CHECK(kept_found.find("unfilled-placeholder") != std::string::npos);
}

TEST_CASE("extract: 'Five whys' and 'Why this happens' headings hold the root cause, 'Leadup' the trigger", "[extract]") {
  for (const std::string heading : {"## :mag_right: Five Why's", "## Why this happens", "## Five whys"}) {
    const auto r = test::extract_text("# Outage\n\nThe site was down.\n\n" + heading + "\n\nThe disk was full.\n");
    REQUIRE(r.incident);
    CHECK(r.incident->root_cause == "The disk was full.");
  }
  const auto r = test::extract_text("# Outage\n\nThe site was down.\n\n## :warning: Leadup\n\nA query scanned the whole TSDB.\n");
  REQUIRE(r.incident);
  const bool trigger = std::any_of(r.incident->passages.begin(), r.incident->passages.end(), [](const model::Passage& p) {
    return p.section == model::SectionKind::Trigger && p.text.find("TSDB") != std::string::npos;
  });
  CHECK(trigger);
}
