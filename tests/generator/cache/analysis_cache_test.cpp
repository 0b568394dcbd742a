#include <catch2/catch.hpp>

#include <cmath>

#include "cache/analysis_cache.h"

using namespace pmkb;

namespace {

cache::Analysis sample_analysis() {
  cache::Analysis analysis;
  // Scores that have no short decimal form: they must read back as the very same doubles.
  analysis.similarities = {{0, 1, 1.0 / 3.0}, {0, 2, std::nextafter(0.5, 1.0)}, {1, 2, 0.30000000000000004}};
  analysis.themes = {{{"team-pm-1", "team-pm-2"}, {"fsync", "stall", "ümlaut"}, 2.0 / 7.0}, {{"a", "b", "c"}, {}, 0.4}};
  return analysis;
}

}  // namespace

TEST_CASE("analysis cache: what is stored under a key reads back exactly under that key", "[cache]") {
  const cache::Analysis analysis = sample_analysis();
  const std::string bytes = cache::encode_analysis(42, analysis);
  const auto back = cache::decode_analysis(bytes, 42, 3);
  REQUIRE(back);
  REQUIRE(back->similarities.size() == analysis.similarities.size());
  for (std::size_t i = 0; i < analysis.similarities.size(); ++i) {
    CHECK(back->similarities[i].a == analysis.similarities[i].a);
    CHECK(back->similarities[i].b == analysis.similarities[i].b);
    CHECK(back->similarities[i].score == analysis.similarities[i].score);  // bit for bit
  }
  REQUIRE(back->themes.size() == 2);
  CHECK(back->themes[0].incident_ids == analysis.themes[0].incident_ids);
  CHECK(back->themes[0].top_terms == analysis.themes[0].top_terms);
  CHECK(back->themes[0].similarity == analysis.themes[0].similarity);
  CHECK(back->themes[1].top_terms.empty());
  // The same analysis gives the same bytes.
  CHECK(cache::encode_analysis(42, sample_analysis()) == bytes);
}

TEST_CASE("analysis cache: another key, a damaged file or indexes out of range are measured again", "[cache]") {
  const std::string bytes = cache::encode_analysis(42, sample_analysis());
  CHECK_FALSE(cache::decode_analysis(bytes, 43, 3));
  CHECK_FALSE(cache::decode_analysis(bytes.substr(0, bytes.size() / 2), 42, 3));
  CHECK_FALSE(cache::decode_analysis("", 42, 3));
  CHECK_FALSE(cache::decode_analysis("[1, 2]", 42, 3));
  CHECK_FALSE(cache::decode_analysis(R"({"version":1,"key":"000000000000002a","similarities":[[0,"x",0.5]],"themes":[]})", 42, 3));
  // A library of two incidents cannot hold the pair (1, 2).
  CHECK_FALSE(cache::decode_analysis(bytes, 42, 2));
}
