// The in-memory Xapian database that similarity and themes query: one document per incident
// (docid = index in `incidents` + 1) holding the words of its title (twice: the title says
// most) and its gist (document_text.h). Internal to search/.
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/site.h"

namespace pmkb::search {

enum class GistWords {
  Stemmed,    // stemmed in the incident's language: for matching
  AsWritten,  // every word as written: for terms a reader sees
};

// Stands in, in a document of a gist_database() that leaves terms out (KeptTerms), for the
// terms left out of it: its wdf is theirs, summed. Never a word's term (terms are lower case or
// "Z"-prefixed).
inline constexpr std::string_view kLeftOutTerm = "XLEFTOUT";

// Which terms a gist_database() keeps; by default, all. Every other term is left out of every
// document, and kLeftOutTerm carries its wdf: each document keeps its length, so the BM25 and
// expand (relevance feedback) weights of every term kept, and its frequency, are as in the
// whole database, for a fraction of the postings (adding postings one by one is most of the
// time an in-memory database takes).
struct KeptTerms {
  Xapian::doccount max_termfreq = 0;                    // > 0: only the terms of at most this many documents
  std::vector<bool> of_documents;                       // not empty: only the terms of the documents marked here
  std::function<bool(const std::string&)> wanted;       // set: only the terms it accepts
};

// The terms are generated on up to `jobs` threads and the documents added in order, so the
// database is the same for any count.
Xapian::WritableDatabase gist_database(const std::vector<model::AnalyzedIncident>& incidents, GistWords words, unsigned jobs,
                                       const KeptTerms& kept = {});

}  // namespace pmkb::search
