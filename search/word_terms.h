// Term generation for text indexed without positions: the terms Xapian's TermGenerator makes,
// in a fraction of its time. The generator adds every occurrence of every word to the
// document's term map, one map insertion each, and that was a fifth of a cold build's CPU.
// Here words are counted first, and each distinct term is added once, with the wdf of all its
// occurrences; the document comes out the same (a test compares them on tricky and random
// text), so the query parser finds it as before.
#pragma once

#include <xapian.h>

#include <string_view>

namespace pmkb::search {

// Which forms of a word become terms, as Xapian's stemming strategies say.
enum class Stemming {
  Some,  // STEM_SOME: the word, and "Z" + prefix + its stem when it starts with a letter
  All,   // STEM_ALL: prefix + its stem only, whatever it starts with
  None,  // STEM_NONE: the word only
};

// Adds to `doc` what a TermGenerator with `stemmer`, `stemming`, FLAG_CJK_NGRAM, no stopper
// and the default maximum word length adds for index_text_without_positions(text, weight,
// prefix): each word lower-cased, after `prefix`, and its stem as `stemming` says. Words split
// as Xapian splits them: acronyms ("U.S.A." is "usa"), infixes ("don't", "AT&T", "1,000.5"),
// suffixes ("C++", "C#"). Text with CJK characters (which Xapian splits into n-grams), with
// characters from U+2E80 up, or with invalid UTF-8 goes to a TermGenerator instead.
void add_word_terms(std::string_view text, Xapian::termcount weight, std::string_view prefix, const Xapian::Stem& stemmer,
                    Xapian::Document& doc, Stemming stemming = Stemming::Some);

}  // namespace pmkb::search
