#include "search/query.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "search/document_text.h"
#include "search/schema.h"
#include "text/text.h"

namespace pmkb::search {

namespace {

constexpr Xapian::doccount kFacetDepth = 2000;  // facets count the best this many matches

Xapian::QueryParser make_parser(const Xapian::Database& db) {
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(schema::stemmer_for("en"));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(Xapian::Query::OP_OR);
  parser.add_prefix("title", std::string(schema::kTitle));
  parser.add_prefix("summary", std::string(schema::kSummary));
  parser.add_prefix("rootcause", std::string(schema::kRootCause));
  parser.add_boolean_prefix("cause", std::string(schema::kCause));
  parser.add_boolean_prefix("service", std::string(schema::kService));
  parser.add_boolean_prefix("severity", std::string(schema::kSeverity));
  parser.add_boolean_prefix("year", std::string(schema::kYear));
  parser.add_boolean_prefix("id", std::string(schema::kId));
  return parser;
}

Xapian::Query filter_query(std::string_view prefix, const std::vector<std::string>& values) {
  std::vector<Xapian::Query> terms;
  for (const auto& value : values) terms.emplace_back(std::string(prefix) + text::to_lower(value));
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

std::string date_value(const std::string& iso) {
  std::string digits;
  for (char c : iso) {
    if (text::is_ascii_digit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.size() != 8) throw std::invalid_argument("dates are written YYYY-MM-DD, got \"" + iso + "\"");
  return digits;
}

Xapian::Query build_query(Xapian::QueryParser& parser, const SearchRequest& request) {
  // Synonyms come from the cause taxonomy (search/synonyms.h): "disk full" also finds "ENOSPC".
  const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
                         Xapian::QueryParser::FLAG_SPELLING_CORRECTION | Xapian::QueryParser::FLAG_CJK_NGRAM |
                         Xapian::QueryParser::FLAG_AUTO_SYNONYMS | Xapian::QueryParser::FLAG_SYNONYM;
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

// The words of the query as they may appear in text: each term, unprefixed and unstemmed
// where possible ("Zreplic" -> "replic", which starts "replication").
std::vector<std::string> stems_of(Xapian::TermIterator begin, const Xapian::TermIterator& end) {
  std::vector<std::string> stems;
  for (auto term = begin; term != end; ++term) {
    std::string t = *term;
    if (!t.empty() && t[0] == 'Z') t.erase(0, 1);
    if (t.empty() || text::is_ascii_upper(static_cast<unsigned char>(t[0]))) continue;
    stems.push_back(t);
  }
  return stems;
}

// The section whose text shows the most query words, with its snippet. Sections are tested
// with a cheap word search; only the chosen one is passed to Xapian's snippet generator.
std::pair<std::string, std::string> best_snippet(const Xapian::MSet& mset, const nlohmann::json& record,
                                                 const std::vector<std::string>& stems) {
  constexpr std::size_t kSnippetSource = schema::kStoredSectionBytes;  // bytes of a section handed to the snippet generator
  const Xapian::Stem stem = schema::stemmer_for("en");
  const auto& sections = record.at("sections");
  std::string best_section;
  std::size_t best_hits = 0;
  for (const std::string& name : section_names()) {
    if (!sections.contains(name)) continue;
    if (name == "body" && best_hits > 0) break;  // the body repeats every section
    const std::string lowered = text::to_lower(sections.at(name).get<std::string>().substr(0, kSnippetSource));
    std::size_t hits = 0;
    for (const auto& s : stems) hits += lowered.find(s) != std::string::npos ? 1 : 0;
    if (hits > best_hits) {
      best_hits = hits;
      best_section = name;
    }
  }
  if (best_section.empty()) best_section = sections.value("summary", std::string()).empty() ? "body" : "summary";
  std::string text = sections.value(best_section, std::string());
  if (text.size() > kSnippetSource) {
    std::size_t cut = kSnippetSource;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
  }
  return {best_section, mset.snippet(text, 240, stem, Xapian::MSet::SNIPPET_EXHAUSTIVE, "<mark>", "</mark>", "…")};
}

// Counts facet values over every match while Xapian matches, from one value slot per
// document (cheaper than reading term lists afterwards).
class FacetSpy : public Xapian::MatchSpy {
 public:
  // Counts "facet=value" lines; it sees up to kFacetDepth documents per query, so a line that
  // was counted before costs no allocation.
  void operator()(const Xapian::Document& doc, double) override {
    const std::string facets = doc.get_value(schema::kFacetSlot);
    std::string_view rest = facets;
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find('\n'), rest.size());
      const std::string_view line = rest.substr(0, end);
      rest.remove_prefix(std::min(end + 1, rest.size()));
      if (line.find('=') == std::string_view::npos) continue;
      auto it = lines.find(line);
      if (it == lines.end()) it = lines.emplace(std::string(line), 0).first;
      ++it->second;
    }
  }
  std::map<std::string, std::map<std::string, std::size_t>> counts() const {
    std::map<std::string, std::map<std::string, std::size_t>> out;
    for (const auto& [line, count] : lines) {
      const std::size_t equals = line.find('=');
      out[line.substr(0, equals)][line.substr(equals + 1)] = count;
    }
    return out;
  }

 private:
  std::map<std::string, std::size_t, std::less<>> lines;
};

}  // namespace

namespace {

// Identifies the index build: a new build swaps in a new directory, and with it a new inode.
// `dir_fd` is a directory to resolve `db_path` from, or AT_FDCWD.
std::pair<std::uintmax_t, std::int64_t> read_index_identity(int dir_fd, const std::filesystem::path& db_path) {
  struct stat info {};
  if (::fstatat(dir_fd, (db_path / "iamglass").c_str(), &info, 0) != 0) return {0, 0};
  return {static_cast<std::uintmax_t>(info.st_ino), static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

}  // namespace

struct Searcher::Impl {
  ~Impl() {
    if (dir_fd >= 0) ::close(dir_fd);
  }
  std::filesystem::path db_path;
  // The index directory this reader opened, held open: a rebuild swaps another directory in
  // under db_path, and Xapian opens a database's files one by one, so opening by db_path
  // could mix two builds' files (DatabaseModifiedError). Through /proc/self/fd/N every file
  // comes from this directory.
  int dir_fd = -1;
  Xapian::Database db;
  Xapian::QueryParser parser;
  std::pair<std::uintmax_t, std::int64_t> identity;
};

Searcher::Searcher(std::filesystem::path site_dir) : impl_(std::make_unique<Impl>()) {
  impl_->db_path = site_dir / schema::kDatabaseDir;
  if (!std::filesystem::exists(impl_->db_path / "iamglass")) {
    throw std::runtime_error("no search index at " + impl_->db_path.string() + "; run `pmkb build` first (or pass -s OUT)");
  }
  impl_->dir_fd = ::open(impl_->db_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const std::string pinned = "/proc/self/fd/" + std::to_string(impl_->dir_fd);
  const bool is_pinned = impl_->dir_fd >= 0 && ::access((pinned + "/iamglass").c_str(), R_OK) == 0;  // no /proc: by path
  impl_->identity = is_pinned ? read_index_identity(impl_->dir_fd, ".") : read_index_identity(AT_FDCWD, impl_->db_path);
  try {
    impl_->db = Xapian::Database(is_pinned ? pinned : impl_->db_path.string(), Xapian::DB_OPEN);
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("cannot open the search index " + impl_->db_path.string() + ": " + e.get_description() +
                             "; rebuild the site with `pmkb build`");
  }
  impl_->parser = make_parser(impl_->db);
}

Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

bool Searcher::is_stale() const { return read_index_identity(AT_FDCWD, impl_->db_path) != impl_->identity; }

std::string Searcher::index_identity() const {
  return std::to_string(impl_->identity.first) + ":" + std::to_string(impl_->identity.second);
}

SearchResults Searcher::search(const SearchRequest& request) try {
  Xapian::Database& db = impl_->db;
  const Xapian::Query query = build_query(impl_->parser, request);
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  if (request.sort == SortOrder::Newest) enquire.set_sort_by_value_then_relevance(schema::kDateSlot, true);
  if (request.sort == SortOrder::Oldest) enquire.set_sort_by_value_then_relevance(schema::kDateSlot, false);
  FacetSpy facets;
  enquire.add_matchspy(&facets);
  const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                             static_cast<Xapian::doccount>(request.limit), kFacetDepth);
  enquire.clear_matchspies();
  SearchResults results;
  results.query = request.query;
  results.total = mset.get_matches_estimated();
  // The query's own terms serve every hit; only a wildcard, expanded while matching, needs each
  // hit's matching terms (which costs a read of the document's term list).
  const bool wildcard = request.query.find('*') != std::string::npos;
  const std::vector<std::string> query_stems = stems_of(query.get_unique_terms_begin(), query.get_unique_terms_end());
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
    std::tie(hit.section, hit.snippet) = best_snippet(
        mset, record, wildcard ? stems_of(enquire.get_matching_terms_begin(it), enquire.get_matching_terms_end(it)) : query_stems);
    results.hits.push_back(std::move(hit));
  }
  results.facets = facets.counts();
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
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace pmkb::search
