#include "search/stem_cache.h"

#include <unordered_map>

#include "search/schema.h"

namespace pmkb::search {

namespace {

class RememberingStem : public Xapian::StemImplementation {
 public:
  RememberingStem(Xapian::Stem stem, std::size_t max_words) : stem_(std::move(stem)), max_words_(max_words) {}

  std::string operator()(const std::string& word) override {
    if (const auto it = stems_.find(word); it != stems_.end()) return it->second;
    if (stems_.size() >= max_words_) stems_.clear();
    return stems_.emplace(word, stem_(word)).first->second;
  }

  std::string get_description() const override { return stem_.get_description(); }

 private:
  Xapian::Stem stem_;
  std::size_t max_words_;
  std::unordered_map<std::string, std::string> stems_;
};

}  // namespace

Xapian::Stem StemCache::stemmer_for(std::string_view language) {
  if (const auto it = by_language_.find(language); it != by_language_.end()) return it->second;
  // Xapian::Stem takes ownership of the implementation (it is reference-counted).
  return by_language_.emplace(std::string(language), Xapian::Stem(new RememberingStem(schema::stemmer_for(language), max_words_))).first->second;
}

}  // namespace pmkb::search
