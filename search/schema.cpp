#include "search/schema.h"

#include <string>

namespace pmkb::search::schema {

Xapian::Stem stemmer_for(std::string_view language) {
  static constexpr std::pair<std::string_view, std::string_view> kLanguages[] = {
      {"en", "english"}, {"de", "german"}, {"fr", "french"}, {"es", "spanish"}, {"it", "italian"},
      {"nl", "dutch"}, {"pt", "portuguese"}, {"sv", "swedish"}, {"da", "danish"}, {"no", "norwegian"},
      {"fi", "finnish"}, {"ru", "russian"}};
  for (const auto& [code, name] : kLanguages) {
    if (code == language) return Xapian::Stem(std::string(name));
  }
  return Xapian::Stem("english");
}

std::map<Xapian::docid, std::string> values_by_docid(const Xapian::Database& db, Xapian::valueno slot) {
  std::map<Xapian::docid, std::string> values;
  for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) values.emplace(it.get_docid(), *it);
  return values;
}

}  // namespace pmkb::search::schema
