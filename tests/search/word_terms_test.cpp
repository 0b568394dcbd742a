#include <catch2/catch.hpp>

#include <xapian.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "search/word_terms.h"

using namespace pmkb;

namespace {

using Terms = std::map<std::string, Xapian::termcount>;

Terms terms_of(const Xapian::Document& doc) {
  Terms out;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) out[*it] = it.get_wdf();
  return out;
}

// What Xapian's own term generator makes of `text`.
Terms generated(const std::string& text, Xapian::termcount weight, const std::string& prefix,
                search::Stemming stemming = search::Stemming::Some) {
  Xapian::Document doc;
  Xapian::TermGenerator generator;
  generator.set_document(doc);
  generator.set_stemmer(Xapian::Stem("en"));
  generator.set_stemming_strategy(stemming == search::Stemming::Some  ? Xapian::TermGenerator::STEM_SOME
                                  : stemming == search::Stemming::All ? Xapian::TermGenerator::STEM_ALL
                                                                      : Xapian::TermGenerator::STEM_NONE);
  generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  generator.index_text_without_positions(text, weight, prefix);
  return terms_of(doc);
}

Terms added(const std::string& text, Xapian::termcount weight, const std::string& prefix,
            search::Stemming stemming = search::Stemming::Some) {
  Xapian::Document doc;
  search::add_word_terms(text, weight, prefix, Xapian::Stem("en"), doc, stemming);
  return terms_of(doc);
}

}  // namespace

TEST_CASE("word terms: the same terms and wdf as Xapian's term generator", "[search]") {
  const std::string long_word(64, 'x');
  const std::vector<std::string> texts = {
      "The replicas were replicating; replication failed.",
      "U.S.A. and P.T.O and U.S and A.b and U.Sx and AB and I.",
      "C++ and C# and C+++ and C++++ and fish+chips and x+ and +y and #z",
      "AT&T don't rock'n'roll rock’n’roll it‛s O'Neil's & && ''",
      "1,000.5 3.14 1;2 1,a a,1 v1.2.3 10:30 2024-01-02 3rd 1st_place __init__ snake_case",
      "zero\u200bwidth\u200djoin\u2060ed \ufeffbom é É ß İstanbul Ǆemal ʰa ٣٤ 1٫5 naïve café — “quoted” … • →",
      long_word + " " + long_word + "y " + long_word.substr(1) + "z",
      "日本語のテキスト and English", "emoji 🔥 fire", std::string("bad \xff byte"), "", "   ", "end.", "end+", "A",
      "REDIS Redis redis REDIS's", "tab\tand\nnewline\r\nwindows"};
  for (const auto& text : texts) {
    INFO(text);
    CHECK(added(text, 1, "") == generated(text, 1, ""));
    CHECK(added(text, 4, "XRC") == generated(text, 4, "XRC"));
    CHECK(added(text, 1, "", search::Stemming::All) == generated(text, 1, "", search::Stemming::All));
    CHECK(added(text, 2, "", search::Stemming::None) == generated(text, 2, "", search::Stemming::None));
  }

  // Random text from an alphabet of the characters that decide where words split.
  const std::vector<std::string> alphabet = {"a", "e", "s", "t", "ing", "ed", "A", "R", "Z", "0", "7", "_", " ", " ", ".", ",", ";",
                                             ":", "'", "&", "+", "#", "-", "/", "(", ")", "\n", "\t", "!", "?", "\"", "@", "é",
                                             "’", "·", "\u200b", "٣", "—", "…", "ʰ", "Ǆ", "ß"};
  std::mt19937 random(20261207);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(1, 60);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int k = length(random); k > 0; --k) text += alphabet[pick(random)];
    INFO(text);
    REQUIRE(added(text, 1, "") == generated(text, 1, ""));
    REQUIRE(added(text, 1, "", search::Stemming::All) == generated(text, 1, "", search::Stemming::All));
  }
}
