// Builds the Xapian index of a site, and measures text similarity between incidents.
// Only search/ sees Xapian types.
#pragma once

#include <filesystem>
#include <vector>

#include "model/incident.h"
#include "model/site.h"

namespace pmkb::search {

// Writes a new Xapian database for `site` at `db_dir` (which must not exist yet), generating
// terms on `jobs` threads and writing on the calling one. Throws Xapian::Error (an
// environment failure) when the database cannot be written.
void build_index(const model::Site& site, const std::filesystem::path& db_dir, unsigned jobs);

// Pairs of incidents whose title, summary and root cause are alike, by Xapian's
// relevance feedback (an RSet of one incident, its ESet as the query). Scores are 0..1,
// relative to the incident's similarity to itself; pairs below `min_score` are dropped.
// Only words shared by few incidents are used, so the cost grows about linearly.
// Each pair appears once, with a < b, sorted by (a, b).
std::vector<model::Similarity> find_similar_incidents(const std::vector<model::Incident>& incidents,
                                                      double min_score = 0.3, std::size_t per_incident = 5);

}  // namespace pmkb::search
