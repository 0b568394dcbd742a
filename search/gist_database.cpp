#include "search/gist_database.h"

#include <algorithm>

#include "parallel/parallel.h"
#include "search/document_text.h"
#include "search/schema.h"
#include "search/stem_cache.h"
#include "search/word_terms.h"

namespace pmkb::search {

Xapian::WritableDatabase gist_database(const std::vector<model::AnalyzedIncident>& incidents, GistWords words, unsigned jobs) {
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
  // Term generation is most of the cost, and runs on the pool; the in-memory database takes
  // documents one at a time. A thousand documents at a time: a document's term map is many
  // times its text, and a large library's would not all fit in memory at once.
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  constexpr std::size_t kChunk = 1024;
  for (std::size_t begin = 0; begin < incidents.size(); begin += kChunk) {
    std::vector<Xapian::Document> docs(std::min(kChunk, incidents.size() - begin));
    parallel::for_each_index_by_worker(docs.size(), jobs, [&](std::size_t worker, std::size_t i) { docs[i] = make(incidents[begin + i].incident, stems[worker]); });
    for (const auto& doc : docs) db.add_document(doc);
  }
  return db;
}

}  // namespace pmkb::search
