// The in-memory Xapian database that similarity and themes query: one document per incident
// (docid = index in `incidents` + 1) holding the words of its title (twice: the title says
// most) and its gist (document_text.h). Internal to search/.
#pragma once

#include <xapian.h>

#include <string_view>
#include <vector>

#include "model/site.h"

namespace pmkb::search {

enum class GistWords {
  Stemmed,    // stemmed in the incident's language: for matching
  AsWritten,  // every word as written: for terms a reader sees
};

// Stands in, in a document of gist_database(..., max_termfreq), for the terms left out of it:
// its wdf is theirs, summed. Never a word's term (terms are lower case or "Z"-prefixed).
inline constexpr std::string_view kLeftOutTerm = "XLEFTOUT";

// The terms are generated on up to `jobs` threads and the documents added in order, so the
// database is the same for any count. With `max_termfreq` (> 0), the terms of more than that
// many documents are left out of every document, and kLeftOutTerm carries their wdf: each
// document keeps its length, so the BM25 weight of every term kept (and its frequency) is as
// in the whole database, for a fraction of the postings (adding postings one by one is most
// of the time an in-memory database takes).
Xapian::WritableDatabase gist_database(const std::vector<model::AnalyzedIncident>& incidents, GistWords words, unsigned jobs,
                                       Xapian::doccount max_termfreq = 0);

}  // namespace pmkb::search
