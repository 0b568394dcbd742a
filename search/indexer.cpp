#include "search/indexer.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "parallel/parallel.h"
#include "search/document_text.h"
#include "search/gist_database.h"
#include "search/schema.h"
#include "search/stem_cache.h"
#include "search/synonyms.h"
#include "search/word_terms.h"
#include "text/digest.h"
#include "text/text.h"

namespace pmkb::search {

namespace {

// The text that counts most (title, summary, root cause) is indexed with positions, for
// phrase queries; the rest without: positions are most of an index's size and build time.
// Field-prefixed copies ("title:", "rootcause:") carry positions only for the short title.
// The timeline and action items have no field copies: they doubled the index's postings and
// cost a tenth of a cold build, for queries that the body and the section of each hit serve.
// Text without positions goes through add_word_terms (search/word_terms.h), which makes
// the same terms as Xapian's generator in a fraction of the time.
class Generator {
 public:
  Generator(Xapian::Document& doc, const Xapian::Stem& stemmer) : doc_(doc), stemmer_(stemmer) {
    generator_.set_document(doc);
    generator_.set_stemmer(stemmer);
    generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    generator_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  }

  void strong(const std::string& text, Xapian::termcount weight, std::string_view prefix, bool prefixed_positions) {
    if (text.empty()) return;
    generator_.index_text(text, weight);
    if (prefixed_positions) generator_.index_text(text, 1, std::string(prefix));
    else add_word_terms(text, 1, prefix, stemmer_, doc_);
    generator_.increase_termpos();
  }

  void plain(const std::string& text, Xapian::termcount weight) { add_word_terms(text, weight, {}, stemmer_, doc_); }

 private:
  Xapian::Document& doc_;
  Xapian::Stem stemmer_;
  Xapian::TermGenerator generator_;
};

// A document ready for the writer, with the words of its title, summary and root cause for
// the spelling dictionary ("did you mean"), which only the writer may update.
struct IndexedDocument {
  Xapian::Document document;
  std::vector<std::pair<std::string, Xapian::termcount>> spellings;
};

// The words (unstemmed, lower case) of the prefixed strong fields, with their frequencies.
std::vector<std::pair<std::string, Xapian::termcount>> spelling_words(const Xapian::Document& doc) {
  std::vector<std::pair<std::string, Xapian::termcount>> words;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string term = *it;
    for (std::string_view prefix : {schema::kTitle, schema::kSummary, schema::kRootCause}) {
      // After the prefix comes a lower-case word; an upper-case letter means a longer prefix.
      if (term.size() > prefix.size() && term.starts_with(prefix) && !text::is_ascii_upper(static_cast<unsigned char>(term[prefix.size()]))) {
        words.emplace_back(term.substr(prefix.size()), it.get_wdf());
        break;
      }
    }
  }
  return words;
}

// A digest of what an incident's document is made from: its postmortem (bytes and path), id,
// page and causes, and `environment` (the config that extraction ran under). Extraction is a
// function of those, so an incident whose digest is unchanged needs no new document, and
// telling that costs no text.
std::string document_key(const model::AnalyzedIncident& entry, std::uint64_t environment) {
  const model::Incident& incident = entry.incident;
  text::Digest digest;
  digest.add(environment).add(incident.source_digest).add(incident.source).add(incident.id).add(model::incident_url(incident));
  for (const auto& cause : entry.causes) digest.add(cause.id);
  return digest.hex();
}

IndexedDocument make_document(const model::AnalyzedIncident& entry, std::string key, StemCache& stems) {
  const model::Incident& incident = entry.incident;
  const DocumentText text = document_text(incident);
  IndexedDocument out;
  Xapian::Document& doc = out.document;
  Generator generator(doc, stems.stemmer_for(incident.language));
  generator.strong(incident.title, schema::kTitleWeight, schema::kTitle, true);
  generator.strong(text.root_cause, schema::kRootCauseWeight, schema::kRootCause, false);
  generator.strong(text.summary, schema::kSummaryWeight, schema::kSummary, false);
  // The whole body once more, unprefixed: every word is findable, the sections above weigh more.
  generator.plain(text.body, schema::kBodyWeight);
  out.spellings = spelling_words(doc);

  doc.add_boolean_term(std::string(schema::kId) + incident.id);
  doc.add_boolean_term(std::string(schema::kSource) + incident.source);
  if (incident.severity) doc.add_boolean_term(std::string(schema::kSeverity) + text::to_lower(std::string(model::to_string(*incident.severity))));
  for (const auto& service : incident.services) doc.add_boolean_term(std::string(schema::kService) + text::to_lower(service));
  for (const auto& cause : entry.causes) doc.add_boolean_term(std::string(schema::kCause) + cause.id);
  if (incident.date) {
    doc.add_boolean_term(std::string(schema::kYear) + std::to_string(incident.date->year));
    char date[16];
    std::snprintf(date, sizeof date, "%04d%02d%02d", incident.date->year, incident.date->month, incident.date->day);
    doc.add_value(schema::kDateSlot, date);
  }
  if (incident.duration_minutes) doc.add_value(schema::kDurationSlot, Xapian::sortable_serialise(*incident.duration_minutes));
  std::string facets;
  if (incident.severity) facets += "severity=" + text::to_lower(std::string(model::to_string(*incident.severity))) + "\n";
  for (const auto& service : incident.services) facets += "service=" + text::to_lower(service) + "\n";
  for (const auto& cause : entry.causes) facets += "cause=" + cause.id + "\n";
  if (incident.date) facets += "year=" + std::to_string(incident.date->year) + "\n";
  doc.add_value(schema::kFacetSlot, facets);
  if (incident.severity) doc.add_value(schema::kSeverityRankSlot, Xapian::sortable_serialise(static_cast<int>(*incident.severity)));
  doc.add_value(schema::kContentHashSlot, key);
  doc.add_value(schema::kIdSlot, incident.id);
  doc.set_data(stored_record(entry, text, schema::kStoredSectionBytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return out;
}

// Terms that can tell incidents apart: those in at most a fiftieth of the library (within
// 20..250), which are all that similarity's database keeps (gist_database.h) besides
// kLeftOutTerm. A word shared that widely relates nothing by itself, and leaving such words
// out keeps each more-like-this query to short posting lists, so that relating n incidents
// costs about n queries of fixed size rather than n squared.
Xapian::doccount rare_term_limit(std::size_t incidents) {
  return std::clamp<Xapian::doccount>(static_cast<Xapian::doccount>(incidents / 50), 20, 250);
}

class KeptWords : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override { return term != kLeftOutTerm; }
};

}  // namespace

namespace {

// The database to update: a copy of the previous index when the same pmkb wrote it,
// otherwise a new one. Sets `existing` to the documents already there: id -> (docid, digest).
Xapian::WritableDatabase open_for_update(const std::filesystem::path& db_dir, const IndexOptions& options,
                                         std::map<std::string, std::pair<Xapian::docid, std::string>>& existing) {
  namespace fs = std::filesystem;
  constexpr int kFlags = Xapian::DB_NO_SYNC;  // the directory is swapped into place whole
  if (options.previous && !options.writer_key.empty()) {
    try {
      const Xapian::Database previous(options.previous->string());
      if (previous.get_metadata(std::string(schema::kWriterKey)) == options.writer_key) {
        fs::create_directories(db_dir);
        for (const auto& entry : fs::directory_iterator(*options.previous)) {
          if (entry.is_regular_file() && entry.path().filename() != "flintlock") fs::copy_file(entry.path(), db_dir / entry.path().filename());
        }
        Xapian::WritableDatabase db(db_dir.string(), Xapian::DB_OPEN | kFlags);
        std::map<Xapian::docid, std::string> hashes = schema::values_by_docid(db, schema::kContentHashSlot);
        for (auto& [docid, id] : schema::values_by_docid(db, schema::kIdSlot)) existing[std::move(id)] = {docid, hashes[docid]};
        return db;
      }
    } catch (const Xapian::Error&) {
      // An unreadable previous index is no reason to fail: build a new one.
    } catch (const fs::filesystem_error&) {
    }
    existing.clear();
    fs::remove_all(db_dir);
  }
  fs::create_directories(db_dir.parent_path());
  return Xapian::WritableDatabase(db_dir.string(), Xapian::DB_CREATE | kFlags);
}

// The taxonomy's synonyms, replacing those of the previous index: keys are unstemmed
// phrases (the query parser looks them up before stemming), values stemmed terms. Only
// distinctive words are kept, those in at most a fiftieth of the incidents: "enospc" helps
// a search for "disk full", "bug" would drown one for "integer overflow".
void write_synonyms(Xapian::WritableDatabase& db, const model::Taxonomy& taxonomy) {
  std::vector<std::string> old_keys(db.synonym_keys_begin(), db.synonym_keys_end());
  for (const auto& key : old_keys) db.clear_synonyms(key);
  const Xapian::Stem stemmer = schema::stemmer_for("en");
  const Xapian::doccount most = std::max<Xapian::doccount>(1, db.get_doccount() / 50);
  for (const auto& [phrase, words] : taxonomy_synonyms(taxonomy)) {
    for (const auto& word : words) {
      const std::string term = "Z" + stemmer(word);
      const Xapian::doccount frequency = db.get_termfreq(term);
      if (frequency > 0 && frequency <= most) db.add_synonym(phrase, term);
    }
  }
}

void remove_spellings(Xapian::WritableDatabase& db, Xapian::docid docid) {
  for (const auto& [word, frequency] : spelling_words(db.get_document(docid))) db.remove_spelling(word, frequency);
}

}  // namespace

namespace {

using Existing = std::map<std::string, std::pair<Xapian::docid, std::string>>;

// Adds or replaces the incidents [begin, end) of `site` in `db`, counting into `update`;
// those found in `existing` (read-only here) go into `present`. Terms are generated on
// `jobs` worker threads a batch at a time, the next batch while this thread writes the
// current one: the writer is the index's bottleneck, and it only writes.
void write_incidents(Xapian::WritableDatabase& db, const model::Site& site, std::size_t begin, std::size_t end, const Existing& existing,
                     std::uint64_t environment, unsigned jobs, IndexUpdate& update, std::set<std::string_view>& present) {
  constexpr std::size_t kBatch = 256;
  using Batch = std::vector<std::optional<IndexedDocument>>;
  std::vector<StemCache> stems(std::max(1u, jobs));  // one per term-generating thread, kept from batch to batch
  const auto generate = [&](std::size_t first) {
    Batch batch(std::min(kBatch, end - first));
    parallel::for_each_index_by_worker(batch.size(), jobs, [&, first](std::size_t worker, std::size_t i) {
      const model::AnalyzedIncident& entry = site.incidents[first + i];
      std::string key = document_key(entry, environment);
      const auto it = existing.find(entry.incident.id);
      if (it == existing.end() || it->second.second != key) batch[i] = make_document(entry, std::move(key), stems[worker]);
    });
    return batch;
  };
  // The spelling dictionary's words are summed here and handed to Xapian once, at the end:
  // each flush merges the words added since the last into the dictionary's n-gram lists,
  // reading and rewriting (inflating and deflating) every list they touch, and with a flush
  // every batch the common n-grams' lists were rewritten about a hundred times in a 10k build.
  std::map<std::string, Xapian::termcount> spellings;
  std::future<Batch> next;
  if (begin < end) next = std::async(std::launch::async, generate, begin);
  for (std::size_t first = begin; first < end; first += kBatch) {
    Batch batch = next.get();
    if (first + kBatch < end) next = std::async(std::launch::async, generate, first + kBatch);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto it = existing.find(site.incidents[first + i].incident.id);
      if (it != existing.end()) present.insert(it->first);
      if (!batch[i]) {
        ++update.kept;
      } else if (it != existing.end()) {
        remove_spellings(db, it->second.first);
        db.replace_document(it->second.first, batch[i]->document);
        ++update.replaced;
      } else {
        db.add_document(batch[i]->document);
        ++update.added;
      }
      if (batch[i]) {
        for (auto& [word, frequency] : batch[i]->spellings) spellings[std::move(word)] += frequency;
      }
    }
    // Flushing after every batch bounds the writer's memory, whatever the library's size. Each
    // flush rewrites the B-tree blocks it touches, reading them back first. At 10k incidents,
    // with the spelling words no longer flushed with each batch, every 256 documents took 0.98
    // of the wall time and 0.96 of the CPU time of every 96 (paired cold builds, medians of 5)
    // for 23 MiB more peak memory; every 768 was no faster than 256, for 80 MiB more.
    db.commit();
  }
  for (const auto& [word, frequency] : spellings) db.add_spelling(word, frequency);
}

// A new index written as `shards` databases side by side, each by its own writer over a
// contiguous run of the incidents, then merged by Xapian's compaction into `db_dir`. The
// merge keeps the incidents' order, so document numbers are those one writer would give.
void write_sharded(const model::Site& site, const std::filesystem::path& db_dir, unsigned shards, std::uint64_t environment, unsigned jobs,
                   IndexUpdate& update) {
  namespace fs = std::filesystem;
  const std::size_t count = site.incidents.size();
  std::vector<fs::path> paths;
  std::vector<IndexUpdate> updates(shards);
  std::vector<std::future<void>> writers;
  for (unsigned shard = 0; shard < shards; ++shard) {
    paths.push_back(db_dir.string() + ".shard-" + std::to_string(shard));
    writers.push_back(std::async(std::launch::async, [&, shard] {
      Xapian::WritableDatabase db(paths[shard].string(), Xapian::DB_CREATE | Xapian::DB_NO_SYNC);
      std::set<std::string_view> present;
      write_incidents(db, site, count * shard / shards, count * (shard + 1) / shards, {}, environment, std::max(1u, jobs / shards),
                      updates[shard], present);
      db.close();
    }));
  }
  for (auto& writer : writers) writer.wait();  // none may still write when the shards are removed
  for (auto& writer : writers) writer.get();
  Xapian::Database all;
  for (const auto& path : paths) all.add_database(Xapian::Database(path.string()));
  all.compact(db_dir.string(), Xapian::Compactor::STANDARD);
  all.close();
  for (const auto& path : paths) fs::remove_all(path);
  for (const auto& shard : updates) update.added += shard.added;
}

}  // namespace

IndexUpdate build_index(const model::Site& site, const std::filesystem::path& db_dir, const IndexOptions& options) {
  Existing existing;
  Xapian::WritableDatabase db = open_for_update(db_dir, options, existing);
  IndexUpdate update;
  // A new index of a large library is written in shards, one writer per thread: a single
  // writer would be the build's long pole. Updates change few documents and need one.
  constexpr std::size_t kMaxShards = 8;
  const auto shards = static_cast<unsigned>(
      std::min({std::size_t{options.jobs}, kMaxShards, site.incidents.size() / std::max<std::size_t>(1, options.shard_incidents)}));
  if (existing.empty() && db.get_doccount() == 0 && shards >= 2) {
    db.close();
    std::filesystem::remove_all(db_dir);
    write_sharded(site, db_dir, shards, options.environment, options.jobs, update);
    db = Xapian::WritableDatabase(db_dir.string(), Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
  } else {
    std::set<std::string_view> present;  // ids of `existing` still in the library
    write_incidents(db, site, 0, site.incidents.size(), existing, options.environment, options.jobs, update, present);
    for (const auto& [id, document] : existing) {  // incidents no longer in the library
      if (present.contains(id)) continue;
      remove_spellings(db, document.first);
      db.delete_document(document.first);
      ++update.removed;
    }
  }
  write_synonyms(db, site.taxonomy);
  db.set_metadata(std::string(schema::kWriterKey), options.writer_key);
  db.commit();
  db.close();
  return update;
}

std::vector<model::Similarity> find_similar_incidents(const std::vector<model::AnalyzedIncident>& incidents, unsigned jobs, double min_score,
                                                      std::size_t per_incident) {
  if (incidents.size() < 2) return {};
  // Only rare terms are ever looked at: the others are left out of the database, which keeps
  // the documents' lengths, so the weights are the same.
  KeptTerms only_rare;
  only_rare.max_termfreq = rare_term_limit(incidents.size());
  const Xapian::WritableDatabase db = gist_database(incidents, GistWords::Stemmed, jobs, only_rare);
  std::map<std::pair<std::size_t, std::size_t>, double> pairs;
  Xapian::Enquire enquire(db);
  const KeptWords rare;
  for (Xapian::docid id = 1; id <= incidents.size(); ++id) {
    Xapian::RSet rset;
    rset.add_document(id);
    const Xapian::ESet eset = enquire.get_eset(25, rset, &rare);
    if (eset.empty()) continue;
    Xapian::Query query(Xapian::Query::OP_OR, eset.begin(), eset.end());
    enquire.set_query(query);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(per_incident + 1));
    // Scores relative to the incident itself, so that long and short documents compare alike.
    double self = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (*it == id) self = it.get_weight();
    }
    if (self <= 0) continue;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      if (*it == id) continue;
      const double score = std::min(1.0, it.get_weight() / self);
      if (score < min_score) continue;
      const std::size_t a = std::min<std::size_t>(id, *it) - 1;
      const std::size_t b = std::max<std::size_t>(id, *it) - 1;
      double& kept = pairs[{a, b}];
      kept = std::max(kept, score);
    }
  }
  std::vector<model::Similarity> out;
  for (const auto& [key, score] : pairs) out.push_back({key.first, key.second, score});
  return out;
}

}  // namespace pmkb::search
