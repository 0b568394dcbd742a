#include <catch2/catch.hpp>

#include "config/settings_loader.h"
#include "config/taxonomy_loader.h"

using namespace pmkb;

TEST_CASE("config: the built-in taxonomy parses cleanly and has the product's 20 causes", "[config]") {
  diag::Diagnostics d;
  const auto taxonomy = config::parse_taxonomy(config::builtin_data("taxonomy.yaml"), "taxonomy.yaml", d);
  CHECK(d.all().empty());
  for (const char* id : {"replication-misconfig", "aof-persistence", "disk-full", "memory-limit", "network-partition",
                         "cluster-rebalancing", "capacity", "config-change", "bad-deploy", "certificate-expiry", "dns",
                         "dependency-failure", "resource-leak", "clock-skew", "hardware-failure", "manual-operation",
                         "software-bug", "security", "database-overload", "upgrade-migration"}) {
    INFO(id);
    REQUIRE(taxonomy.find(id));
    CHECK_FALSE(taxonomy.find(id)->rules.empty());
  }
  CHECK_FALSE(taxonomy.version.empty());
}

TEST_CASE("config: match rules split terms, alternatives and negations", "[config]") {
  const auto rule = config::parse_match_rule("Replication & (misconfig*|wrong config) & !(slot|shard)");
  REQUIRE(rule.all_of.size() == 2);
  CHECK(rule.all_of[0] == std::vector<std::string>{"replication"});
  CHECK(rule.all_of[1] == std::vector<std::string>{"misconfig*", "wrong config"});
  REQUIRE(rule.none_of.size() == 1);
  CHECK(rule.none_of[0] == std::vector<std::string>{"slot", "shard"});
}

TEST_CASE("config: pmkb.yaml settings are read over the defaults", "[config]") {
  diag::Diagnostics d;
  const auto settings = config::parse_settings(
      "title: Acme incidents\ntimezone: PDT\nseverity:\n  blocker: SEV1\nlint:\n  missing-date: off\n"
      "services:\n  aliases:\n    pg: PostgreSQL\nignore: [drafts/*]\n",
      "pmkb.yaml", ".", d);
  CHECK(d.all().empty());
  CHECK(settings.site_title == "Acme incidents");
  CHECK(settings.default_utc_offset_minutes == -420);
  CHECK(settings.severity_map.at("blocker") == model::Severity::Sev1);
  CHECK(settings.rule_levels.at("missing-date") == model::RuleLevel::Off);
  CHECK(settings.service_aliases.at("pg") == "PostgreSQL");
  CHECK(settings.ignore == std::vector<std::string>{"drafts/*"});
  CHECK(settings.taxonomy.causes.size() >= 20);
}

TEST_CASE("config: problems are located diagnostics", "[config]") {
  diag::Diagnostics d;
  config::parse_settings("title: x\ncolour: blue\nseverity:\n  blocker: SEV9\n", "pmkb.yaml", ".", d);
  REQUIRE(d.all().size() == 2);
  CHECK(d.all()[0].where.line == 2);  // unknown key
  CHECK(d.all()[0].level == diag::Level::Warning);
  CHECK(d.all()[1].where.line == 4);  // bad severity
  CHECK(d.all()[1].level == diag::Level::Error);
}

TEST_CASE("config: an inline taxonomy adds causes and can replace built-in ones", "[config]") {
  diag::Diagnostics d;
  const auto settings = config::parse_settings(
      "taxonomy:\n  version: acme-1\n  causes:\n    - id: feature-flag\n      title: Feature flag\n      match: [\"feature flag* & flip*\"]\n"
      "    - id: dns\n      title: Name resolution\n      match: [\"resolver\"]\n",
      "pmkb.yaml", ".", d);
  CHECK(d.all().empty());
  REQUIRE(settings.taxonomy.find("feature-flag"));
  CHECK(settings.taxonomy.find("dns")->title == "Name resolution");
  CHECK(settings.taxonomy.find("disk-full"));
}
