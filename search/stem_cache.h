// Stemmers that remember: the term generators stem every word of every incident, and most
// words recur (a 10,000-incident library has a few tens of thousands of distinct words in
// tens of millions), so a word's stem is worked out by Snowball once and then looked up.
// The stems are exactly those of schema::stemmer_for: only the cost changes.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace pmkb::search {

// One thread's stemmers, one per language asked for. Not thread-safe: each term-generating
// thread keeps its own. Each remembers at most a bounded number of words, then starts over,
// so a library of unusual words cannot grow it without limit.
class StemCache {
 public:
  explicit StemCache(std::size_t max_words = std::size_t{1} << 18) : max_words_(max_words) {}

  // A stemmer for `language` (as schema::stemmer_for takes it) that shares this cache.
  Xapian::Stem stemmer_for(std::string_view language);

 private:
  std::size_t max_words_;  // per language
  std::map<std::string, Xapian::Stem, std::less<>> by_language_;
};

}  // namespace pmkb::search
