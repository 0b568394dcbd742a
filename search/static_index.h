// The client-side search index for static hosting (in the spirit of Pagefind), generated from
// the built Xapian database so that words, stems and weights match `pmkb search` exactly.
//
// Layout under "search/":
//   meta.json               document count, shard names, facets, format version, one-word
//                           synonyms from the cause taxonomy ({word: [words]}), and the
//                           coordination boost (an incident matching every query word counts
//                           1 + boost times), as pmkb search applies it
//   terms/<prefix>.json     {"w": {word: term}, "p": {term: [doc, weight, doc, weight...]}}:
//                           words map to stemmed terms (no stemmer needed in the browser);
//                           postings hold doc numbers (delta-encoded) and BM25 weights x100,
//                           computed as Xapian's BM25Weight does with its default parameters.
//                           Shards are split by longer prefixes until each is small.
//   docs/<n>.json           one incident's title, url, metadata and section texts (snippets);
//                           n is the rank of its id among all ids, whatever its Xapian docid
//   filters/<facet>.json    {value: [doc numbers]} for severity, service, cause and year
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "model/output_file.h"

namespace pmkb::search {

struct StaticIndexLimits {
  std::size_t max_shard_bytes = 48 * 1024;  // a shard larger than this is split by a longer prefix
  std::size_t max_prefix = 4;
  std::size_t section_chars = 1200;          // per section in docs/<n>.json, for snippets
};

// The static index of an earlier build by the same pmkb: the database it was made from, and
// how to keep one of its files (false when it cannot be kept: the file is then made).
struct EarlierStaticIndex {
  std::filesystem::path db_dir;
  std::function<bool(const std::string& path)> keep;
};

// Reads the Xapian database at `db_dir` and hands each file to write under the site to `sink`
// as soon as it is made, so that they are never all in memory (docs/ alone is a few KB per
// incident). Postings and docs/ are made on up to `jobs` threads, which call `sink` (and
// `earlier.keep`) at once: they must be safe to call from several threads. A docs/<n>.json
// whose document is the same as in `earlier` (the same content digest at the same rank) is
// kept instead of made. The files and their bytes depend only on the database, not on `jobs`
// or `earlier`; the order they come in does.
void build_static_index(const std::filesystem::path& db_dir, const model::FileSink& sink, unsigned jobs = 1,
                        const StaticIndexLimits& limits = {}, const EarlierStaticIndex& earlier = {});

// The same files, collected and sorted by path (for tests and tools).
std::vector<model::OutputFile> build_static_index(const std::filesystem::path& db_dir, unsigned jobs = 1,
                                                  const StaticIndexLimits& limits = {});

}  // namespace pmkb::search
