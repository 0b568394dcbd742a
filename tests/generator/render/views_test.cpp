// Views are what templates see; Mustache renders a missing key as nothing, so they are tested.
#include <catch2/catch.hpp>

#include "analyze/library.h"
#include "config/settings_loader.h"
#include "render/views.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {

model::Site two_incident_site() {
  std::vector<model::Incident> incidents{
      *test::extract_text("---\nseverity: SEV1\nservices: [api]\n---\n# Old\n\n**Date:** 2024-01-01\n\n## Root cause\n\nThe disk filled up.\n\n## Action items\n\n- [ ] Alert on disk @ops\n", "old.md").incident,
      *test::extract_text("# New\n\n**Date:** 2024-02-01\n**Duration:** 75 minutes\n\n## Root cause\n\nThe volume ran out of space.\n", "new.md").incident};
  diag::Diagnostics d;
  const auto settings = config::default_settings();
  auto causes = analyze::classify_all(incidents, settings, 2, d);
  return analyze::analyze_library(std::move(incidents), std::move(causes), {}, {}, settings.taxonomy);
}

std::string text_of(const render::View& view, const std::string& key) {
  const auto* value = view.get(key);
  REQUIRE(value);
  REQUIRE(value->is_string());
  return value->string_value();
}

}  // namespace

TEST_CASE("views: durations read like a person writes them", "[render]") {
  CHECK(render::format_duration(35) == "35 min");
  CHECK(render::format_duration(60) == "1 h");
  CHECK(render::format_duration(77) == "1 h 17 min");
  CHECK(render::format_duration(3000) == "2 d 2 h");
}

TEST_CASE("views: the incident view carries every key its template uses", "[render]") {
  const auto site = two_incident_site();
  const auto settings = config::default_settings();
  const auto* entry = site.find("new");
  REQUIRE(entry);
  const render::View view = render::incident_view(site, *entry, settings);
  CHECK(text_of(view, "root") == "../../");
  CHECK(text_of(view, "source") == "new.md");
  const auto* incident = view.get("incident");
  REQUIRE(incident);
  CHECK(text_of(*incident, "title") == "New");
  CHECK(text_of(*incident, "duration") == "1 h 15 min");
  CHECK(text_of(*incident, "url") == "../../incidents/new/");
  // Related through the shared cause, with the reason a reader understands.
  const auto* related = view.get("related");
  REQUIRE(related);
  REQUIRE(related->is_list());
  REQUIRE(related->list_value().size() == 1);
  CHECK(text_of(related->list_value()[0], "why") == "same cause: Disk full");
  // The open action of the earlier incident with the same cause.
  const auto* earlier = view.get("earlier_actions");
  REQUIRE(earlier);
  REQUIRE(earlier->list_value().size() == 1);
  CHECK(text_of(earlier->list_value()[0], "text") == "Alert on disk @ops");
}

TEST_CASE("views: index rows carry their filter values", "[render]") {
  const auto site = two_incident_site();
  const render::View row = render::incident_row(*site.find("old"), "");
  CHECK(text_of(row, "filter_severity") == "sev1");
  CHECK(text_of(row, "filter_year") == "2024");
  CHECK(text_of(row, "filter_services") == "api");
  CHECK(text_of(row, "filter_causes") == "disk-full");
}
