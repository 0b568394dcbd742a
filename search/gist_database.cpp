#include "search/gist_database.h"

#include <algorithm>

#include "parallel/parallel.h"
#include "search/document_text.h"
#include "search/schema.h"

namespace pmkb::search {

Xapian::WritableDatabase gist_database(const std::vector<model::Incident>& incidents, GistWords words, unsigned jobs) {
  const Xapian::SimpleStopper stopper(stopwords().begin(), stopwords().end());  // read-only: shared by the threads
  const auto make = [&](const model::Incident& incident) {
    Xapian::TermGenerator generator;
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    if (words == GistWords::Stemmed) {
      generator.set_stopper(&stopper);
      generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
      generator.set_stemmer(schema::stemmer_for(incident.language));
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
    const std::size_t count = std::min(kChunk, incidents.size() - begin);
    for (const auto& doc : parallel::map_indexes(count, jobs, [&](std::size_t i) { return make(incidents[begin + i]); })) {
      db.add_document(doc);
    }
  }
  return db;
}

}  // namespace pmkb::search
