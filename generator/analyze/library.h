// Stage 4, analyze: the extracted incidents -> model::Site (causes, related incidents,
// recurrence, themes), immutable from here on.
#pragma once

#include <string>
#include <vector>

#include "analyze/classifier.h"
#include "diag/diagnostics.h"
#include "model/incident.h"
#include "model/site.h"
#include "model/taxonomy.h"

namespace pmkb::analyze {

struct RelatedLimits {
  std::size_t max_related = 8;          // per incident, all reasons together
  std::size_t max_same_cause = 5;
  std::size_t max_similar = 3;
  std::size_t max_same_service = 3;
  double min_similarity = 0.35;         // Xapian similarity below this is not shown
  // A cause or service shared by more than this share of the library relates nothing:
  // linking everything to everything helps nobody (the cardinality guard).
  double max_shared_fraction = 0.2;
  std::size_t min_shared_guard = 3;     // ...but a group of up to this many always relates
};

// Makes ids and page slugs unique. A repeated id is a `duplicate-id` error and a repeated slug
// a `duplicate-slug` warning; the later file (in path order) gets a numbered id or slug, so
// nothing is lost. Diagnostics name the incident's source path.
std::vector<model::Incident> assign_unique_ids(std::vector<model::Incident> incidents, diag::Diagnostics& diagnostics);

// Builds the site without relations: incidents newest first (undated last, then by id) with
// their causes (`causes` is parallel to `incidents`, as classify_all returns it), open
// actions from earlier incidents with the same cause, "recurred after fixes", and each cause's
// occurrences. The incidents' passages, which only classification reads, are not carried
// into the site. Each incident's `related` and the site's `themes` are left empty: they need
// the similarities, which are measured over this order (relate_site below).
model::Site assemble_site(std::vector<model::Incident> incidents, std::vector<std::vector<model::CauseMatch>> causes,
                          const model::Taxonomy& taxonomy);

// Gives the site its relations: each incident's `related` (from `similarities`, which index
// into `site.incidents`, and the incidents' ids, causes and services) and the site's `themes`.
// Writes those members only, so that other threads may read the incidents and their causes
// meanwhile (the build writes the search index from them). The incidents are related on up to
// `jobs` threads; the result does not depend on it.
void relate_site(model::Site& site, const std::vector<model::Similarity>& similarities, std::vector<model::Theme> themes,
                 const RelatedLimits& limits = {}, unsigned jobs = 1);

// Both at once, for callers that measured `similarities` over `incidents` as given (their
// indexes point into `incidents`, not into the site): the site with its relations and themes.
model::Site analyze_library(std::vector<model::Incident> incidents, std::vector<std::vector<model::CauseMatch>> causes,
                            const std::vector<model::Similarity>& similarities, std::vector<model::Theme> themes,
                            const model::Taxonomy& taxonomy, const RelatedLimits& limits = {});

}  // namespace pmkb::analyze
