// Possible recurring themes: incidents that no taxonomy cause explains, grouped by text
// similarity, each with the terms its text shares most (Xapian relevance feedback).
#pragma once

#include <vector>

#include "model/incident.h"
#include "model/site.h"

namespace pmkb::search {

// Groups the incidents that no cause explains (whose `causes` are empty). A group is a seed incident and every
// unexplained incident at least `floor` similar to it (from `similarities`); groups need two
// incidents. Seeds are taken greedily, most-connected first, so the result is deterministic.
// Themes come largest first with up to five top terms each, the same for any `jobs` (the
// threads that generate terms).
std::vector<model::Theme> find_themes(const std::vector<model::AnalyzedIncident>& incidents,
                                      const std::vector<model::Similarity>& similarities, unsigned jobs = 1, double floor = 0.4);

}  // namespace pmkb::search
