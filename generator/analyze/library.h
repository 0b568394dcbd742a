// Stage 4, analyze: the extracted incidents -> model::Site (causes, related incidents,
// recurrence), immutable from here on.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analyze/classifier.h"
#include "diag/diagnostics.h"
#include "model/incident.h"
#include "model/settings.h"
#include "model/site.h"

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

// Classifies every incident, merges front-matter causes, resolves duplicate ids
// (`duplicate-id` errors; the later file gets a "-2" suffix so nothing is lost), links
// related incidents and summarizes each cause. `similarities` index into `incidents`.
// `display_paths` maps Incident::source to the path printed in diagnostics.
model::Site analyze_library(std::vector<model::Incident> incidents, const model::Settings& settings,
                            const std::vector<model::Similarity>& similarities,
                            const std::map<std::string, std::string>& display_paths,
                            diag::Diagnostics& diagnostics, const RelatedLimits& limits = {});

}  // namespace pmkb::analyze
