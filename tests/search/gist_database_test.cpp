#include <catch2/catch.hpp>

#include <xapian.h>

#include <string>
#include <vector>

#include "search/gist_database.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {

// Thirty incidents: words every one has, words of three of them (`group`), and a word of one.
std::vector<model::AnalyzedIncident> thirty_incidents() {
  std::vector<model::AnalyzedIncident> incidents;
  for (int i = 0; i < 30; ++i) {
    const std::string group = "group" + std::string(1, static_cast<char>('a' + i % 10));
    const std::string text = "# Service outage " + std::to_string(i) + "\n\n## Root cause\n\nThe database failed again; " + group +
                             " replication " + group + " lagged, unique" + std::to_string(i) + " saw it.\n";
    incidents.emplace_back().incident = *test::extract_text(text).incident;
  }
  return incidents;
}

search::KeptTerms terms_of_at_most(Xapian::doccount documents) {
  search::KeptTerms kept;
  kept.max_termfreq = documents;
  return kept;
}

}  // namespace

TEST_CASE("gist database: leaving common terms out keeps every rare term's weight", "[search]") {
  const auto incidents = thirty_incidents();
  const Xapian::WritableDatabase whole = search::gist_database(incidents, search::GistWords::Stemmed, 1);
  const Xapian::WritableDatabase rare = search::gist_database(incidents, search::GistWords::Stemmed, 2, terms_of_at_most(5));
  REQUIRE(rare.get_doccount() == whole.get_doccount());
  for (Xapian::docid id = 1; id <= whole.get_doccount(); ++id) CHECK(rare.get_doclength(id) == whole.get_doclength(id));
  CHECK(rare.get_avlength() == whole.get_avlength());

  int kept = 0;
  int left_out = 0;
  for (auto it = whole.allterms_begin(); it != whole.allterms_end(); ++it) {
    const std::string term = *it;
    if (it.get_termfreq() > 5) {
      CHECK(rare.get_termfreq(term) == 0);
      ++left_out;
      continue;
    }
    ++kept;
    CHECK(rare.get_termfreq(term) == it.get_termfreq());
    // The same documents, with exactly the same BM25 weights.
    Xapian::Enquire in_whole(whole);
    Xapian::Enquire in_rare(rare);
    in_whole.set_query(Xapian::Query(term));
    in_rare.set_query(Xapian::Query(term));
    const Xapian::MSet a = in_whole.get_mset(0, 30);
    const Xapian::MSet b = in_rare.get_mset(0, 30);
    REQUIRE(a.size() == b.size());
    for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
      CHECK(*x == *y);
      CHECK(x.get_weight() == y.get_weight());
    }
  }
  CHECK(kept > 30);     // the unique and group words
  CHECK(left_out > 3);  // the words of every incident
  CHECK(rare.get_termfreq(std::string(search::kLeftOutTerm)) == 30);

  // A bound no term is over leaves the database whole.
  const Xapian::WritableDatabase all = search::gist_database(incidents, search::GistWords::Stemmed, 1, terms_of_at_most(30));
  CHECK(all.get_termfreq(std::string(search::kLeftOutTerm)) == 0);
  for (auto it = whole.allterms_begin(); it != whole.allterms_end(); ++it) CHECK(all.get_termfreq(*it) == it.get_termfreq());
}

namespace {

// Every term but the words "uniqueN".
class NotUnique : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override { return !term.starts_with("unique"); }
};

}  // namespace

TEST_CASE("gist database: keeping only the wanted terms of some documents keeps their expand weights", "[search]") {
  const auto incidents = thirty_incidents();
  search::KeptTerms kept;
  kept.of_documents.assign(incidents.size(), false);
  for (std::size_t i = 0; i < 5; ++i) kept.of_documents[i] = true;
  const NotUnique not_unique;
  kept.wanted = [&](const std::string& term) { return not_unique(term); };
  const Xapian::WritableDatabase whole = search::gist_database(incidents, search::GistWords::AsWritten, 1);
  const Xapian::WritableDatabase trimmed = search::gist_database(incidents, search::GistWords::AsWritten, 2, kept);
  REQUIRE(trimmed.get_doccount() == whole.get_doccount());
  for (Xapian::docid id = 1; id <= whole.get_doccount(); ++id) CHECK(trimmed.get_doclength(id) == whole.get_doclength(id));
  CHECK(trimmed.get_avlength() == whole.get_avlength());
  // The marked documents' wanted terms, in every document that has them; no other term.
  CHECK(trimmed.get_termfreq("groupa") == 3);
  CHECK(trimmed.get_termfreq("groupe") == 3);
  CHECK(trimmed.get_termfreq("groupf") == 0);    // only in documents not marked
  CHECK(trimmed.get_termfreq("unique1") == 0);   // not wanted
  CHECK(whole.get_termfreq("groupf") == 3);
  CHECK(whole.get_termfreq("unique1") == 1);
  CHECK(trimmed.get_termfreq(std::string(search::kLeftOutTerm)) == 30);

  // Relevance feedback over marked documents ranks the same terms with the same weights.
  Xapian::RSet rset;
  for (Xapian::docid id : {1u, 2u, 4u}) rset.add_document(id);
  const Xapian::ESet a = Xapian::Enquire(whole).get_eset(20, rset, &not_unique);
  const Xapian::ESet b = Xapian::Enquire(trimmed).get_eset(20, rset, &not_unique);
  REQUIRE(a.size() > 5);
  REQUIRE(a.size() == b.size());
  for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
    CHECK(*x == *y);
    CHECK(x.get_weight() == y.get_weight());
  }
}
