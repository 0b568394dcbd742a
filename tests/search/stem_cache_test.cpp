#include <catch2/catch.hpp>

#include <xapian.h>

#include <string>
#include <vector>

#include "search/schema.h"
#include "search/stem_cache.h"

using namespace pmkb;

namespace {

// Every term of `text` with its wdf and positions, as a term generator with `stemmer` makes them.
std::vector<std::string> terms_of(const std::string& text, const Xapian::Stem& stemmer) {
  Xapian::TermGenerator generator;
  generator.set_stemmer(stemmer);
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  Xapian::Document doc;
  generator.set_document(doc);
  generator.index_text(text);
  std::vector<std::string> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    std::string term = *it + " wdf=" + std::to_string(it.get_wdf()) + " at";
    for (auto pos = it.positionlist_begin(); pos != it.positionlist_end(); ++pos) term += " " + std::to_string(*pos);
    terms.push_back(term);
  }
  return terms;
}

}  // namespace

TEST_CASE("a remembering stemmer stems as Snowball does, whatever it remembers") {
  const std::vector<std::string> words = {"replication", "replicated", "replicating", "restarts", "restarted", "disks", "filling",
                                          "corrupted", "corruption", "certificates", "expired", "replication", "disks"};
  const std::size_t max_words = GENERATE(std::size_t{1}, std::size_t{3}, std::size_t{1000});
  search::StemCache cache(max_words);
  const Xapian::Stem remembering = cache.stemmer_for("en");
  const Xapian::Stem snowball = search::schema::stemmer_for("en");
  for (int round = 0; round < 2; ++round) {
    for (const auto& word : words) CHECK(remembering(word) == snowball(word));
  }
  SECTION("each language has its own stems") {
    const Xapian::Stem german = cache.stemmer_for("de");
    CHECK(german("datenbanken") == search::schema::stemmer_for("de")("datenbanken"));
    CHECK(german("replication") == search::schema::stemmer_for("de")("replication"));
    CHECK(cache.stemmer_for("en")("datenbanken") == snowball("datenbanken"));
  }
  SECTION("a term generator makes the same terms with it") {
    const std::string text = "The replica restarted; replication restarts failed. Disks filled, disks filling: AOF corrupted.";
    CHECK(terms_of(text, remembering) == terms_of(text, snowball));
    CHECK(terms_of(text + " " + text, remembering) == terms_of(text + " " + text, snowball));
  }
}
