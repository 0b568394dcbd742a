#include "search/gist_database.h"

#include "parallel/parallel.h"
#include "search/document_text.h"
#include "search/schema.h"

namespace pmkb::search {

Xapian::WritableDatabase gist_database(const std::vector<model::Incident>& incidents, GistWords words, unsigned jobs) {
  const Xapian::SimpleStopper stopper(stopwords().begin(), stopwords().end());  // read-only: shared by the threads
  // Term generation is most of the cost; the in-memory database takes documents one at a time.
  const std::vector<Xapian::Document> documents = parallel::map_indexes(incidents.size(), jobs, [&](std::size_t i) {
    Xapian::TermGenerator generator;
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    if (words == GistWords::Stemmed) {
      generator.set_stopper(&stopper);
      generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
      generator.set_stemmer(schema::stemmer_for(incidents[i].language));
    } else {
      generator.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
    }
    Xapian::Document doc;
    generator.set_document(doc);
    // No positions: nothing here runs a phrase query, and they are most of the database.
    generator.index_text_without_positions(incidents[i].title);
    generator.index_text_without_positions(gist(incidents[i]));
    return doc;
  });
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (const auto& doc : documents) db.add_document(doc);
  return db;
}

}  // namespace pmkb::search
