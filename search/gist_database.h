// The in-memory Xapian database that similarity and themes query: one document per incident
// (docid = index in `incidents` + 1) holding the words of its title (twice: the title says
// most) and its gist (document_text.h). Internal to search/.
#pragma once

#include <xapian.h>

#include <vector>

#include "model/site.h"

namespace pmkb::search {

enum class GistWords {
  Stemmed,    // stemmed in the incident's language: for matching
  AsWritten,  // every word as written: for terms a reader sees
};

// The terms are generated on up to `jobs` threads and the documents added in order, so the
// database is the same for any count.
Xapian::WritableDatabase gist_database(const std::vector<model::AnalyzedIncident>& incidents, GistWords words, unsigned jobs);

}  // namespace pmkb::search
