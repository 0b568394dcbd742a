#include <catch2/catch.hpp>

#include "analyze/classifier.h"
#include "config/settings_loader.h"
#include "config/taxonomy_loader.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {
std::vector<std::string> cause_ids(const std::string& markdown) {
  const auto r = test::extract_text(markdown);
  const auto settings = config::default_settings();
  std::vector<std::string> ids;
  for (const auto& m : analyze::classify_incident(*r.incident, settings.taxonomy)) ids.push_back(m.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}
bool has(const std::vector<std::string>& ids, const std::string& id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }
}  // namespace

TEST_CASE("classifier: rules match words, prefixes and phrases within a sentence", "[analyze]") {
  const auto rule = config::parse_match_rule("replication & (misconfig*|wrong config*) & !slot");
  CHECK(analyze::rule_matches(rule, "A misconfigured database replication process"));
  CHECK(analyze::rule_matches(rule, "replication had a wrong configuration"));
  CHECK_FALSE(analyze::rule_matches(rule, "slot replication misconfigured"));
  CHECK_FALSE(analyze::rule_matches(rule, "replication was fine"));
}

TEST_CASE("classifier: phrases sharing a first word are told apart by the words after it", "[analyze]") {
  // Many phrases start with "the": each must match on its own words, exact or prefix, and
  // only where the whole phrase fits in the sentence.
  const auto rule = config::parse_match_rule("(the disk filled|the disks filled|the cert* expired|the|the pool ran dry) & outage");
  CHECK(analyze::rule_matches(rule, "outage after the disk filled"));
  CHECK(analyze::rule_matches(rule, "outage when the certificates expired"));
  CHECK(analyze::rule_matches(rule, "the pool ran dry, an outage"));
  CHECK(analyze::rule_matches(rule, "an outage at the"));  // "the" alone is a phrase too
  const auto longer = config::parse_match_rule("(the disk filled|the cert* expired|the pool ran dry) & outage");
  CHECK_FALSE(analyze::rule_matches(longer, "outage after the disk"));
  CHECK_FALSE(analyze::rule_matches(longer, "outage after the pool ran"));
  CHECK_FALSE(analyze::rule_matches(longer, "outage after the cache expired"));
  CHECK_FALSE(analyze::rule_matches(longer, "the outage was long"));
}

TEST_CASE("classifier: the ways engineers write about expired certificates and full disks", "[analyze]") {
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nThe TLS cert lapsed over the weekend.\n"), "certificate-expiry"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nx509: certificate has expired or is not yet valid.\n"), "certificate-expiry"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nLet's Encrypt renewal failed silently.\n"), "certificate-expiry"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nwrite failed with ENOSPC.\n"), "disk-full"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nThe data volume at 100% stopped all writes.\n"), "disk-full"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nThe node ran out of inodes.\n"), "disk-full"));
}

TEST_CASE("classifier: a suspected cause that was ruled out does not classify", "[analyze]") {
  const auto ids = cause_ids(
      "# X\n\n## Timeline\n\n- 10:00 we first suspected the certificate had expired\n\n"
      "## Root cause\n\nA bad deploy of the billing service introduced a regression.\n");
  CHECK_FALSE(has(ids, "certificate-expiry"));
  CHECK(has(ids, "bad-deploy"));
}

TEST_CASE("classifier: a child cause replaces its parent, with evidence and line", "[analyze]") {
  const auto r = test::extract_text("# X\n\n## Root Cause\n\nA misconfiguration in the database replication setup.\n");
  const auto matches = analyze::classify_incident(*r.incident, config::default_settings().taxonomy);
  REQUIRE_FALSE(matches.empty());
  CHECK(matches[0].id == "replication-misconfig");
  CHECK(matches[0].line == 5);
  CHECK(matches[0].evidence.find("misconfiguration") != std::string::npos);
  for (const auto& m : matches) CHECK(m.id != "config-change");
}

TEST_CASE("classifier: a sentence that states a cause", "[analyze]") {
  CHECK(analyze::states_cause("the root cause was a full disk"));
  CHECK(analyze::states_cause("the outage was caused by an expired certificate"));
  CHECK(analyze::states_cause("ursache war eine fehlerhafte konfiguration"));
  CHECK_FALSE(analyze::states_cause("we restarted the database at 10:00"));
}

TEST_CASE("classifier: a stated cause counts as a cause section in a document without one", "[analyze]") {
  // One plain mention in an ordinary section is too little; the same fact stated as the cause is enough.
  CHECK_FALSE(has(cause_ids("# X\n\nThe site was down.\n\n## Details\n\nThe TLS certificate had expired.\n"), "certificate-expiry"));
  CHECK(has(cause_ids("# X\n\nThe site was down.\n\n## Details\n\nThe outage was caused by an expired TLS certificate.\n"), "certificate-expiry"));
  // A hedged statement stays weak even when it names a cause.
  CHECK_FALSE(has(cause_ids("# X\n\nThe site was down.\n\n## Details\n\nWe suspected it was caused by an expired certificate.\n"), "certificate-expiry"));
}

TEST_CASE("classifier: common error strings and phrasings", "[analyze]") {
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nThe hub pod was OOMKilled at startup.\n"), "memory-limit"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nThe service hit a connection pool exhaustion on the database.\n"), "database-overload"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nDNS resolution failed inside the cluster.\n"), "dns"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\ncurl: (6) Could not resolve host: api.internal\n"), "dns"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nThe mount failed with disk quota exceeded.\n"), "disk-full"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nThe drive reported unreadable sectors and blocked reads.\n"), "hardware-failure"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nAn API token was committed to a public repository.\n"), "security"));
  CHECK(has(cause_ids("# X\n\n## Ursache\n\nDurch eine massive Störung bei unserem Hosting-Dienstleister war der Dienst nicht erreichbar.\n"),
            "dependency-failure"));
}

TEST_CASE("classifier: look-alike wordings do not classify", "[analyze]") {
  // inotify reports ENOSPC, but no disk is full.
  const auto inotify = cause_ids("# X\n\n## Root cause\n\nThe node exhausted its inotify watches, so adding one failed with \"no space left on device\".\n");
  CHECK_FALSE(has(inotify, "disk-full"));
  CHECK(has(inotify, "resource-leak"));
  // An expiry reminder is not an expired certificate.
  CHECK_FALSE(has(cause_ids("# X\n\n## Root cause\n\nLet's Encrypt sent a warning email that the certificate would expire soon.\n"), "certificate-expiry"));
  // "a record high" is no DNS record; "rebalancing" phone numbers is no shard migration.
  CHECK_FALSE(has(cause_ids("# X\n\n## Root cause\n\nAt a time of a record high volatility the ratio was raised.\n"), "dns"));
  CHECK_FALSE(has(cause_ids("# X\n\n## Root cause\n\nThe vendor fixed it by rebalancing outbound phone numbers.\n"), "cluster-rebalancing"));
}

TEST_CASE("classifier: kana and kanji phrases match inside an unspaced clause", "[analyze]") {
  const auto rule = config::parse_match_rule("(タイムゾーン|時差) & (不適切|誤り)");
  CHECK(analyze::rule_matches(rule, "タイムゾーン変換（JSTからUTCへ）方法の不適切な選択"));
  CHECK_FALSE(analyze::rule_matches(rule, "タイムゾーン変換の方法を確認した"));
  // Latin words still match whole words only.
  CHECK_FALSE(analyze::rule_matches(config::parse_match_rule("dns & fail*"), "adnsx failed"));
  CHECK(has(cause_ids("# v1.4.0リリースで発生した障害について\n\n## 原因\n\nタイムゾーン変換方法の不適切な選択\n"), "clock-skew"));
}

TEST_CASE("classifier: hedges are recognised with typographic apostrophes", "[analyze]") {
  // "haven’t identified" (U+2019) hedges like "haven't identified".
  CHECK_FALSE(has(cause_ids("# X\n\n## Root cause\n\nWe haven\u2019t identified the specific configuration change that resulted in the errors.\n"),
                  "config-change"));
  CHECK(has(cause_ids("# X\n\n## Root cause\n\nA configuration change resulted in the errors.\n"), "config-change"));
}

TEST_CASE("classifier: one-letter words, one-letter prefixes and very long prefixes still match", "[analyze]") {
  // The word tables are filtered by each word's first two bytes; these keys fall outside that.
  CHECK(analyze::rule_matches(config::parse_match_rule("a record"), "we deleted a record by mistake"));
  CHECK_FALSE(analyze::rule_matches(config::parse_match_rule("a record"), "the record was kept"));
  CHECK(analyze::rule_matches(config::parse_match_rule("x* & expired"), "the x509 cert expired"));
  const std::string long_prefix(40, 'q');
  CHECK(analyze::rule_matches(config::parse_match_rule(long_prefix + "*"), "a " + long_prefix + "zz word"));
  CHECK_FALSE(analyze::rule_matches(config::parse_match_rule(long_prefix + "*"), "a " + long_prefix.substr(1) + " word"));
  CHECK(analyze::rule_matches(config::parse_match_rule("ab*"), "abandoned node"));
  CHECK(analyze::rule_matches(config::parse_match_rule("ab"), "ab"));
  CHECK_FALSE(analyze::rule_matches(config::parse_match_rule("ab"), "abc"));
}
