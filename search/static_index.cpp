#include "search/static_index.h"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <nlohmann/json.hpp>
#include <string>

#include "parallel/parallel.h"
#include "search/document_text.h"
#include "search/schema.h"

namespace pmkb::search {

namespace {

using Json = nlohmann::json;

constexpr int kFormatVersion = 1;

// Xapian 1.4's BM25Weight with default parameters (k1 = 1, k2 = 0, k3 = 1, b = 0.5,
// min_normlen = 0.5) for a query term that occurs once in the query.
double bm25(double doc_count, double termfreq, double wdf, double doclength, double avlength) {
  double tw = (doc_count - termfreq + 0.5) / (termfreq + 0.5);
  if (tw < 2) tw = tw * 0.5 + 1;
  const double termweight = std::log(tw) * 2.0;  // (k1 + 1)
  const double normlen = std::max(doclength / avlength, 0.5);
  return termweight * (wdf / (normlen * 0.5 + 0.5 + wdf));
}

bool is_field_term(const std::string& term) { return !term.empty() && std::isupper(static_cast<unsigned char>(term[0])); }

// The first `length` bytes of a term, widened to a whole UTF-8 character, as a file-safe name.
std::string prefix_name(const std::string& term, std::size_t length) {
  std::size_t end = std::min(length, term.size());
  while (end < term.size() && (static_cast<unsigned char>(term[end]) & 0xC0) == 0x80) ++end;
  std::string name;
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(term[i]);
    if (std::isalnum(c)) {
      name += static_cast<char>(c);
    } else {
      name += '_';
      name += kHex[c >> 4];
      name += kHex[c & 15];
    }
  }
  return name;
}

// `text` as a JSON string (invalid UTF-8 replaced), as nlohmann::json would write it.
std::string json_string(const std::string& text) { return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace); }

struct TermData {
  std::vector<std::string> words;  // surface words that map to this term
  std::string postings;            // the JSON array [doc gap, weight, ...]
};

// Files words by prefix: a shard holds its words, each word's term and that term's postings.
// A shard over the size limit keeps the words no longer than its prefix and hands the others
// to shards one character longer. The browser looks a word up in the longest shard name that
// is a prefix of it.
class ShardWriter {
 public:
  ShardWriter(const std::map<std::string, TermData>& terms, const StaticIndexLimits& limits) : terms_(terms), limits_(limits) {}

  // The shards of each first character are made on up to `jobs` threads, which call `out`
  // at once. Returns the shards' names, sorted.
  std::vector<std::string> write(const model::FileSink& out, unsigned jobs) {
    std::vector<std::pair<std::string, const std::string*>> words;  // word -> term
    for (const auto& [term, data] : terms_) {
      for (const auto& word : data.words) words.emplace_back(word, &term);
    }
    std::sort(words.begin(), words.end());
    const std::vector<std::pair<std::string, Words>> groups = by_prefix(words, 1);
    std::vector<std::vector<std::string>> names(groups.size());
    parallel::for_each_index(groups.size(), jobs, [&](std::size_t i) { file(groups[i].first, groups[i].second, 1, out, names[i]); });
    std::vector<std::string> all;
    for (auto& group_names : names) all.insert(all.end(), group_names.begin(), group_names.end());
    std::sort(all.begin(), all.end());
    return all;
  }

 private:
  using Words = std::vector<std::pair<std::string, const std::string*>>;

  static std::vector<std::pair<std::string, Words>> by_prefix(const Words& words, std::size_t length) {
    std::map<std::string, Words> groups;
    for (const auto& entry : words) groups[prefix_name(entry.first, length)].push_back(entry);
    return {std::make_move_iterator(groups.begin()), std::make_move_iterator(groups.end())};
  }

  void file(const std::string& prefix, const Words& group, std::size_t length, const model::FileSink& out, std::vector<std::string>& names) {
    std::string bytes = shard(group);
    if (bytes.size() <= limits_.max_shard_bytes || length >= limits_.max_prefix) {
      names.push_back(prefix);
      out({"search/terms/" + prefix + ".json", std::move(bytes)});
      return;
    }
    Words kept;
    Words deeper;
    for (const auto& entry : group) (prefix_name(entry.first, length + 1) == prefix ? kept : deeper).push_back(entry);
    names.push_back(prefix);
    out({"search/terms/" + prefix + ".json", shard(kept)});
    for (const auto& [longer, subgroup] : by_prefix(deeper, length + 1)) file(longer, subgroup, length + 1, out, names);
  }

  // {"p":{term:postings,...},"w":{word:term,...}}, keys in byte order (as nlohmann::json
  // orders them), written as text: the postings are already JSON.
  std::string shard(const Words& group) const {
    std::set<const std::string*, bool (*)(const std::string*, const std::string*)> terms(
        [](const std::string* a, const std::string* b) { return *a < *b; });
    for (const auto& entry : group) terms.insert(entry.second);
    std::string out = "{\"p\":{";
    for (const std::string* term : terms) {
      if (out.back() != '{') out += ',';
      out += json_string(*term) + ':' + terms_.at(*term).postings;
    }
    out += "},\"w\":{";
    for (const auto& [word, term] : group) {  // sorted by word
      if (out.back() != '{') out += ',';
      out += json_string(word) + ':' + json_string(*term);
    }
    out += "}}";
    return out;
  }

  const std::map<std::string, TermData>& terms_;
  const StaticIndexLimits& limits_;
};

Json doc_fragment(const Xapian::Document& doc, const StaticIndexLimits& limits) {
  Json record = Json::parse(doc.get_data(), nullptr, false);
  if (record.is_discarded()) return Json::object();
  Json sections = Json::object();
  for (const auto& name : section_names()) {
    std::string text = record["sections"].value(name, std::string());
    if (text.size() > limits.section_chars) {
      std::size_t cut = limits.section_chars;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text.resize(cut);
    }
    if (!text.empty()) sections[name] = text;
  }
  record["sections"] = sections;
  return record;
}

// The database's one-word synonym keys ("enospc"), each with the words that stand for its
// synonym terms in the index, which the browser looks up as pmkb search expands them.
Json word_synonyms(const Xapian::Database& db, const std::map<std::string, TermData>& terms) {
  Json out = Json::object();
  for (auto key = db.synonym_keys_begin(); key != db.synonym_keys_end(); ++key) {
    if ((*key).find(' ') != std::string::npos) continue;
    std::set<std::string> words;
    for (auto synonym = db.synonyms_begin(*key); synonym != db.synonyms_end(*key); ++synonym) {
      if (auto it = terms.find(*synonym); it != terms.end() && !it->second.words.empty()) words.insert(it->second.words.front());
    }
    if (!words.empty()) out[*key] = std::vector<std::string>(words.begin(), words.end());
  }
  return out;
}

// Documents are numbered in the byte order of their unique ids, not by Xapian docid, so that
// an index updated in place numbers them as a fresh one does: n (from 1) by docid, 0 for a
// docid with no document.
std::vector<int> document_numbers(const Xapian::Database& db) {
  std::vector<std::pair<std::string, Xapian::docid>> by_id;
  for (auto& [docid, id] : schema::values_by_docid(db, schema::kIdSlot)) by_id.emplace_back(std::move(id), docid);
  std::sort(by_id.begin(), by_id.end());
  std::vector<int> number(db.get_lastdocid() + 1, 0);
  int next = 0;
  for (const auto& [id, docid] : by_id) {
    if (docid < number.size()) number[docid] = ++next;
  }
  return number;
}

// Each document's length, by docid: read once, not once per posting.
std::vector<Xapian::termcount> document_lengths(const Xapian::Database& db) {
  std::vector<Xapian::termcount> lengths(db.get_lastdocid() + 1, 0);
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    if (*it < lengths.size()) lengths[*it] = it.get_doclength();
  }
  return lengths;
}

// The docs/ files that `earlier` can keep, by document number (`number`, as
// document_numbers() gives): document n has the same content digest now as then.
std::vector<char> unchanged_docs(const Xapian::Database& db, const std::vector<int>& number, const EarlierStaticIndex& earlier) {
  if (earlier.db_dir.empty() || !earlier.keep) return {};
  std::vector<std::string> before(number.size() + 1);
  try {
    const Xapian::Database previous(earlier.db_dir.string());
    const std::map<Xapian::docid, std::string> digests = schema::values_by_docid(previous, schema::kContentHashSlot);
    const std::vector<int> previous_number = document_numbers(previous);
    for (const auto& [docid, digest] : digests) {
      const int n = docid < previous_number.size() ? previous_number[docid] : 0;
      if (n > 0 && static_cast<std::size_t>(n) < before.size()) before[static_cast<std::size_t>(n)] = digest;
    }
  } catch (const Xapian::Error&) {
    return {};  // no earlier index to compare with: every file is made
  }
  std::vector<char> same(before.size(), 0);
  for (const auto& [docid, digest] : schema::values_by_docid(db, schema::kContentHashSlot)) {
    const int n = docid < number.size() ? number[docid] : 0;
    const auto at = static_cast<std::size_t>(n);
    if (n > 0 && at < same.size()) same[at] = !digest.empty() && digest == before[at];
  }
  return same;
}

}  // namespace

void build_static_index(const std::filesystem::path& db_dir, const model::FileSink& out, unsigned jobs, const StaticIndexLimits& limits,
                        const EarlierStaticIndex& earlier) {
  const Xapian::Database db(db_dir.string());
  const double doc_count = db.get_doccount();
  const double avlength = std::max(1.0, db.get_avlength());
  const Xapian::Stem stemmer = schema::stemmer_for("en");

  // Searchable terms: stemmed "Z" terms, and unprefixed terms with no stemmed form (CJK n-grams,
  // numbers). Each surface word points at the term the query parser would look up.
  std::map<std::string, TermData> terms;
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
    const std::string term = *it;
    if (term.empty() || is_field_term(term)) continue;
    const std::string stemmed = "Z" + stemmer(term);
    const std::string target = db.term_exists(stemmed) ? stemmed : term;
    terms[target].words.push_back(term);
  }
  const std::vector<int> number = document_numbers(db);
  const std::vector<Xapian::termcount> lengths = document_lengths(db);
  // The postings and the documents' records are read on the pool, each worker through a
  // database handle of its own (Xapian's objects are not shared between threads).
  std::vector<std::optional<Xapian::Database>> handles(std::max(1u, jobs));
  const auto handle = [&](std::size_t worker) -> const Xapian::Database& {
    if (!handles[worker]) handles[worker].emplace(db_dir.string());
    return *handles[worker];
  };
  std::vector<std::pair<const std::string*, TermData*>> by_index;
  for (auto& [term, data] : terms) by_index.emplace_back(&term, &data);
  parallel::for_each_index_by_worker(by_index.size(), jobs, [&](std::size_t worker, std::size_t i) {
    const Xapian::Database& reader = handle(worker);
    const std::string& term = *by_index[i].first;
    const double termfreq = reader.get_termfreq(term);
    std::vector<std::pair<int, int>> postings;
    for (auto post = reader.postlist_begin(term); post != reader.postlist_end(term); ++post) {
      const Xapian::docid docid = *post;
      if (docid >= number.size() || number[docid] == 0) continue;
      const double weight = bm25(doc_count, termfreq, post.get_wdf(), lengths[docid], avlength);
      postings.emplace_back(number[docid], static_cast<int>(std::lround(weight * 100)));
    }
    std::sort(postings.begin(), postings.end());
    std::string& out_postings = by_index[i].second->postings;
    out_postings = "[";
    int previous = 0;
    for (const auto& [doc, weight] : postings) {
      if (previous > 0) out_postings += ',';
      out_postings += std::to_string(doc - previous) + ',' + std::to_string(weight);
      previous = doc;
    }
    out_postings += ']';
  });

  const std::vector<std::string> shard_names = ShardWriter(terms, limits).write(out, jobs);

  std::map<std::string, std::map<std::string, std::vector<int>>> facets;
  const std::pair<std::string_view, const char*> kFacets[] = {
      {schema::kSeverity, "severity"}, {schema::kService, "service"}, {schema::kCause, "cause"}, {schema::kYear, "year"}};
  for (const auto& [prefix, facet] : kFacets) {
    for (auto it = db.allterms_begin(std::string(prefix)); it != db.allterms_end(std::string(prefix)); ++it) {
      const std::string term = *it;
      const std::string value = term.substr(prefix.size());
      if (value.empty() || (prefix.size() == 1 && std::isupper(static_cast<unsigned char>(value[0])))) continue;
      std::vector<int>& docs = facets[facet][value];
      for (auto post = db.postlist_begin(term); post != db.postlist_end(term); ++post) {
        if (*post < number.size() && number[*post] > 0) docs.push_back(number[*post]);
      }
      std::sort(docs.begin(), docs.end());
    }
  }
  Json facet_names = Json::array();
  for (const auto& [facet, values] : facets) {
    facet_names.push_back(facet);
    out({"search/filters/" + facet + ".json", Json(values).dump(-1, ' ', false, Json::error_handler_t::replace)});
  }
  std::vector<std::pair<Xapian::docid, int>> docs;
  for (Xapian::docid docid = 1; docid < number.size(); ++docid) {
    if (number[docid] > 0) docs.emplace_back(docid, number[docid]);
  }
  const std::vector<char> unchanged = unchanged_docs(db, number, earlier);
  parallel::for_each_index_by_worker(docs.size(), jobs, [&](std::size_t worker, std::size_t i) {
    const auto& [docid, n] = docs[i];
    const std::string path = "search/docs/" + std::to_string(n) + ".json";
    if (static_cast<std::size_t>(n) < unchanged.size() && unchanged[static_cast<std::size_t>(n)] != 0 && earlier.keep(path)) return;
    out({path, doc_fragment(handle(worker).get_document(docid), limits).dump(-1, ' ', false, Json::error_handler_t::replace)});
  });
  const Json meta = {{"version", kFormatVersion}, {"documents", static_cast<int>(doc_count)}, {"shards", shard_names},
                     {"facets", facet_names}, {"coordination_boost", schema::kCoordinationBoost},
                     {"synonyms", word_synonyms(db, terms)}};
  out({"search/meta.json", meta.dump(-1, ' ', false, Json::error_handler_t::replace)});
}

std::vector<model::OutputFile> build_static_index(const std::filesystem::path& db_dir, unsigned jobs, const StaticIndexLimits& limits) {
  std::vector<model::OutputFile> files;
  std::mutex files_mutex;
  const model::FileSink collect = [&](model::OutputFile file) {
    const std::lock_guard lock(files_mutex);
    files.push_back(std::move(file));
  };
  build_static_index(db_dir, collect, jobs, limits);
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

}  // namespace pmkb::search
