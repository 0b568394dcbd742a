#include <catch2/catch.hpp>

#include <xapian.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "config/settings_loader.h"
#include "search/indexer.h"
#include "search/static_index.h"
#include "search/synonyms.h"
#include "search/query.h"
#include "search/schema.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

using Documents = std::vector<std::pair<std::string, std::string>>;

const Documents kSmallLibrary = {
    {"aof.md", "# Redis AOF restore failed\n\n**Date:** 2025-04-26\n**Severity:** SEV1\n\n## Root cause\n\nThe AOF file was corrupted.\n"},
    {"cert.md", "# Certificate expired\n\n**Date:** 2024-02-01\n**Severity:** SEV2\n\n## Root cause\n\nThe TLS certificate expired.\n\n## Timeline\n\n- 10:00 redis alerts fired\n"},
    {"dns.md", "---\nservices: [edge]\n---\n# DNS outage\n\n**Date:** 2023-05-05\n\n## Root cause\n\nA DNS record was deleted.\n"}};

model::Site small_site(const Documents& documents = kSmallLibrary) { return test::site_of(documents); }

}  // namespace

TEST_CASE("search: index and query with ranking, snippet, section and facets", "[search]") {
  test::TempDir dir;
  search::build_index(small_site(), dir.path() / "xapian", {2, std::nullopt, "test"});
  search::SearchRequest request;
  request.query = "aof";
  auto results = search::search_site(dir.path(), request);
  REQUIRE(results.hits.size() == 1);
  CHECK(results.hits[0].id == "aof");
  CHECK(results.hits[0].url == "incidents/aof/");
  CHECK(results.hits[0].severity == "SEV1");
  CHECK(results.hits[0].snippet.find("<mark>AOF</mark>") != std::string::npos);
  CHECK(results.hits[0].section == "root_cause");

  request.query = "redis";
  results = search::search_site(dir.path(), request);
  REQUIRE(results.hits.size() == 2);
  CHECK(results.hits[0].id == "aof");  // the title weighs more than a timeline entry
  CHECK(results.facets["severity"]["sev1"] == 1);
  CHECK(results.facets["severity"]["sev2"] == 1);
}

TEST_CASE("search: filters, field prefixes and date ranges", "[search]") {
  test::TempDir dir;
  search::build_index(small_site(), dir.path() / "xapian", {2, std::nullopt, "test"});
  search::SearchRequest request;
  request.query = "";
  request.severities = {"SEV2", "sev1"};
  CHECK(search::search_site(dir.path(), request).total == 2);
  request = {};
  request.query = "cause:certificate-expiry";
  auto results = search::search_site(dir.path(), request);
  REQUIRE(results.hits.size() == 1);
  CHECK(results.hits[0].id == "cert");
  request = {};
  request.since = "2024-01-01";
  CHECK(search::search_site(dir.path(), request).total == 2);
  request.until = "2024-12-31";
  CHECK(search::search_site(dir.path(), request).total == 1);
  request = {};
  request.services = {"edge"};
  CHECK(search::search_site(dir.path(), request).hits.at(0).id == "dns");
  request = {};
  request.query = "title:certificate";
  CHECK(search::search_site(dir.path(), request).hits.at(0).id == "cert");
  // "redis" is in the aof incident's title and the cert incident's timeline: a field finds
  // only the incidents with the word in that field.
  request.query = "rootcause:corrupted";
  results = search::search_site(dir.path(), request);
  REQUIRE(results.hits.size() == 1);
  CHECK(results.hits[0].id == "aof");
  request.query = "rootcause:redis";
  CHECK(search::search_site(dir.path(), request).total == 0);
  request.query = "redis";
  CHECK(search::search_site(dir.path(), request).total == 2);
}

TEST_CASE("search: a misspelt query gets a suggestion", "[search]") {
  test::TempDir dir;
  search::build_index(small_site(), dir.path() / "xapian", {2, std::nullopt, "test"});
  search::SearchRequest request;
  request.query = "certificat";
  const auto results = search::search_site(dir.path(), request);
  CHECK(results.suggestion == "certificate");
}

TEST_CASE("search: a missing index says to build first", "[search]") {
  test::TempDir dir;
  CHECK_THROWS_WITH(search::search_site(dir.path(), {}), Catch::Contains("pmkb build"));
}

TEST_CASE("search: similarity pairs alike incidents and not unlike ones", "[search]") {
  std::vector<model::AnalyzedIncident> incidents;
  for (const auto& text : {"# Redis AOF corruption\n\n## Root cause\n\nRedis AOF file corrupted after disk filled; redis restart failed loading AOF.\n",
                           "# Redis AOF restore blocked\n\n## Root cause\n\nRedis could not restore the AOF file; AOF load failed after restart.\n",
                           "# Certificate expiry\n\n## Root cause\n\nThe TLS certificate for the website expired on Sunday.\n"}) {
    incidents.emplace_back().incident = *test::extract_text(text).incident;
  }
  const auto pairs = search::find_similar_incidents(incidents, 1, 0.3);
  REQUIRE_FALSE(pairs.empty());
  CHECK(pairs[0].a == 0);
  CHECK(pairs[0].b == 1);
  for (const auto& p : pairs) CHECK(p.b != 2);
  // Terms made on several threads give the same pairs.
  const auto threaded = search::find_similar_incidents(incidents, 4, 0.3);
  REQUIRE(threaded.size() == pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    CHECK(threaded[i].a == pairs[i].a);
    CHECK(threaded[i].b == pairs[i].b);
    CHECK(threaded[i].score == pairs[i].score);
  }
}

TEST_CASE("search: an index updated in place equals one built from scratch", "[search][incremental]") {
  test::TempDir dir;
  const search::IndexOptions fresh{2, std::nullopt, "pmkb-test"};
  const auto first = search::build_index(small_site(), dir.path() / "before", fresh);
  CHECK(first.added == 3);

  Documents edited = kSmallLibrary;
  edited[1].second += "\n## Resolution\n\nRenewed the certifcate by hand.\n";  // changed
  edited.erase(edited.begin() + 2);                                                   // removed
  edited.push_back({"disk.md", "# Disk full on the log volume\n\n**Date:** 2025-06-01\n\n## Root cause\n\nENOSPC.\n"});
  const model::Site site = small_site(edited);
  search::IndexOptions update = fresh;
  update.previous = dir.path() / "before";
  const auto changed = search::build_index(site, dir.path() / "updated" / "xapian", update);
  CHECK(changed.kept == 1);
  CHECK(changed.replaced == 1);
  CHECK(changed.removed == 1);
  CHECK(changed.added == 1);
  search::build_index(site, dir.path() / "clean" / "xapian", fresh);

  // The static index is read from the database: every term, weight, facet and document.
  const auto updated_files = search::build_static_index(dir.path() / "updated" / "xapian", 4);  // and on several threads
  const auto clean_files = search::build_static_index(dir.path() / "clean" / "xapian");
  REQUIRE(updated_files.size() == clean_files.size());
  for (std::size_t i = 0; i < clean_files.size(); ++i) {
    INFO(clean_files[i].path);
    CHECK(updated_files[i].path == clean_files[i].path);
    CHECK(updated_files[i].bytes == clean_files[i].bytes);
  }
  // Made again from the earlier database: only the unchanged document at the same rank
  // (aof.md, first of aof, cert, disk/dns) is kept; the rest is made, as in the clean index.
  std::mutex collected_mutex;
  std::set<std::string> kept;
  std::map<std::string, std::string> made;
  const search::EarlierStaticIndex earlier{dir.path() / "before", [&](const std::string& path) {
                                             const std::lock_guard lock(collected_mutex);
                                             kept.insert(path);
                                             return true;
                                           }};
  search::build_static_index(dir.path() / "updated" / "xapian", [&](model::OutputFile file) {
    const std::lock_guard lock(collected_mutex);
    made.emplace(file.path, std::move(file.bytes));
  }, 2, {}, earlier);
  CHECK(kept == std::set<std::string>{"search/docs/1.json"});
  CHECK(made.size() + kept.size() == clean_files.size());
  for (const auto& file : clean_files) {
    INFO(file.path);
    if (!kept.contains(file.path)) CHECK(made.at(file.path) == file.bytes);
  }
  // A file that cannot be kept is made.
  made.clear();
  const search::EarlierStaticIndex refusing{dir.path() / "before", [](const std::string&) { return false; }};
  search::build_static_index(dir.path() / "updated" / "xapian", [&](model::OutputFile file) {
    const std::lock_guard lock(collected_mutex);
    made.emplace(file.path, std::move(file.bytes));
  }, 2, {}, refusing);
  CHECK(made.size() == clean_files.size());

  // Spelling data too: the removed and replaced documents' words are gone.
  const Xapian::Database updated((dir.path() / "updated" / "xapian").string());
  const Xapian::Database clean((dir.path() / "clean" / "xapian").string());
  for (const char* word : {"dns", "outage", "certifcate", "certificate", "disk", "aof"}) {
    INFO(word);
    CHECK(updated.get_spelling_suggestion(word) == clean.get_spelling_suggestion(word));
    CHECK(updated.get_termfreq(word) == clean.get_termfreq(word));
  }
  std::vector<std::string> words_updated, words_clean;
  for (auto it = updated.spellings_begin(); it != updated.spellings_end(); ++it) words_updated.push_back(*it + ":" + std::to_string(it.get_termfreq()));
  for (auto it = clean.spellings_begin(); it != clean.spellings_end(); ++it) words_clean.push_back(*it + ":" + std::to_string(it.get_termfreq()));
  CHECK(words_updated == words_clean);

  // Under another config every document is made again.
  search::IndexOptions reconfigured = update;
  reconfigured.previous = dir.path() / "clean" / "xapian";
  reconfigured.environment = 7;
  const auto remade = search::build_index(site, dir.path() / "reconfigured" / "xapian", reconfigured);
  CHECK(remade.replaced == 3);
  CHECK(remade.kept == 0);

  // Another pmkb's index is not reused.
  search::IndexOptions other = update;
  other.writer_key = "another-pmkb";
  CHECK(search::build_index(site, dir.path() / "other" / "xapian", other).added == 3);
}

TEST_CASE("search: an index written in shards and merged equals one written by one writer", "[search]") {
  test::TempDir dir;
  Documents documents = kSmallLibrary;
  for (int i = 0; i < 9; ++i) {
    documents.push_back({"disk-" + std::to_string(i) + ".md", "# Disk full on volume " + std::to_string(i) +
                                                                  "\n\n**Date:** 2025-06-0" + std::to_string(1 + i) +
                                                                  "\n\n## Root cause\n\nENOSPC on the log volume; inodes ran out.\n"});
  }
  const model::Site site = small_site(documents);
  search::IndexOptions one{1, std::nullopt, "pmkb-test"};
  search::IndexOptions sharded{3, std::nullopt, "pmkb-test"};
  sharded.shard_incidents = 4;  // 12 incidents: three shards
  CHECK(search::build_index(site, dir.path() / "one" / "xapian", one).added == 12);
  CHECK(search::build_index(site, dir.path() / "sharded" / "xapian", sharded).added == 12);
  CHECK_FALSE(fs::exists(dir.path() / "sharded" / "xapian.shard-0"));  // merged, then removed

  const Xapian::Database a((dir.path() / "one" / "xapian").string());
  const Xapian::Database b((dir.path() / "sharded" / "xapian").string());
  CHECK(b.get_doccount() == 12);
  CHECK(b.get_metadata(std::string(search::schema::kWriterKey)) == "pmkb-test");
  // The same documents under the same numbers, with the same terms.
  for (Xapian::docid id = 1; id <= 12; ++id) {
    INFO(id);
    CHECK(b.get_document(id).get_data() == a.get_document(id).get_data());
    CHECK(std::vector<std::string>(b.termlist_begin(id), b.termlist_end(id)) == std::vector<std::string>(a.termlist_begin(id), a.termlist_end(id)));
  }
  std::vector<std::string> spellings_a, spellings_b, synonyms_a, synonyms_b;
  for (auto it = a.spellings_begin(); it != a.spellings_end(); ++it) spellings_a.push_back(*it + ":" + std::to_string(it.get_termfreq()));
  for (auto it = b.spellings_begin(); it != b.spellings_end(); ++it) spellings_b.push_back(*it + ":" + std::to_string(it.get_termfreq()));
  CHECK(spellings_b == spellings_a);
  for (auto it = a.synonym_keys_begin(); it != a.synonym_keys_end(); ++it) synonyms_a.push_back(*it);
  for (auto it = b.synonym_keys_begin(); it != b.synonym_keys_end(); ++it) synonyms_b.push_back(*it);
  CHECK(synonyms_b == synonyms_a);
  const auto files_a = search::build_static_index(dir.path() / "one" / "xapian");
  const auto files_b = search::build_static_index(dir.path() / "sharded" / "xapian");
  REQUIRE(files_b.size() == files_a.size());
  for (std::size_t i = 0; i < files_a.size(); ++i) {
    INFO(files_a[i].path);
    CHECK(files_b[i].bytes == files_a[i].bytes);
  }
  // The merged index is updated in place like any other.
  search::IndexOptions update = one;
  update.previous = dir.path() / "sharded" / "xapian";
  const auto changed = search::build_index(small_site(kSmallLibrary), dir.path() / "updated" / "xapian", update);
  CHECK(changed.kept == 3);
  CHECK(changed.removed == 9);
}

TEST_CASE("search: synonyms from the cause taxonomy", "[search][synonyms]") {
  const auto synonyms = search::taxonomy_synonyms(config::default_settings().taxonomy);
  REQUIRE(synonyms.count("enospc") == 1);
  const auto& of_enospc = synonyms.at("enospc");
  CHECK(std::find(of_enospc.begin(), of_enospc.end(), "inodes") != of_enospc.end());
  CHECK(std::find(of_enospc.begin(), of_enospc.end(), "enospc") == of_enospc.end());  // never its own synonym
  REQUIRE(synonyms.count("disk full") == 1);  // the cause's id, as a phrase
  for (const auto& [phrase, words] : synonyms) {
    INFO(phrase);
    CHECK(phrase.find('*') == std::string::npos);
    for (const auto& word : words) CHECK(word.find(' ') == std::string::npos);
  }
  // "replica & misconfig*" needs both parts: neither word is a synonym of the cause.
  CHECK(synonyms.count("replica") == 0);

  test::TempDir dir;
  Documents documents = kSmallLibrary;
  documents.push_back({"inodes.md", "# Uploads failed\n\n**Date:** 2025-01-02\n\n## Root cause\n\nThe volume ran out of inodes.\n"});
  search::build_index(small_site(documents), dir.path() / "xapian", {1, std::nullopt, "test"});
  search::SearchRequest request;
  request.query = "enospc";  // no document says it
  const auto results = search::search_site(dir.path(), request);
  REQUIRE(results.hits.size() == 1);
  CHECK(results.hits[0].id == "inodes");
  const auto files = search::build_static_index(dir.path() / "xapian");
  const auto meta = std::find_if(files.begin(), files.end(), [](const auto& f) { return f.path == "search/meta.json"; });
  REQUIRE(meta != files.end());
  CHECK(meta->bytes.find("\"enospc\":[\"inodes\"]") != std::string::npos);
}
