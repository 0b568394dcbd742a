#include "search/gist_database.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
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

// The terms of `doc` that `keep` accepts, and kLeftOutTerm with the wdf of the others.
template <class Keep>
Xapian::Document only(const Xapian::Document& doc, const Keep& keep) {
  Xapian::Document out;
  Xapian::termcount left_out = 0;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string term = *it;
    if (keep(term)) {
      out.add_term(term, it.get_wdf());
    } else {
      left_out += it.get_wdf();
    }
  }
  if (left_out > 0) out.add_term(std::string(kLeftOutTerm), left_out);
  return out;
}

}  // namespace

Xapian::WritableDatabase gist_database(const std::vector<model::AnalyzedIncident>& incidents, GistWords words, unsigned jobs,
                                       const KeptTerms& kept) {
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
  // in-memory database takes documents one at a time. Makes the documents at index_at(0 ..
  // count - 1) with `made` and hands them to `take` in that order.
  const auto each_chunk = [&](std::size_t count, const auto& index_at, const auto& made, const auto& take) {
    for (std::size_t begin = 0; begin < count; begin += kChunk) {
      std::vector<Xapian::Document> docs(std::min(kChunk, count - begin));
      parallel::for_each_index_by_worker(docs.size(), jobs,
                                         [&](std::size_t worker, std::size_t i) { docs[i] = made(index_at(begin + i), worker); });
      for (std::size_t i = 0; i < docs.size(); ++i) take(index_at(begin + i), docs[i]);
    }
  };
  const auto every = [](std::size_t index) { return index; };
  const auto made_whole = [&](std::size_t index, std::size_t worker) { return make(incidents[index].incident, stems[worker]); };
  // The words kept: the wanted words of the marked documents, found first (they are few); or,
  // with no document marked, every wanted word.
  std::unordered_set<std::string> vocabulary;
  if (!kept.of_documents.empty()) {
    std::vector<std::size_t> marked;
    for (std::size_t i = 0; i < incidents.size() && i < kept.of_documents.size(); ++i) {
      if (kept.of_documents[i]) marked.push_back(i);
    }
    each_chunk(marked.size(), [&](std::size_t i) { return marked[i]; }, made_whole, [&](std::size_t, const Xapian::Document& doc) {
      for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
        if (!kept.wanted || kept.wanted(*it)) vocabulary.insert(*it);
      }
    });
  }
  const auto kept_word = [&](const std::string& term) {
    return kept.of_documents.empty() ? kept.wanted(term) : vocabulary.contains(term);
  };
  const bool some_words = !kept.of_documents.empty() || kept.wanted;
  const auto made = [&](std::size_t index, std::size_t worker) {
    Xapian::Document doc = made_whole(index, worker);
    return some_words ? only(doc, kept_word) : doc;
  };
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  if (kept.max_termfreq == 0 || kept.max_termfreq >= incidents.size()) {  // no term is in more documents
    each_chunk(incidents.size(), every, made, [&](std::size_t, const Xapian::Document& doc) { db.add_document(doc); });
    return db;
  }
  // First each document's terms, numbered, and how many documents each is in; then the
  // documents again with only the terms in at most max_termfreq of them. (kLeftOutTerm, when
  // some words are left out already, is numbered like any other term; when it is left out in
  // turn, its wdf joins that of the new one.)
  NumberedTerms numbered;
  numbered.documents.resize(incidents.size());
  std::unordered_map<std::string, std::uint32_t> number_of;
  each_chunk(incidents.size(), every, made, [&](std::size_t index, const Xapian::Document& doc) {
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
      if (numbered.termfreq[term] <= kept.max_termfreq) {
        doc.add_term(numbered.names[term], wdf);
      } else {
        left_out += wdf;
      }
    }
    if (left_out > 0) doc.add_term(std::string(kLeftOutTerm), left_out);
    return doc;
  };
  each_chunk(incidents.size(), every, made_rare, [&](std::size_t index, const Xapian::Document& doc) {
    db.add_document(doc);
    std::vector<std::pair<std::uint32_t, Xapian::termcount>>().swap(numbered.documents[index]);
  });
  return db;
}

}  // namespace pmkb::search
