// Builds the Xapian index of a site, and measures text similarity between incidents.
// Only search/ sees Xapian types.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/incident.h"
#include "model/site.h"

namespace pmkb::search {

struct IndexOptions {
  unsigned jobs = 1;  // threads generating terms; one writes
  // The index of the site being replaced: when `writer_key` matches the one it was written
  // with, it is copied and updated (changed incidents replaced, removed ones deleted)
  // instead of rebuilt.
  std::optional<std::filesystem::path> previous;
  std::string writer_key;  // identifies the pmkb that writes the index
  // A digest of the config that extraction ran under: with another, every incident's
  // document is made again.
  std::uint64_t environment = 0;
  // A new index of at least twice this many incidents is written in shards side by side,
  // one writer thread each (at most `jobs`), then merged. Below that, one writer costs less
  // CPU in all: at 10k on 2 cores, two shards made the cold build 9% slower (two databases'
  // flushes, then the merge); at 100k they end the single writer's minute-long tail.
  std::size_t shard_incidents = 32768;
};

struct IndexUpdate {
  std::size_t added = 0, replaced = 0, removed = 0, kept = 0;
};

// Writes the Xapian database for `site` at `db_dir` (which must not exist yet): new, or
// updated from `options.previous`; either way it holds the same documents, terms and
// spelling data (only Xapian's internal document numbers differ). Throws
// Xapian::Error (an environment failure) when the database cannot be written.
IndexUpdate build_index(const model::Site& site, const std::filesystem::path& db_dir, const IndexOptions& options);

// Pairs of incidents whose title, summary and root cause are alike, by Xapian's
// relevance feedback (an RSet of one incident, its ESet as the query). Scores are 0..1,
// relative to the incident's similarity to itself; pairs below `min_score` are dropped.
// Only words shared by few incidents are used, so the cost grows about linearly.
// Each pair appears once, with a < b, sorted by (a, b), the same for any `jobs` (the threads
// that generate terms).
std::vector<model::Similarity> find_similar_incidents(const std::vector<model::AnalyzedIncident>& incidents, unsigned jobs = 1,
                                                      double min_score = 0.3, std::size_t per_incident = 5);

}  // namespace pmkb::search
