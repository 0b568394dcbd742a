#include "search/query.h"

#include <sys/stat.h>
#include <xapian.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "search/document_text.h"
#include "search/schema.h"

namespace pmkb::search {

namespace {

constexpr Xapian::doccount kFacetDepth = 10000;  // matches read for facet counts

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Xapian::QueryParser make_parser(const Xapian::Database& db) {
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(schema::stemmer_for("en"));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(Xapian::Query::OP_OR);
  parser.add_prefix("title", std::string(schema::kTitle));
  parser.add_prefix("summary", std::string(schema::kSummary));
  parser.add_prefix("rootcause", std::string(schema::kRootCause));
  parser.add_prefix("timeline", std::string(schema::kTimeline));
  parser.add_prefix("action", std::string(schema::kActions));
  parser.add_boolean_prefix("cause", std::string(schema::kCause));
  parser.add_boolean_prefix("service", std::string(schema::kService));
  parser.add_boolean_prefix("severity", std::string(schema::kSeverity));
  parser.add_boolean_prefix("year", std::string(schema::kYear));
  parser.add_boolean_prefix("id", std::string(schema::kId));
  return parser;
}

Xapian::Query filter_query(std::string_view prefix, const std::vector<std::string>& values) {
  std::vector<Xapian::Query> terms;
  for (const auto& value : values) terms.emplace_back(std::string(prefix) + lower(value));
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

std::string date_value(const std::string& iso) {
  std::string digits;
  for (char c : iso) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.size() != 8) throw std::invalid_argument("dates are written YYYY-MM-DD, got \"" + iso + "\"");
  return digits;
}

Xapian::Query build_query(Xapian::QueryParser& parser, const SearchRequest& request) {
  const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
                         Xapian::QueryParser::FLAG_SPELLING_CORRECTION | Xapian::QueryParser::FLAG_CJK_NGRAM;
  Xapian::Query query = Xapian::Query::MatchAll;
  if (!request.query.empty()) {
    // Any word may match, but an incident that matches every word of the query counts
    // kCoordinationBoost times more: OR(words) + boost * AND(words) (static_index.h mirrors it).
    query = parser.parse_query(request.query, flags);
    parser.set_default_op(Xapian::Query::OP_AND);
    const Xapian::Query all = parser.parse_query(request.query, flags);
    parser.set_default_op(Xapian::Query::OP_OR);
    if (query.get_num_subqueries() > 1 && all.get_type() == Xapian::Query::OP_AND) {
      query = Xapian::Query(Xapian::Query::OP_OR, query, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, all, schema::kCoordinationBoost));
    }
  }
  std::vector<Xapian::Query> filters;
  if (!request.severities.empty()) filters.push_back(filter_query(schema::kSeverity, request.severities));
  if (!request.services.empty()) filters.push_back(filter_query(schema::kService, request.services));
  if (!request.causes.empty()) filters.push_back(filter_query(schema::kCause, request.causes));
  if (request.since || request.until) {
    const std::string low = request.since ? date_value(*request.since) : "00000000";
    const std::string high = request.until ? date_value(*request.until) : "99999999";
    filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::kDateSlot, low, high);
  }
  for (const auto& filter : filters) query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
  return query;
}

// The section whose text shows the most matching terms, with its snippet.
std::pair<std::string, std::string> best_snippet(const Xapian::MSet& mset, const nlohmann::json& record) {
  const Xapian::Stem stem = schema::stemmer_for("en");
  std::string best_section;
  std::string best;
  std::size_t best_marks = 0;
  const auto& sections = record.at("sections");
  for (const std::string& name : section_names()) {
    if (!sections.contains(name)) continue;
    const std::string text = sections.at(name).get<std::string>();
    if (text.empty()) continue;
    const std::string snippet = mset.snippet(text, 240, stem, Xapian::MSet::SNIPPET_EXHAUSTIVE, "<mark>", "</mark>", "…");
    std::size_t marks = 0;
    for (std::size_t p = snippet.find("<mark>"); p != std::string::npos; p = snippet.find("<mark>", p + 1)) ++marks;
    // The body repeats every section: it is named only when no section matches.
    if (name == "body" && best_marks > 0) break;
    if (marks > best_marks) {
      best_marks = marks;
      best = snippet;
      best_section = name;
    }
  }
  if (best.empty()) {
    const std::string summary = sections.value("summary", std::string());
    best = mset.snippet(summary.empty() ? sections.value("body", std::string()) : summary, 240, stem, 0, "<mark>", "</mark>", "…");
    best_section = summary.empty() ? "body" : "summary";
  }
  return {best_section, best};
}

void count_facets(const Xapian::MSet& all, SearchResults& results) {
  for (auto it = all.begin(); it != all.end(); ++it) {
    const Xapian::Document doc = it.get_document();
    for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
      const std::string& t = *term;
      const auto count = [&](std::string_view prefix, const char* facet) {
        if (t.size() > prefix.size() && t.compare(0, prefix.size(), prefix) == 0 &&
            (prefix.size() > 1 || !std::isupper(static_cast<unsigned char>(t[prefix.size()])))) {
          ++results.facets[facet][t.substr(prefix.size())];
        }
      };
      count(schema::kSeverity, "severity");
      count(schema::kService, "service");
      count(schema::kCause, "cause");
      count(schema::kYear, "year");
    }
  }
}

}  // namespace

namespace {

// Identifies the index build: a new build swaps in a new directory, and with it a new inode.
std::pair<std::uintmax_t, std::int64_t> index_identity(const std::filesystem::path& db_path) {
  struct stat info {};
  if (::stat((db_path / "iamglass").c_str(), &info) != 0) return {0, 0};
  return {static_cast<std::uintmax_t>(info.st_ino), static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

}  // namespace

struct Searcher::Impl {
  std::filesystem::path db_path;
  Xapian::Database db;
  Xapian::QueryParser parser;
  std::pair<std::uintmax_t, std::int64_t> identity;
};

Searcher::Searcher(std::filesystem::path site_dir) : impl_(std::make_unique<Impl>()) {
  impl_->db_path = site_dir / schema::kDatabaseDir;
  if (!std::filesystem::exists(impl_->db_path / "iamglass")) {
    throw std::runtime_error("no search index at " + impl_->db_path.string() + "; run `pmkb build` first (or pass -s OUT)");
  }
  impl_->identity = index_identity(impl_->db_path);
  try {
    impl_->db = Xapian::Database(impl_->db_path.string(), Xapian::DB_OPEN);
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("cannot open the search index " + impl_->db_path.string() + ": " + e.get_description() +
                             "; rebuild the site with `pmkb build`");
  }
  impl_->parser = make_parser(impl_->db);
}

Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

bool Searcher::is_stale() const { return index_identity(impl_->db_path) != impl_->identity; }

SearchResults Searcher::search(const SearchRequest& request) try {
  Xapian::Database& db = impl_->db;
  const Xapian::Query query = build_query(impl_->parser, request);
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  if (request.sort == SortOrder::Newest) enquire.set_sort_by_value_then_relevance(schema::kDateSlot, true);
  if (request.sort == SortOrder::Oldest) enquire.set_sort_by_value_then_relevance(schema::kDateSlot, false);
  const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                             static_cast<Xapian::doccount>(request.limit), kFacetDepth);
  SearchResults results;
  results.query = request.query;
  results.total = mset.get_matches_estimated();
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const nlohmann::json record = nlohmann::json::parse(it.get_document().get_data(), nullptr, false);
    if (record.is_discarded()) continue;
    SearchHit hit;
    hit.id = record.value("id", "");
    hit.title = record.value("title", "");
    hit.url = record.value("url", "");
    hit.source = record.value("source", "");
    hit.date = record["date"].is_string() ? record["date"].get<std::string>() : "";
    hit.severity = record["severity"].is_string() ? record["severity"].get<std::string>() : "";
    hit.causes = record.value("causes", std::vector<std::string>{});
    hit.score = it.get_percent();
    std::tie(hit.section, hit.snippet) = best_snippet(mset, record);
    results.hits.push_back(std::move(hit));
  }
  const Xapian::MSet all = enquire.get_mset(0, std::min<Xapian::doccount>(kFacetDepth, db.get_doccount()));
  count_facets(all, results);
  if (results.total < 3 && !request.query.empty()) {
    Xapian::QueryParser corrector = make_parser(db);
    corrector.parse_query(request.query, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
    results.suggestion = corrector.get_corrected_query_string();
  }
  return results;
} catch (const Xapian::QueryParserError& e) {
  throw std::invalid_argument("cannot parse the query: " + e.get_msg());
} catch (const Xapian::Error& e) {
  throw std::runtime_error("search failed: " + e.get_description() + "; rebuild the site with `pmkb build`");
}

SearchResults search_site(const std::filesystem::path& site_dir, const SearchRequest& request) {
  return Searcher(site_dir).search(request);
}

std::string to_json(const SearchResults& results) {
  nlohmann::ordered_json hits = nlohmann::ordered_json::array();
  for (const auto& hit : results.hits) {
    hits.push_back({{"id", hit.id},
                    {"title", hit.title},
                    {"url", hit.url},
                    {"source", hit.source},
                    {"date", hit.date.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(hit.date)},
                    {"severity", hit.severity.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(hit.severity)},
                    {"causes", hit.causes},
                    {"score", hit.score},
                    {"snippet", hit.snippet},
                    {"section", hit.section}});
  }
  nlohmann::ordered_json out = {{"query", results.query},
                                {"total", results.total},
                                {"results", hits},
                                {"facets", results.facets},
                                {"suggestion", results.suggestion}};
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace pmkb::search
