#include "search/gist_database.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

#include "parallel/parallel.h"
#include "search/document_text.h"
#include "search/schema.h"
#include "search/stem_cache.h"
#include "search/word_terms.h"

namespace pmkb::search {

namespace {

// A thousand documents at a time: a document's term map is many times its text, and a large
// library's would not all fit in memory at once.
constexpr std::size_t kChunk = 1024;

// Each document's terms as (term number, wdf), the terms numbered as first met, and the number
// of documents each term is in.
struct NumberedTerms {
  std::vector<std::vector<std::pair<std::uint32_t, Xapian::termcount>>> documents;
  std::vector<std::string> names;
  std::vector<Xapian::doccount> termfreq;
};

}  // namespace

Xapian::WritableDatabase gist_database(const std::vector<model::AnalyzedIncident>& incidents, GistWords words, unsigned jobs,
                                       Xapian::doccount max_termfreq) {
  std::vector<StemCache> stems(std::max(1u, jobs));  // one per thread
  const auto make = [&](const model::Incident& incident, StemCache& stem_cache) {
    // No positions: nothing here runs a phrase query, and they are most of the database. Words
    // as common as stop words relate nothing, and similarity leaves them out (RareTerms).
    const Xapian::Stem stemmer = words == GistWords::Stemmed ? stem_cache.stemmer_for(incident.language) : Xapian::Stem();
    const Stemming stemming = words == GistWords::Stemmed ? Stemming::All : Stemming::None;
    Xapian::Document doc;
    add_word_terms(incident.title, 1, {}, stemmer, doc, stemming);
    add_word_terms(gist(incident), 1, {}, stemmer, doc, stemming);
    return doc;
  };
  // Term generation is most of the cost of making a document, and runs on the pool; the
  // in-memory database takes documents one at a time.
  const auto each_chunk = [&](const auto& made, const auto& take) {
    for (std::size_t begin = 0; begin < incidents.size(); begin += kChunk) {
      std::vector<Xapian::Document> docs(std::min(kChunk, incidents.size() - begin));
      parallel::for_each_index_by_worker(docs.size(), jobs, [&](std::size_t worker, std::size_t i) { docs[i] = made(begin + i, worker); });
      for (std::size_t i = 0; i < docs.size(); ++i) take(begin + i, docs[i]);
    }
  };
  const auto made_whole = [&](std::size_t index, std::size_t worker) { return make(incidents[index].incident, stems[worker]); };
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  if (max_termfreq == 0 || max_termfreq >= incidents.size()) {  // no term is in more documents
    each_chunk(made_whole, [&](std::size_t, const Xapian::Document& doc) { db.add_document(doc); });
    return db;
  }
  // First each document's terms, numbered, and how many documents each is in; then the
  // documents again with only the terms in at most max_termfreq of them.
  NumberedTerms numbered;
  numbered.documents.resize(incidents.size());
  std::unordered_map<std::string, std::uint32_t> number_of;
  each_chunk(made_whole, [&](std::size_t index, const Xapian::Document& doc) {
    auto& terms = numbered.documents[index];
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
      const auto [entry, added] = number_of.try_emplace(*it, static_cast<std::uint32_t>(numbered.names.size()));
      if (added) {
        numbered.names.push_back(*it);
        numbered.termfreq.push_back(0);
      }
      ++numbered.termfreq[entry->second];
      terms.emplace_back(entry->second, it.get_wdf());
    }
  });
  const auto made_rare = [&](std::size_t index, std::size_t) {
    Xapian::Document doc;
    Xapian::termcount left_out = 0;
    for (const auto& [term, wdf] : numbered.documents[index]) {
      if (numbered.termfreq[term] <= max_termfreq) {
        doc.add_term(numbered.names[term], wdf);
      } else {
        left_out += wdf;
      }
    }
    if (left_out > 0) doc.add_term(std::string(kLeftOutTerm), left_out);
    return doc;
  };
  each_chunk(made_rare, [&](std::size_t index, const Xapian::Document& doc) {
    db.add_document(doc);
    std::vector<std::pair<std::uint32_t, Xapian::termcount>>().swap(numbered.documents[index]);
  });
  return db;
}

}  // namespace pmkb::search
