// The bundled example library (content/) reads as the issues promise.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "build/build.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {

struct Example {
  build::BuildResult result;
  nlohmann::json json;
  const nlohmann::json& incident(const std::string& id) const {
    for (const auto& i : json["incidents"]) {
      if (i["id"] == id) return i;
    }
    FAIL("no incident " << id);
    return json;
  }
  bool warned(const std::string& file, const std::string& rule) const {
    for (const auto& d : result.diagnostics.all()) {
      if (d.rule == rule && d.where.path.find(file) != std::string::npos) return true;
    }
    return false;
  }
};

const Example& example() {
  static const test::TempDir dir;
  static const Example built = [] {
    build::BuildOptions options;
    options.content_dir = std::string(PMKB_SOURCE_DIR) + "/content";
    options.out_dir = dir.path() / "public";
    Example e{build::run_build(options), {}};
    e.json = nlohmann::json::parse(dir.read("public/incidents.json"));
    return e;
  }();
  return built;
}

bool related(const nlohmann::json& incident, const std::string& id, const std::string& reason) {
  for (const auto& r : incident["related"]) {
    if (r["id"] == id && r["reason"] == reason) return true;
  }
  return false;
}

std::vector<std::string> causes(const nlohmann::json& incident) {
  std::vector<std::string> ids;
  for (const auto& c : incident["causes"]) ids.push_back(c["id"]);
  return ids;
}

}  // namespace

TEST_CASE("example: five incidents, no errors", "[example]") {
  CHECK(example().json["incidents"].size() == 5);
  CHECK(example().result.diagnostics.count(diag::Level::Error) == 0);
}

TEST_CASE("example: recurring causes are linked both ways", "[example]") {
  const auto& redcrow = example().incident("redcrow-replication-outage");
  const auto& ecom = example().incident("ecom-replication-outage");
  const auto& cloudai = example().incident("cloudai-shard-failures-during-load-test");
  const auto& klamm = example().incident("klamm-redis-aof-corruption");
  CHECK(related(redcrow, "ecom-replication-outage", "same-cause:replication-misconfig"));
  CHECK(related(ecom, "redcrow-replication-outage", "same-cause:replication-misconfig"));
  CHECK(related(cloudai, "klamm-redis-aof-corruption", "same-cause:aof-persistence"));
  CHECK(related(klamm, "cloudai-shard-failures-during-load-test", "same-cause:aof-persistence"));
  const auto klamm_causes = causes(klamm);
  CHECK(std::find(klamm_causes.begin(), klamm_causes.end(), "disk-full") != klamm_causes.end());
}

TEST_CASE("example: titles, dates, severities and durations", "[example]") {
  const auto& e = example();
  CHECK(e.incident("cloudai-shard-failures-during-load-test")["title"] == "Post-Mortem: Shard Failures and Recovery Blocker During Load Test");
  CHECK(e.incident("cloudai-shard-failures-during-load-test")["date"] == "2025-04-26");
  CHECK(e.incident("cloudai-shard-failures-during-load-test")["severity"].is_null());
  CHECK(e.incident("cloudai-shard-failures-during-load-test")["duration_minutes"].is_null());
  CHECK(e.incident("klamm-redis-aof-corruption")["title"] == "Klamm redis aof corruption");
  CHECK(e.incident("klamm-redis-aof-corruption")["date"] == "2025-07-09");
  CHECK(e.incident("klamm-redis-aof-corruption")["severity"] == "SEV1");
  CHECK(e.incident("klamm-redis-aof-corruption")["duration_minutes"] == 30);
  CHECK(e.incident("redcrow-replication-outage")["date"] == "2024-06-20");
  CHECK(e.incident("redcrow-replication-outage")["duration_minutes"] == 180);
  CHECK(e.incident("redcrow-replication-outage")["severity"].is_null());
  CHECK(e.incident("ecom-replication-outage")["title"] == "e-com disaster");
  CHECK(e.incident("ecom-replication-outage")["date"] == "2024-06-08");
  CHECK(e.incident("ecom-replication-outage")["duration_minutes"] == 135);
  CHECK(e.incident("redis-cluster-slot-migration-failure")["title"] == "Postmortem: Redis Cluster Slot Migration Failure");
  CHECK(e.incident("redis-cluster-slot-migration-failure")["date"] == "2025-08-22");
  CHECK(e.incident("redis-cluster-slot-migration-failure")["severity"] == "SEV2");
  CHECK(e.incident("redis-cluster-slot-migration-failure")["duration_minutes"] == 35);
}

TEST_CASE("example: every timeline entry and action item", "[example]") {
  const auto& e = example();
  CHECK(e.incident("cloudai-shard-failures-during-load-test")["timeline"].size() == 14);
  CHECK(e.incident("cloudai-shard-failures-during-load-test")["action_items"].size() == 9);
  CHECK(e.incident("redcrow-replication-outage")["timeline"].size() == 11);
  CHECK(e.incident("redcrow-replication-outage")["action_items"].size() == 8);
  CHECK(e.incident("ecom-replication-outage")["timeline"].size() == 10);
  CHECK(e.incident("ecom-replication-outage")["action_items"].size() == 9);
  CHECK(e.incident("klamm-redis-aof-corruption")["timeline"].size() == 0);
  CHECK(e.incident("klamm-redis-aof-corruption")["action_items"].size() == 3);
  CHECK(e.incident("redis-cluster-slot-migration-failure")["action_items"].size() == 8);
}

TEST_CASE("example: honest warnings", "[example]") {
  CHECK(example().warned("cloudai-shard-failures-during-load-test.md", "timeline-out-of-order"));
  CHECK(example().warned("redcrow-replication-outage.md", "date-conflict"));
  CHECK(example().warned("klamm-redis-aof-corruption.md", "template-title"));
  CHECK(example().warned("redis-cluster-slot-migration-failure.md", "mojibake"));
}
