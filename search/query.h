// Querying a built index: ranked results with snippets, filters, facets and spelling.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pmkb::search {

enum class SortOrder { Relevance, Newest, Oldest };

struct SearchRequest {
  std::string query;                  // Xapian QueryParser syntax: phrases, AND/OR/NOT, field:, wildcard*
  std::vector<std::string> severities;  // OR within a filter, AND across filters
  std::vector<std::string> services;
  std::vector<std::string> causes;
  std::optional<std::string> since;   // YYYY-MM-DD, inclusive
  std::optional<std::string> until;   // YYYY-MM-DD, inclusive
  SortOrder sort = SortOrder::Relevance;
  std::size_t limit = 10;
  std::size_t offset = 0;
};

struct SearchHit {
  std::string id, title, url, source, date, severity;  // date/severity empty when unknown
  std::vector<std::string> causes;
  int score = 0;          // percent, 0..100
  std::string snippet;    // HTML-escaped text with <mark>…</mark> around matches
  std::string section;    // where the best match is: "root_cause", "summary", "timeline", ...
};

struct SearchResults {
  std::string query;
  std::size_t total = 0;  // estimated number of matches
  std::vector<SearchHit> hits;
  // facet name ("severity", "service", "cause", "year") -> value -> count, over the best 2,000
  // matches (all of them in all but the broadest queries).
  std::map<std::string, std::map<std::string, std::size_t>> facets;
  std::string suggestion;  // "did you mean", when the query found little
};

// A read-only view of a site's index. Not thread-safe: give each thread its own Searcher
// (Xapian allows many readers). The index is replaced whole by each build; is_stale() tells
// when a newer one is in place, so that a long-lived reader can reopen.
class Searcher {
 public:
  // Throws std::runtime_error when there is no index (build first), and std::runtime_error
  // with Xapian's description when it cannot be opened.
  explicit Searcher(std::filesystem::path site_dir);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  // Throws std::invalid_argument for a malformed request (bad date), std::runtime_error when
  // the index is broken.
  SearchResults search(const SearchRequest& request);
  bool is_stale() const;
  // Names the index build this reader has open; another build gives another name.
  std::string index_identity() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-off: opens the database under `site_dir` and runs `request`.
SearchResults search_site(const std::filesystem::path& site_dir, const SearchRequest& request);

// {"query","total","results":[...],"facets","suggestion"} as in PRODUCT.md §1.
std::string to_json(const SearchResults& results);

}  // namespace pmkb::search
