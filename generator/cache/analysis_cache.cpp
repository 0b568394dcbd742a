#include "cache/analysis_cache.h"

#include <nlohmann/json.hpp>

#include "text/digest.h"

namespace pmkb::cache {

namespace {

constexpr int kVersion = 1;  // a new field means a new version: a file of another is ignored

}  // namespace

std::string encode_analysis(std::uint64_t key, const Analysis& analysis) {
  nlohmann::ordered_json similarities = nlohmann::ordered_json::array();
  for (const auto& pair : analysis.similarities) similarities.push_back({pair.a, pair.b, pair.score});
  nlohmann::ordered_json themes = nlohmann::ordered_json::array();
  for (const auto& theme : analysis.themes) {
    themes.push_back({{"incidents", theme.incident_ids}, {"terms", theme.top_terms}, {"similarity", theme.similarity}});
  }
  // Doubles are printed in the shortest form that reads back as the same value.
  const nlohmann::ordered_json json = {
      {"version", kVersion}, {"key", text::Digest::to_hex(key)}, {"similarities", std::move(similarities)}, {"themes", std::move(themes)}};
  return json.dump() + "\n";
}

std::optional<Analysis> decode_analysis(std::string_view bytes, std::uint64_t key, std::size_t incidents) {
  const nlohmann::json json = nlohmann::json::parse(bytes, nullptr, false);
  if (!json.is_object() || json.value("version", 0) != kVersion || json.value("key", "") != text::Digest::to_hex(key)) return std::nullopt;
  try {
    Analysis analysis;
    for (const auto& pair : json.at("similarities")) {
      const model::Similarity similarity{pair.at(0).get<std::size_t>(), pair.at(1).get<std::size_t>(), pair.at(2).get<double>()};
      if (similarity.a >= incidents || similarity.b >= incidents) return std::nullopt;
      analysis.similarities.push_back(similarity);
    }
    for (const auto& theme : json.at("themes")) {
      analysis.themes.push_back({theme.at("incidents").get<std::vector<std::string>>(), theme.at("terms").get<std::vector<std::string>>(),
                                 theme.at("similarity").get<double>()});
    }
    return analysis;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // damaged: measured again
  }
}

}  // namespace pmkb::cache
