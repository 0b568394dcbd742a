#include <catch2/catch.hpp>

#include "cache/extraction_cache.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {

// A postmortem that fills most of the model: front matter, sections, a timeline with times,
// action items with owners, declared causes; with a warning, so that diagnostics are kept.
cache::Extraction rich_extraction() {
  const auto extracted = test::extract_text(
      "---\ntitle: Replication misconfigured\ndate: 2024-03-02\nseverity: SEV2\nservices: [db, api]\n"
      "causes: [replication-misconfig]\nduration: 95\n---\n\n## Summary\n\nWrites failed for 95 minutes.\n\n"
      "## Root cause\n\nA replica was pointed at itself.\n\n## Timeline\n\n- 10:00 UTC alert fired\n"
      "- 11:35 UTC resolved\n- 09:00 UTC back in time\n\n## Action items\n\n- [ ] Add a check @ops\n- [x] Fix the config @sre\n",
      "team/pm-1.md");
  REQUIRE(extracted.incident);
  REQUIRE_FALSE(extracted.diagnostics.all().empty());
  cache::Extraction out;
  out.incident = *extracted.incident;
  out.incident->passages.clear();  // never cached
  out.causes.push_back({"replication-misconfig", "Replication misconfiguration", "a replica", 9, model::CauseSource::Inferred, 2.5});
  out.diagnostics = extracted.diagnostics.all();
  return out;
}

diag::Diagnostic diagnostic(diag::Level level, const std::string& path, const std::string& message) {
  diag::Diagnostic d;
  d.level = level;
  d.where.path = path;
  d.where.line = 2;
  d.where.column = 1;
  d.message = message;
  d.rule = "rule";
  return d;
}

}  // namespace

TEST_CASE("extraction cache: an entry reads back as it was written", "[cache]") {
  const cache::Extraction original = rich_extraction();
  const std::string bytes = cache::encode(original);
  const auto back = cache::decode(bytes);
  REQUIRE(back);
  REQUIRE(back->incident);
  const model::Incident& a = *original.incident;
  const model::Incident& b = *back->incident;
  CHECK(b.id == a.id);
  CHECK(b.title == "Replication misconfigured");
  CHECK(b.date == a.date);
  CHECK(b.start == a.start);
  CHECK(b.duration_minutes == 95);
  CHECK(b.severity == model::Severity::Sev2);
  CHECK(b.services == a.services);
  CHECK(b.root_cause == a.root_cause);
  REQUIRE(b.timeline.size() == a.timeline.size());
  CHECK(b.timeline[0].time == a.timeline[0].time);
  CHECK(b.timeline[1].kind == a.timeline[1].kind);
  REQUIRE(b.action_items.size() == 2);
  CHECK(b.action_items[1].owner == a.action_items[1].owner);
  CHECK(b.action_items[1].status == model::ActionStatus::Done);
  CHECK(b.declared_causes.size() == 1);
  CHECK(b.body_html.text() == a.body_html.text());
  CHECK(b.body_text.text() == a.body_text.text());
  CHECK(b.provenance.size() == a.provenance.size());
  CHECK(b.provenance.at(model::Field::Date).detail == a.provenance.at(model::Field::Date).detail);
  CHECK(b.source_digest == a.source_digest);
  REQUIRE(back->causes.size() == 1);
  CHECK(back->causes[0].score == 2.5);
  REQUIRE(back->diagnostics.size() == original.diagnostics.size());
  CHECK(back->diagnostics[0].message == original.diagnostics[0].message);
  CHECK(back->diagnostics[0].where.line == original.diagnostics[0].where.line);
  // Every field is written: encoding what was read gives the same bytes.
  CHECK(cache::encode(*back) == bytes);

  cache::Extraction not_a_postmortem;
  not_a_postmortem.diagnostics.push_back(diagnostic(diag::Level::Error, "x.md", "not UTF-8"));
  const auto empty = cache::decode(cache::encode(not_a_postmortem));
  REQUIRE(empty);
  CHECK_FALSE(empty->incident);
  CHECK(empty->diagnostics.size() == 1);
}

TEST_CASE("extraction cache: damaged bytes are refused, never trusted or crashed on", "[cache]") {
  const std::string bytes = cache::encode(rich_extraction());
  // Every truncation is refused.
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    INFO(size);
    CHECK_FALSE(cache::decode(std::string_view(bytes).substr(0, size)));
  }
  CHECK_FALSE(cache::decode(bytes + "x"));
  // The same for packed entries, whose deflated bytes are checked too.
  const std::string packed = cache::pack(rich_extraction());
  CHECK(packed.size() < bytes.size());
  REQUIRE(cache::unpack(packed));
  for (std::size_t size = 0; size < packed.size(); ++size) CHECK_FALSE(cache::unpack(std::string_view(packed).substr(0, size)));
  for (std::size_t at = 0; at < packed.size(); ++at) {
    std::string flipped = packed;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    (void)cache::unpack(flipped);
  }
  // A size that deflate could not have made is not allocated.
  CHECK_FALSE(cache::unpack(std::string("\xff\xff\xff\xff\xff\xff\xff\x7f") + "x"));
  // Flipped bytes either fail to decode or decode to something; they never crash or read out of bounds.
  for (std::size_t at = 0; at < bytes.size(); at += 7) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0xFF);
    (void)cache::decode(flipped);
  }
}

TEST_CASE("extraction cache: a file serves its own environment, and keeps what is intact", "[cache]") {
  test::TempDir dir;
  const cache::Extraction first = rich_extraction();
  cache::Extraction second;
  second.diagnostics.push_back(diagnostic(diag::Level::Warning, "b.md", "second"));
  const std::string file = cache::file_header(42) + cache::file_record(1, cache::pack(first)) + cache::file_record(2, cache::pack(second));
  dir.write("cache", file);

  const auto cache = cache::ExtractionCache::read(dir.path() / "cache", 42);
  CHECK(cache.size() == 2);
  CHECK(cache.keys() == std::vector<std::uint64_t>{1, 2});
  CHECK(cache::ExtractionCache::parse(file, 42).keys() == cache.keys());
  REQUIRE(cache.find(1));
  const auto one = cache::unpack(*cache.find(1));
  REQUIRE(one);
  CHECK(one->incident->title == "Replication misconfigured");
  REQUIRE(cache.find(2));
  CHECK(cache::unpack(*cache.find(2))->diagnostics.at(0).message == "second");
  CHECK_FALSE(cache.find(3));

  // Another environment (another pmkb or config), a missing file: nothing.
  CHECK(cache::ExtractionCache::read(dir.path() / "cache", 43).size() == 0);
  CHECK(cache::ExtractionCache::read(dir.path() / "missing", 42).size() == 0);
  dir.write("garbage", "not a cache at all");
  CHECK(cache::ExtractionCache::read(dir.path() / "garbage", 42).size() == 0);

  // A truncated file keeps the entries before the cut.
  dir.write("truncated", file.substr(0, file.size() - 3));
  const auto truncated = cache::ExtractionCache::read(dir.path() / "truncated", 42);
  CHECK(truncated.find(1));
  CHECK_FALSE(truncated.find(2));

  // A damaged entry is dropped by its checksum; the others stay.
  std::string damaged = file;
  damaged[file.size() / 2] = static_cast<char>(damaged[file.size() / 2] ^ 0x01);
  dir.write("damaged", damaged);
  const auto checked = cache::ExtractionCache::read(dir.path() / "damaged", 42);
  CHECK_FALSE(checked.find(1));
  CHECK(checked.find(2));
}
