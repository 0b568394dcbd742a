#include "search/gist_database.h"

#include <algorithm>

#include "parallel/parallel.h"
#include "search/document_text.h"
#include "search/schema.h"
#include "search/stem_cache.h"

namespace pmkb::search {

Xapian::WritableDatabase gist_database(const std::vector<model::Incident>& incidents, GistWords words, unsigned jobs) {
  const Xapian::SimpleStopper stopper(stopwords().begin(), stopwords().end());  // read-only: shared by the threads
  std::vector<StemCache> stems(std::max(1u, jobs));  // one per thread
  const auto make = [&](const model::Incident& incident, StemCache& stem_cache) {
    Xapian::TermGenerator generator;
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    if (words == GistWords::Stemmed) {
      generator.set_stopper(&stopper);
      generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
      generator.set_stemmer(stem_cache.stemmer_for(incident.language));
    } else {
      generator.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
    }
    Xapian::Document doc;
    generator.set_document(doc);
    // No positions: nothing here runs a phrase query, and they are most of the database.
    generator.index_text_without_positions(incident.title);
    generator.index_text_without_positions(gist(incident));
    return doc;
  };
  // Term generation is most of the cost, and runs on the pool; the in-memory database takes
  // documents one at a time. A thousand documents at a time: a document's term map is many
  // times its text, and a large library's would not all fit in memory at once.
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  constexpr std::size_t kChunk = 1024;
  for (std::size_t begin = 0; begin < incidents.size(); begin += kChunk) {
    std::vector<Xapian::Document> docs(std::min(kChunk, incidents.size() - begin));
    parallel::for_each_index_by_worker(docs.size(), jobs, [&](std::size_t worker, std::size_t i) { docs[i] = make(incidents[begin + i], stems[worker]); });
    for (const auto& doc : docs) db.add_document(doc);
  }
  return db;
}

}  // namespace pmkb::search
