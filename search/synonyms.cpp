#include "search/synonyms.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "text/text.h"

namespace pmkb::search {

namespace {

// "Let's Encrypt" -> "let's encrypt"; "disk-full" -> "disk full"; empty for wildcards.
std::string phrase_of(std::string_view text) {
  if (text.find('*') != std::string_view::npos) return {};
  std::string out;
  std::string word;
  const auto flush = [&] {
    if (word.empty()) return;
    out += (out.empty() ? "" : " ") + word;
    word.clear();
  };
  for (char c : text::to_lower(text)) {
    const auto u = static_cast<unsigned char>(c);
    if (text::is_ascii_alnum(u) || u >= 0x80) word += c;
    else flush();
  }
  flush();
  return out;
}

}  // namespace

std::map<std::string, std::vector<std::string>> taxonomy_synonyms(const model::Taxonomy& taxonomy) {
  std::map<std::string, std::set<std::string>> words_for;
  for (const model::Cause& cause : taxonomy.causes) {
    std::set<std::string> phrases{phrase_of(cause.id), phrase_of(cause.title)};
    for (const model::MatchRule& rule : cause.rules) {
      if (rule.all_of.size() != 1) continue;  // "a & b": neither part names the cause alone
      for (const auto& alternative : rule.all_of.front()) phrases.insert(phrase_of(alternative));
    }
    phrases.erase("");
    for (const auto& phrase : phrases) {
      for (const auto& other : phrases) {
        if (other != phrase && other.find(' ') == std::string::npos) words_for[phrase].insert(other);
      }
    }
  }
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [phrase, words] : words_for) {
    if (!words.empty()) out.emplace(phrase, std::vector<std::string>(words.begin(), words.end()));
  }
  return out;
}

}  // namespace pmkb::search
