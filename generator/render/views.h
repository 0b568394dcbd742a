// Views: the data each page template sees, built by typed functions from the model.
// Mustache renders a missing key as empty without a word, so every key a template uses
// is set here, and tests check the views rather than trusting the templates.
#pragma once

#include <kainjow/mustache.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/settings.h"
#include "model/site.h"
#include "text/digest.h"

namespace pmkb::render {

using View = kainjow::mustache::data;

// Building views without copies. kainjow's data::set() takes a const& and copies deeply, so
// a view built from the leaves up copied each subtree once per level of nesting, which was
// the largest cost of rendering. put() moves the value into place instead. There is no
// overload for an lvalue View or list: a deep copy has to be asked for with View(x).
void put(View& view, const std::string& key, View&& value);
void put(View& view, const std::string& key, kainjow::mustache::list&& items);
void put(View& view, const std::string& key, std::string value);
void put(View& view, const std::string& key, const char* value);
void put(View& view, const std::string& key, bool value);
void put(View& view, const std::string& key, const View& value) = delete;
void put(View& view, const std::string& key, const kainjow::mustache::list& items) = delete;
// Rows made on demand: rows(begin, end) gives the rows [begin, end).
using RowMaker = std::function<kainjow::mustache::list(std::size_t begin, std::size_t end)>;
// Sets `key` to a list of `size` rows that are made a chunk at a time while the page renders,
// so that a page of 500,000 rows never holds the template data of all of them at once. A
// template's `{{#key}}...{{/key}}` sees each row as with put(), in the page's context, and
// `{{^key}}` works when the list is empty. `rows` may read data that outlives the view (the
// site), and the view must not be copied.
void put_streamed(View& view, const std::string& key, std::size_t size, RowMaker rows);
// A list or a string as a View, moved rather than copied. (Returning a list where a View is
// expected copies it.) A list is reserved to its size before it is filled: kainjow's data has
// a move constructor that is not noexcept, so a growing std::vector of it copies every row,
// deeply, each time it grows.
View make_list(kainjow::mustache::list&& items);
View make_text(std::string value);

// Common to every page: site title, `root` (relative path to the site root, e.g. "../../"),
// page title and the navigation.
View page_view(const model::Settings& settings, const std::string& root, const std::string& title);

// One row of an incident table, with the data-* values the index filters use.
View incident_row(const model::AnalyzedIncident& entry, const std::string& root);

View index_view(const model::Site& site, const model::Settings& settings);
// Everything but "body_html": render_site() adds the body once its links between postmortems
// are resolved (link_postmortems).
View incident_view(const model::Site& site, const model::AnalyzedIncident& entry, const model::Settings& settings);
// A digest of everything incident_view() and link_postmortems() read: the incident's source
// (its bytes make its body), id and page name, the pages its links to other postmortems point
// at, and the same of each incident its page shows (related incidents, earlier open
// actions), and the relations themselves. Settings and templates are not in it: pages are
// only compared between builds with the same ones. Equal digests render equal pages, and
// the body is not inflated to make it.
std::uint64_t incident_page_digest(const model::Site& site, const model::AnalyzedIncident& entry);

// A digest of what a page that lists incidents (a cause's, a service's, the front page, the
// action ledger) reads of one of them: its id, title, page, date, severity, duration and
// services, its causes with their evidence, the causes it recurred after fixes for, and its
// action items. A listing page's digest is its path and the digests of its incidents, in the
// page's order; aggregates such as a cause's intervals or a service's recurring causes follow
// from those. Not the postmortem's bytes: an edit elsewhere in it (a timeline entry, a
// paragraph) keeps these pages. A listing view that reads another field must add it here;
// the incremental tests compare with a clean build. Like incident_page_digest, it leaves out
// what the environment fingerprint covers (settings, templates, pmkb itself).
std::uint64_t listed_incident_digest(const model::AnalyzedIncident& entry);

View causes_index_view(const model::Site& site, const model::Settings& settings);
View cause_view(const model::Site& site, const model::CauseOccurrences& cause, const model::Settings& settings);

// "35 min", "3 h", "1 h 17 min", "2 d 4 h"
std::string format_duration(int minutes);

// The page that a link to another postmortem points at, as seen from an incident's page
// ("../../incidents/<slug>/index.html"), or nothing when that postmortem is not in the library.
std::optional<std::string> linked_page(const model::Site& site, const model::PostmortemLink& link);

// The incident's body, its links to other postmortems pointed at their pages ("#" for one
// not in the library, which then links nowhere).
std::string link_postmortems(const model::Incident& incident, const model::Site& site);

}  // namespace pmkb::render
