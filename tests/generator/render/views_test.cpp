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

TEST_CASE("views: a streamed list renders like a list, a chunk at a time", "[render]") {
  using kainjow::mustache::list;
  using kainjow::mustache::mustache;
  using kainjow::mustache::object;
  const auto numbers = [](std::size_t size, std::size_t& largest_chunk) {
    render::View view = object{};
    render::put(view, "prefix", std::string("n"));
    render::put_streamed(view, "rows", size, [&largest_chunk](std::size_t begin, std::size_t end) {
      largest_chunk = std::max(largest_chunk, end - begin);
      list rows;
      for (std::size_t i = begin; i < end; ++i) {
        render::View row = object{};
        render::put(row, "i", std::to_string(i));
        rows.push_back(std::move(row));
      }
      return rows;
    });
    return view;
  };
  // Parent keys resolve inside a row; an inverted section sees an empty list as empty.
  mustache page("<ul>{{#rows}}<li>{{prefix}}{{i}}</li>{{/rows}}{{^rows}}none{{/rows}}</ul>");
  std::size_t largest_chunk = 0;
  const std::string html = page.render(numbers(2500, largest_chunk));
  REQUIRE(page.is_valid());
  CHECK(html.starts_with("<ul><li>n0</li><li>n1</li>"));
  CHECK(html.ends_with("<li>n2498</li><li>n2499</li></ul>"));
  CHECK(html.find("none") == std::string::npos);
  std::size_t items = 0;
  for (std::size_t at = 0; (at = html.find("<li>", at)) != std::string::npos; ++at) ++items;
  CHECK(items == 2500);
  CHECK(largest_chunk < 2500);  // never all rows at once

  std::size_t unused = 0;
  CHECK(page.render(numbers(0, unused)) == "<ul>none</ul>");
}
