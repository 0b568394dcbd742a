#include "fuzz/harness.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "analyze/classifier.h"
#include "build/build.h"
#include "config/settings_loader.h"
#include "content/front_matter.h"
#include "content/loader.h"
#include "diag/diagnostics.h"
#include "cache/extraction_cache.h"
#include "extract/dates.h"
#include "extract/incident_extractor.h"
#include "markdown/parsed_document.h"
#include "search/query.h"
#include "serve/site_server.h"

namespace pmkb::fuzz {

namespace fs = std::filesystem;

namespace {

// A broken contract: print what and abort, so that libFuzzer (or the replay test) sees a crash.
[[noreturn]] void violated(const std::string& what) {
  std::fprintf(stderr, "pmkb fuzz: contract violated: %s\n", what.c_str());
  std::abort();
}

void expect(bool condition, const char* what) {
  if (!condition) violated(what);
}

int line_count(std::string_view text) {
  return 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// Every diagnostic names the file and a line of it (or 0: the whole file).
void expect_located(const diag::Diagnostics& diagnostics, const std::string& path, int lines) {
  for (const auto& d : diagnostics.all()) {
    if (d.where.path != path) violated("diagnostic for another path: " + d.where.path);
    if (d.where.line < 0 || d.where.line > lines + 1 || d.where.column < 0) {
      violated("diagnostic at " + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + " outside " +
               std::to_string(lines) + " lines [" + d.rule + "]");
    }
    if (d.message.empty() || d.rule.empty()) violated("diagnostic without message or rule");
  }
}

void expect_valid_date(const model::CivilDate& date) {
  expect(date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= 31, "date out of range");
}

const model::Settings& settings() {
  static const model::Settings defaults = config::default_settings();
  return defaults;
}

struct Extraction {
  content::SourceFile source;
  std::optional<model::Incident> incident;
  int lines = 0;
};

// load -> front matter -> Markdown -> extraction, checking the extractor's contract.
Extraction extract(std::string_view bytes) {
  Extraction out;
  diag::Diagnostics d;
  out.source = content::make_source_file("doc.md", "doc.md", bytes, d);
  out.lines = line_count(out.source.text);
  const content::SplitDocument split = content::split_front_matter(out.source, d);
  const markdown::ParsedDocument doc =
      markdown::parse_markdown(split.body, split.body_first_line, {settings().unsafe_html});
  for (const auto& block : doc.blocks) {
    expect(block.line >= 0 && block.line <= out.lines + 1, "block line outside the document");
  }
  out.incident = extract::extract_incident(out.source, split, doc, settings(), d);
  expect_located(d, "doc.md", out.lines);
  if (const auto& incident = out.incident) {
    expect(!incident->slug.empty(), "empty slug");
    for (char c : incident->slug) {
      expect((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-', "slug outside [a-z0-9-]");
    }
    if (incident->date) expect_valid_date(*incident->date);
    if (incident->duration_minutes) expect(*incident->duration_minutes >= 0, "negative duration");
    for (const auto& entry : incident->timeline) {
      expect(entry.line >= 1 && entry.line <= out.lines, "timeline entry line outside the document");
      if (entry.time) expect_valid_date(entry.time->date);
    }
    for (const auto& item : incident->action_items) {
      expect(item.line >= 1 && item.line <= out.lines, "action item line outside the document");
    }
  }
  return out;
}

// The small library the query target searches, built once per process.
class QuerySite {
 public:
  QuerySite() {
    char pattern[] = "/tmp/pmkb-fuzz-query-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) violated("cannot create a temporary directory");
    root_ = pattern;
    write("content/redis.md",
          "---\ntitle: Redis AOF corruption\ndate: 2024-03-10\nseverity: SEV2\nservices: [redis, api]\n---\n"
          "## Root cause\n\nThe AOF file was corrupted after the disk filled up.\n\n## Timeline\n\n"
          "- 10:00 alert fired\n- 10:30 restored from backup\n");
    write("content/dns.md",
          "# DNS outage\n\n**Date:** 2023-11-02\n**Severity:** SEV1\n\n## Root Cause\n\n"
          "An expired certificate on the resolver; 障害は証明書の期限切れ。\n");
    write("content/db.md",
          "+++\ntitle = \"Replication lag\"\ndate = 2022-01-05\n+++\n## Ursache\n\nDie Replikation war falsch "
          "konfiguriert.\n\n## Action items\n\n- [ ] Fix the replica config @dba\n");
    build::BuildOptions options;
    options.content_dir = root_ / "content";
    options.out_dir = root_ / "public";
    build::run_build(options);
    searcher_ = std::make_unique<search::Searcher>(options.out_dir);
  }
  ~QuerySite() {
    searcher_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  search::Searcher& searcher() { return *searcher_; }
  fs::path site() const { return root_ / "public"; }

 private:
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  fs::path root_;
  std::unique_ptr<search::Searcher> searcher_;
};

QuerySite& query_site() {
  static QuerySite site;  // destroyed at exit, which removes the directory
  return site;
}

std::vector<std::string_view> split_lines(std::string_view bytes) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= bytes.size()) {
    const std::size_t end = std::min(bytes.find('\n', start), bytes.size());
    out.push_back(bytes.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

void front_matter(std::string_view bytes) {
  diag::Diagnostics d;
  const content::SourceFile source = content::make_source_file("doc.md", "doc.md", bytes, d);
  const int lines = line_count(source.text);
  const content::SplitDocument split = content::split_front_matter(source, d);
  expect(source.text.ends_with(split.body), "the body is not the end of the document");
  expect(split.body_first_line >= 1 && split.body_first_line <= lines + 1, "body starts outside the document");
  for (const auto& [key, value] : split.front_matter.values) {
    expect(value.line >= 1 && value.line <= lines, "front matter value line outside the document");
  }
  expect_located(d, "doc.md", lines);

  // pmkb.yaml goes through the same YAML library. Each parse starts from the built-in
  // taxonomy and vocabulary, which is slow, so only one input in eight is also read as
  // pmkb.yaml. `taxonomy_file:` names a file to read, which a fuzzer must not point at
  // /dev/zero; the maintainer's config may.
  if (bytes.size() % 8 == 0 && source.text.find("taxonomy_file") == std::string::npos) {
    diag::Diagnostics settings_diagnostics;
    config::parse_settings(source.text, "pmkb.yaml", "/nonexistent", settings_diagnostics);
  }
}

void extract_document(std::string_view bytes) { extract(bytes); }

void dates(std::string_view bytes) {
  for (const auto order : {extract::DayOrder::MonthFirst, extract::DayOrder::DayFirst}) {
    for (std::size_t from = 0; from <= bytes.size();) {
      const auto hit = extract::find_date(bytes, order, 2024, from);
      if (!hit) break;
      expect(hit->pos >= from && hit->length > 0 && hit->pos + hit->length <= bytes.size(), "date hit outside the text");
      expect_valid_date(hit->date);
      from = hit->pos + hit->length;
    }
  }
  for (std::size_t from = 0; from <= bytes.size();) {
    const auto hit = extract::find_time(bytes, from);
    if (!hit) break;
    expect(hit->pos >= from && hit->length > 0 && hit->pos + hit->length <= bytes.size(), "time hit outside the text");
    expect(hit->minute_of_day >= 0 && hit->minute_of_day < 24 * 60, "time of day out of range");
    from = hit->pos + hit->length;
  }
  for (const auto& line : split_lines(bytes)) {
    if (const auto stamp = extract::find_leading_stamp(line, extract::DayOrder::MonthFirst, 2024)) {
      expect(stamp->length <= line.size(), "stamp longer than its line");
      if (stamp->date) expect_valid_date(stamp->date->date);
    }
    extract::find_time_window(line);
    extract::find_stated_window(line);
    if (const auto minutes = extract::find_duration(line)) expect(*minutes >= 0, "negative duration");
    if (const auto minutes = extract::find_stated_duration(line)) expect(*minutes >= 0, "negative stated duration");
  }
}

void classify(std::string_view bytes) {
  const Extraction extraction = extract(bytes);
  if (!extraction.incident) return;
  for (const auto& match : analyze::classify_incident(*extraction.incident, settings().taxonomy)) {
    expect(settings().taxonomy.find(match.id) != nullptr, "a cause outside the taxonomy");
    expect(match.line >= 0 && match.line <= extraction.lines, "evidence line outside the document");
  }
}

void query(std::string_view bytes) {
  QuerySite& site = query_site();
  // Line 1 is the query; later lines, when present, are filters and the sort order.
  const std::vector<std::string_view> lines = split_lines(bytes);
  search::SearchRequest request;
  request.query = std::string(lines[0].substr(0, serve::kMaxQueryBytes));
  const auto field = [&](std::size_t i) { return i < lines.size() ? std::string(lines[i]) : std::string(); };
  if (!field(1).empty()) request.severities.push_back(field(1));
  if (!field(2).empty()) request.services.push_back(field(2));
  if (!field(3).empty()) request.causes.push_back(field(3));
  if (!field(4).empty()) request.since = field(4);
  if (!field(5).empty()) request.until = field(5);
  if (!field(6).empty()) request.sort = static_cast<search::SortOrder>(static_cast<unsigned char>(field(6)[0]) % 3);
  request.limit = 1 + bytes.size() % serve::kMaxLimit;
  try {
    const search::SearchResults results = site.searcher().search(request);
    expect(results.hits.size() <= request.limit, "more hits than the limit");
    for (const auto& hit : results.hits) expect(hit.score >= 0 && hit.score <= 100, "score outside 0..100");
    search::to_json(results);
  } catch (const std::invalid_argument&) {
    // A malformed query or date: the documented answer (400 from the server).
  }

  // The same bytes as the path of a request to pmkb serve.
  const std::string url = "/" + std::string(lines[0]);
  const serve::Resolved resolved = serve::resolve_site_path(site.site(), url);
  if (resolved.status == 200) {
    const std::string root = fs::canonical(site.site()).string() + "/";
    expect(resolved.file.string().compare(0, root.size(), root) == 0, "a served file outside the site");
  } else {
    expect(resolved.status == 400 || resolved.status == 404, "a path resolved to a status other than 200/400/404");
  }
}

void cache(std::string_view bytes) {
  // The environment is the header's last eight bytes (little-endian), as file_header() writes it.
  const std::size_t header = cache::file_header(0).size();
  std::uint64_t environment = 0;
  for (std::size_t i = 0; i < 8 && header - 8 + i < bytes.size(); ++i) {
    environment |= std::uint64_t{static_cast<unsigned char>(bytes[header - 8 + i])} << (8 * i);
  }
  const cache::ExtractionCache file = cache::ExtractionCache::parse(std::string(bytes), environment);
  for (const std::uint64_t key : file.keys()) {
    const auto packed = file.find(key);
    expect(packed.has_value(), "a listed key is not found");
    if (const auto unpacked = cache::unpack(*packed)) {
      const auto again = cache::unpack(cache::pack(*unpacked));
      expect(again && cache::encode(*again) == cache::encode(*unpacked), "an entry does not survive pack and unpack");
    }
  }
  if (const auto decoded = cache::decode(bytes)) {
    const std::string encoded = cache::encode(*decoded);
    const auto again = cache::decode(encoded);
    expect(again.has_value() && cache::encode(*again) == encoded, "an entry does not survive encode and decode");
  }
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {{"front_matter", front_matter},
                                          {"extract", extract_document},
                                          {"dates", dates},
                                          {"classify", classify},
                                          {"query", query},
                                          {"cache", cache}};
  return all;
}

}  // namespace pmkb::fuzz
