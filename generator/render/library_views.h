// Views of the whole library: services, the action ledger, listings by year and severity,
// insights (charts drawn at build time as SVG), and the Atom feed and sitemap.
#pragma once

#include <string>
#include <vector>

#include "model/output_file.h"
#include "model/settings.h"
#include "model/site.h"
#include "render/views.h"

namespace pmkb::render {

// A listing page: the incidents that share a service, a year or a severity.
struct Listing {
  std::string kind;   // "service", "year", "severity"
  std::string value;  // as shown
  std::string slug;   // folder name
  std::vector<const model::AnalyzedIncident*> incidents;  // newest first
};

std::vector<Listing> listings_by(const model::Site& site, const std::string& kind);
View listing_view(const model::Site& site, const Listing& listing, const model::Settings& settings);
View listings_index_view(const std::vector<Listing>& listings, const std::string& kind, const model::Settings& settings);
View actions_view(const model::Site& site, const model::Settings& settings);
View insights_view(const model::Site& site, const model::Settings& settings);

// services/<slug>/index.json: the service's incidents, open actions and recurring causes, for
// developer portals (Backstage and the like).
std::string service_json(const Listing& service);
std::string atom_feed(const model::Site& site, const model::Settings& settings);
std::string sitemap(const std::vector<std::string>& paths, const model::Settings& settings);

// Days between two dates, for the age of open actions (relative to the newest incident, so
// that the output does not depend on the day of the build).
long days_between(const model::CivilDate& from, const model::CivilDate& to);

}  // namespace pmkb::render
