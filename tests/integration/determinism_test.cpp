// The same input gives byte-identical output whatever -j, the order files were created in,
// the locale or TZ; and a rebuild leaves the files it did not change untouched.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <clocale>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <ctime>
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "build/build.h"
#include "cache/extraction_cache.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

// A small library with recurring causes, services, timelines and actions, written in the
// given order (the file system hands directory entries back in creation-dependent order).
void write_library(const test::TempDir& dir, bool reversed) {
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < 24; ++i) {
    const std::string n = std::to_string(i);
    const std::string cause = i % 3 == 0 ? "The disk was full: no space left on device on the log volume."
                              : i % 3 == 1 ? "Replication was misconfigured; the replica used a wrong config."
                                           : "A TLS certificate expired because renewal failed.";
    files.emplace_back("team-" + std::to_string(i % 4) + "/pm-" + n + ".md",
                       "---\ntitle: Incident " + n + " on service " + std::to_string(i % 5) + "\ndate: 2024-0" +
                           std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10) + "\nseverity: SEV" + std::to_string(1 + i % 4) +
                           "\nservices: [svc-" + std::to_string(i % 5) + "]\n---\n## Summary\n\nCustomers saw errors for " +
                           std::to_string(10 + i) + " minutes. Ünïcode ✓ and <b>html</b>.\n\n## Root cause\n\n" + cause +
                           "\n\n## Timeline\n\n- 10:0" + std::to_string(i % 10) + " UTC alert fired\n- 10:30 UTC mitigated\n\n"
                           "## Action items\n\n- [ ] Add an alert @ops\n- [x] Write a runbook @sre\n");
  }
  if (reversed) std::reverse(files.begin(), files.end());
  for (const auto& [path, text] : files) dir.write("content/" + path, text);
}

// Every file under `root` by relative path, but the Xapian database (whose files carry a
// random UUID; its contents are checked through the static index, which is read from it)
// and the build's own records, .pmkb-state, .pmkb-cache and .pmkb-stamps, which name the input
// paths it was built from (the cache is compared on its own, between builds of the same folder),
// and the stamps hold the files' inodes and times.
std::map<std::string, std::string> read_tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string rel = fs::relative(entry.path(), root).generic_string();
    if (!entry.is_regular_file() || rel.starts_with("xapian/") || rel == ".pmkb-state" || rel == ".pmkb-cache" ||
        rel == ".pmkb-stamps") {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    files[rel] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

using Tree = std::map<std::string, std::string>;

void require_same_tree(const Tree& reference, const Tree& other) {
  REQUIRE(other.size() == reference.size());
  for (const auto& [path, bytes] : reference) {
    INFO(path);
    REQUIRE(other.count(path) == 1);
    CHECK(other.at(path) == bytes);
  }
}

std::map<std::string, std::string> build_tree(const test::TempDir& dir, const std::string& out, unsigned jobs) {
  build::BuildOptions options = test::site_build_options(dir);
  options.out_dir = dir.path() / out;
  options.jobs = jobs;
  build::run_build(options);
  return read_tree(options.out_dir);
}

// Builds the library in `dir` into public/ (then rebuilt incrementally), and the options of a
// clean build of the same content into clean/, to compare with.
struct RebuildAndClean {
  build::BuildOptions incremental;
  build::BuildOptions clean;
};

RebuildAndClean built_library(const test::TempDir& dir) {
  RebuildAndClean out{test::site_build_options(dir), {}};
  build::run_build(out.incremental);
  out.clean = out.incremental;
  out.clean.out_dir = dir.path() / "clean";
  out.clean.clean = true;
  return out;
}

// Sets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
    ::tzset();
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
    ::tzset();
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("determinism: -j, file order, TZ and locale do not change a byte", "[integration][determinism]") {
  test::TempDir first;
  test::TempDir second;
  write_library(first, false);
  write_library(second, true);
  const auto reference = build_tree(first, "public", 1);
  REQUIRE(reference.size() > 40);
  REQUIRE(reference.count("search/meta.json") == 1);

  const std::map<std::string, std::string> parallel = build_tree(first, "public-j4", 4);
  std::map<std::string, std::string> elsewhere;
  {
    const ScopedEnv tz("TZ", "Pacific/Kiritimati");
    // pmkb never calls setlocale; even if the process's locale is changed, nothing moves.
    const char* old_locale = std::setlocale(LC_ALL, "C.UTF-8");
    const std::string restore = old_locale ? old_locale : "C";
    elsewhere = build_tree(second, "public", 3);
    std::setlocale(LC_ALL, restore.c_str());
  }
  require_same_tree(reference, parallel);
  require_same_tree(reference, elsewhere);
  // The extraction cache of the same folder does not depend on -j either.
  const std::string cache = first.read("public/.pmkb-cache");
  CHECK(cache.starts_with("pmkb-extraction-cache"));
  CHECK(cache == first.read("public-j4/.pmkb-cache"));
}

TEST_CASE("rebuild: unchanged files keep their inode and mtime, changed ones are rewritten", "[integration][incremental]") {
  test::TempDir dir;
  write_library(dir, false);
  build::BuildOptions options = test::site_build_options(dir);
  build::run_build(options);
  const auto stat_of = [&](const std::string& rel) {
    struct stat st {};
    REQUIRE(::stat((options.out_dir / rel).c_str(), &st) == 0);
    return st;
  };
  const auto untouched = stat_of("incidents/team-2-pm-6/index.html");
  const auto edited = stat_of("incidents/team-1-pm-5/index.html");

  dir.write("content/team-1/pm-5.md", "# Incident 5 renamed\n\n## Root cause\n\nThe disk was full.\n");
  build::run_build(options);
  const auto untouched_after = stat_of("incidents/team-2-pm-6/index.html");
  CHECK(untouched_after.st_ino == untouched.st_ino);
  CHECK(untouched_after.st_mtim.tv_sec == untouched.st_mtim.tv_sec);
  CHECK(untouched_after.st_mtim.tv_nsec == untouched.st_mtim.tv_nsec);
  CHECK(stat_of("incidents/team-1-pm-5/index.html").st_ino != edited.st_ino);
  CHECK(dir.read("public/incidents/team-1-pm-5/index.html").find("Incident 5 renamed") != std::string::npos);
}

TEST_CASE("rebuild: an incident page whose inputs did not change is kept, not rendered again", "[integration][incremental]") {
  test::TempDir dir;
  write_library(dir, false);
  build::BuildOptions options = test::site_build_options(dir);
  build::run_build(options);
  // Marks a page of the built site, so that a page rendered again shows it lost the mark.
  const auto mark = [&](const std::string& rel) {
    const fs::path page = options.out_dir / rel;
    std::string bytes = dir.read("public/" + rel) + "<!-- kept -->";
    fs::remove(page);  // a new inode: the mark must not reach the previous build's hard links
    std::ofstream(page, std::ios::binary) << bytes;
  };
  const std::string untouched = "incidents/team-2-pm-6/index.html";
  const std::string edited = "incidents/team-1-pm-5/index.html";
  // Pages that list incidents are kept the same way: svc-2's lists neither pm-5 nor pm-6.
  const std::string untouched_listing = "services/svc-2/index.html";
  const std::string edited_listing = "services/svc-0/index.html";
  mark(untouched);
  mark(edited);
  mark(untouched_listing);
  mark(edited_listing);
  mark("index.html");

  dir.write("content/team-1/pm-5.md", "# Incident 5 renamed\n\n## Root cause\n\nThe disk was full.\n");
  build::run_build(options);
  CHECK(dir.read("public/" + untouched).ends_with("<!-- kept -->"));
  CHECK_FALSE(dir.read("public/" + edited).ends_with("<!-- kept -->"));
  CHECK(dir.read("public/" + edited).find("Incident 5 renamed") != std::string::npos);
  CHECK(dir.read("public/" + untouched_listing).ends_with("<!-- kept -->"));
  CHECK_FALSE(dir.read("public/" + edited_listing).ends_with("<!-- kept -->"));
  CHECK(dir.read("public/" + edited_listing).find("Incident 5 renamed") == std::string::npos);  // no longer a svc-0 incident
  CHECK_FALSE(dir.read("public/index.html").ends_with("<!-- kept -->"));
  CHECK(dir.read("public/index.html").find("Incident 5 renamed") != std::string::npos);

  // A paragraph added to a postmortem changes its page, not the pages that list it.
  mark("index.html");
  mark("actions/index.html");
  dir.write("content/team-2/pm-2.md", dir.read("content/team-2/pm-2.md") + "\nA follow-up review added one more lesson.\n");
  build::run_build(options);
  CHECK(dir.read("public/incidents/team-2-pm-2/index.html").find("one more lesson") != std::string::npos);
  CHECK(dir.read("public/index.html").ends_with("<!-- kept -->"));
  CHECK(dir.read("public/actions/index.html").ends_with("<!-- kept -->"));
  CHECK(dir.read("public/" + untouched_listing).ends_with("<!-- kept -->"));

  // A page missing from the previous site is rendered.
  fs::remove(options.out_dir / untouched);
  dir.write("content/team-1/pm-5.md", "# Incident 5 renamed twice\n");
  build::run_build(options);
  CHECK(dir.read("public/" + untouched).find("Incident 6") != std::string::npos);

  // Another config renders every page again.
  dir.write("content/pmkb.yaml", "title: Renamed library\n");
  build::run_build(options);
  CHECK_FALSE(dir.read("public/" + untouched).ends_with("<!-- kept -->"));
  CHECK(dir.read("public/" + untouched).find("Renamed library") != std::string::npos);

  // So does --clean.
  mark(untouched);
  dir.write("content/team-1/pm-5.md", "# Incident 5 renamed three times\n");
  options.clean = true;
  build::run_build(options);
  CHECK_FALSE(dir.read("public/" + untouched).ends_with("<!-- kept -->"));
}

TEST_CASE("rebuild: unchanged inputs are not rebuilt, and report the same diagnostics", "[integration][incremental]") {
  test::TempDir dir;
  write_library(dir, false);
  dir.write("content/bad.md", "---\ntitle: [unclosed\n---\n# Bad front matter\n");
  build::BuildOptions options = test::site_build_options(dir);
  const auto first = build::run_build(options);
  REQUIRE_FALSE(first.summary.unchanged);
  REQUIRE(first.diagnostics.count(diag::Level::Error) > 0);

  const auto again = build::run_build(options);
  CHECK(again.summary.unchanged);
  CHECK(again.summary.incidents == first.summary.incidents);
  CHECK(diag::format_json(again.diagnostics.sorted()) == diag::format_json(first.diagnostics.sorted()));

  options.clean = true;
  CHECK_FALSE(build::run_build(options).summary.unchanged);
  options.clean = false;

  dir.write("content/pmkb.yaml", "title: Renamed library\n");
  const auto configured = build::run_build(options);
  CHECK_FALSE(configured.summary.unchanged);
  CHECK(dir.read("public/index.html").find("Renamed library") != std::string::npos);

  dir.write("content/team-0/pm-0.md", "# Edited\n");
  CHECK_FALSE(build::run_build(options).summary.unchanged);
  CHECK(build::run_build(options).summary.unchanged);
}

TEST_CASE("rebuild: after add, edit, rename and delete, the site equals a clean build", "[integration][incremental]") {
  test::TempDir dir;
  write_library(dir, false);
  const auto [incremental, clean] = built_library(dir);

  const std::vector<std::function<void()>> steps = {
      [&] { dir.write("content/team-9/new.md", "# Added later\n\n## Root cause\n\nThe disk was full again.\n"); },
      [&] { dir.write("content/team-1/pm-5.md", "# Edited\n\n## Root cause\n\nA certificate expired.\n"); },
      [&] { fs::rename(dir.path() / "content/team-2/pm-6.md", dir.path() / "content/team-2/renamed.md"); },
      [&] { fs::remove(dir.path() / "content/team-3/pm-7.md"); },
      // A page's links to other postmortems follow them: linked, then the target gone.
      [&] { dir.write("content/team-0/links.md", "# Links\n\nSee [the new one](../team-9/new.md).\n"); },
      [&] { fs::remove(dir.path() / "content/team-9/new.md"); },
      [&] { dir.write("content/team-9/new.md", "# Back again\n\n## Root cause\n\nThe disk was full.\n"); },
      // Pages that list an incident as related show its new title.
      [&] { dir.write("content/team-1/pm-9.md", "# Retitled incident 9\n\n## Root cause\n\nReplication was misconfigured.\n"); },
  };
  for (std::size_t step = 0; step < steps.size(); ++step) {
    steps[step]();
    build::run_build(incremental);
    build::run_build(clean);
    INFO("step " << step);
    require_same_tree(read_tree(clean.out_dir), read_tree(incremental.out_dir));
    // The extraction cache, carried from build to build, equals a fresh one.
    CHECK(dir.read("public/.pmkb-cache") == dir.read("clean/.pmkb-cache"));
  }
}

TEST_CASE("rebuild: sources whose cached extraction cannot be read back are read and extracted again", "[integration][incremental]") {
  // A rebuild loads the sources that the cache holds without their text. Here every entry
  // passes its checksum but is not an extraction: each source must be read again, not lost.
  test::TempDir dir;
  write_library(dir, false);
  const auto [incremental, clean] = built_library(dir);
  const std::string bytes = dir.read("public/.pmkb-cache");
  const std::size_t header = bytes.find('\n') + 1;
  REQUIRE(header > 1);
  std::uint64_t environment = 0;
  for (int i = 0; i < 8; ++i) environment |= std::uint64_t{static_cast<unsigned char>(bytes[header + i])} << (8 * i);
  const cache::ExtractionCache cached = cache::ExtractionCache::parse(bytes, environment);
  REQUIRE(cached.size() == 24);
  std::string damaged = cache::file_header(environment);
  for (const std::uint64_t key : cached.keys()) damaged += cache::file_record(key, "not an extraction");
  dir.write("public/.pmkb-cache", damaged);

  dir.write("content/team-1/pm-5.md", "# Edited\n\n## Root cause\n\nA certificate expired.\n");
  const build::BuildResult rebuilt = build::run_build(incremental);
  CHECK(rebuilt.summary.incidents == 24);
  build::run_build(clean);
  require_same_tree(read_tree(clean.out_dir), read_tree(incremental.out_dir));
  CHECK(dir.read("public/.pmkb-cache") == dir.read("clean/.pmkb-cache"));
}

TEST_CASE("rebuild: an edit that leaves every gist alone keeps the similarity analysis, exactly", "[integration][incremental]") {
  test::TempDir dir;
  write_library(dir, false);
  const auto [incremental, clean] = built_library(dir);
  const auto stages = [](const build::BuildResult& result) {
    std::vector<std::string> names;
    for (const auto& [name, seconds] : result.summary.stage_seconds) names.push_back(name);
    return names;
  };
  const auto kept = [&](const build::BuildResult& result) {
    const auto names = stages(result);
    return std::find(names.begin(), names.end(), "similarity (kept)") != names.end();
  };

  // A new timeline entry and an action item closed: title, summary and root cause as they were.
  std::string pm3 = dir.read("content/team-3/pm-3.md");
  pm3.replace(pm3.find("- 10:30 UTC mitigated"), 21, "- 10:30 UTC mitigated\n- 11:00 UTC all clear");
  pm3.replace(pm3.find("- [ ] Add an alert"), 5, "- [x]");
  dir.write("content/team-3/pm-3.md", pm3);
  CHECK(kept(build::run_build(incremental)));
  CHECK_FALSE(kept(build::run_build(clean)));
  require_same_tree(read_tree(clean.out_dir), read_tree(incremental.out_dir));
  CHECK(dir.read("public/incidents/team-3-pm-3/index.html").find("all clear") != std::string::npos);

  // A new root cause is measured again.
  dir.write("content/team-3/pm-3.md", "# Incident 3\n\n## Root cause\n\nA TLS certificate expired because renewal failed.\n");
  CHECK_FALSE(kept(build::run_build(incremental)));
  build::run_build(clean);
  require_same_tree(read_tree(clean.out_dir), read_tree(incremental.out_dir));

  // A damaged record is measured again, not trusted.
  dir.write("public/.pmkb-analysis", "{\"version\":1");
  dir.write("content/team-2/pm-2.md", dir.read("content/team-2/pm-2.md") + "\nOne more note.\n");
  CHECK_FALSE(kept(build::run_build(incremental)));
  build::run_build(clean);
  require_same_tree(read_tree(clean.out_dir), read_tree(incremental.out_dir));
}

TEST_CASE("rebuild: a config that changes extraction is not served from the cache", "[integration][incremental]") {
  test::TempDir dir;
  dir.write("content/a.md", "---\nservices: [pg]\n---\n# Database down\n\n## Root cause\n\nThe disk was full.\n");
  build::BuildOptions options = test::site_build_options(dir);
  build::run_build(options);
  CHECK(dir.read("public/incidents.json").find("\"pg\"") != std::string::npos);
  dir.write("content/pmkb.yaml", "services:\n  aliases:\n    pg: postgres\n");
  build::run_build(options);
  CHECK(dir.read("public/incidents.json").find("\"postgres\"") != std::string::npos);
  CHECK(dir.read("public/incidents.json").find("\"pg\"") == std::string::npos);
}
