#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "build/build.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

// Runs the pmkb binary; returns its exit status and what it printed.
std::pair<int, std::string> run_pmkb(const std::string& args) {
  const std::string command = std::string(PMKB_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void write_small_site(const test::TempDir& dir) {
  dir.write("content/2024/db-failover.md",
            "---\ntitle: Primary failover loop\ndate: 2024-03-10\nseverity: SEV2\nservices: [postgres]\n---\n"
            "## Summary\n\nThe primary flapped.\n\n## Root cause\n\nReplication was misconfigured: the replica used a wrong config.\n\n"
            "## Action items\n\n- [ ] Fix the replica config @dba\n");
  dir.write("content/2024/db-again.md",
            "# Replica lag again\n\n**Date:** 2024-09-01\n\n## Root Cause\n\nThe database replication had an incorrect setting again.\n");
  dir.write("content/empty.md", "");
  dir.write("content/broken.md", "---\ntitle: [broken\n---\n# Broken front matter\n\nStill readable.\n");
}

}  // namespace

TEST_CASE("integration: build writes the site, the index and incidents.json", "[integration]") {
  test::TempDir dir;
  write_small_site(dir);
  build::BuildOptions options = test::site_build_options(dir);
  const auto result = build::run_build(options);
  CHECK(result.summary.documents == 4);
  CHECK(result.summary.incidents == 3);
  for (const char* file : {"index.html", "incidents/2024-db-failover/index.html", "incidents/2024-db-again/index.html",
                           "causes/index.html", "causes/replication-misconfig/index.html", "404.html", "static/style.css",
                           "incidents.json", "xapian/iamglass"}) {
    INFO(file);
    CHECK(fs::exists(options.out_dir / file));
  }
  const auto json = nlohmann::json::parse(dir.read("public/incidents.json"));
  REQUIRE(json["incidents"].size() == 3);
  const auto& first = json["incidents"][0];
  CHECK(first["id"] == "2024-db-again");  // newest first
  CHECK(first["source"] == "2024/db-again.md");
  CHECK(first["url"] == "incidents/2024-db-again/");
  CHECK(first["related"][0]["id"] == "2024-db-failover");
  CHECK(first["related"][0]["reason"] == "same-cause:replication-misconfig");
  CHECK(first["provenance"]["date"]["from"] == "label");
  const auto& failover = json["incidents"][1];
  CHECK(failover["severity"] == "SEV2");
  CHECK(failover["services"] == nlohmann::json::array({"postgres"}));
  CHECK(failover["action_items"][0]["owner"] == "dba");
  CHECK(failover["provenance"]["title"]["from"] == "front-matter");
  const std::string page = dir.read("public/incidents/2024-db-again/index.html");
  CHECK(page.find("../../incidents/2024-db-failover/index.html") != std::string::npos);
  CHECK(page.find("same cause: Replication misconfiguration") != std::string::npos);
  bool broken_reported = false;
  for (const auto& d : result.diagnostics.all()) {
    if (d.rule == "invalid-front-matter") broken_reported = d.where.line == 2 && d.level == diag::Level::Error;
  }
  CHECK(broken_reported);
}

TEST_CASE("integration: the same input builds byte-identical output", "[integration]") {
  test::TempDir dir;
  write_small_site(dir);
  build::BuildOptions options;
  options.content_dir = dir.path() / "content";
  options.out_dir = dir.path() / "a";
  build::run_build(options);
  options.out_dir = dir.path() / "b";
  build::run_build(options);
  // Every file but the Xapian database (its files carry a random UUID) and .pmkb-stamps, which
  // records the sources' inodes and times, and only those that had settled when each build read
  // them (content/file_stamps.h): a slow build (ASan) records some in one build and not another.
  for (const auto& entry : fs::recursive_directory_iterator(dir.path() / "a")) {
    if (!entry.is_regular_file() || entry.path().string().find("xapian") != std::string::npos) continue;
    const auto rel = fs::relative(entry.path(), dir.path() / "a").string();
    if (rel == ".pmkb-stamps") continue;
    INFO(rel);
    CHECK(dir.read("a/" + rel) == dir.read("b/" + rel));
  }
}

TEST_CASE("cli: exit codes and diagnostics format", "[integration][cli]") {
  test::TempDir dir;
  write_small_site(dir);
  const std::string content = (dir.path() / "content").string();
  auto [status, out] = run_pmkb("lint " + content);
  CHECK(status == 1);  // the broken front matter is an error
  CHECK(out.find("broken.md:2:") != std::string::npos);
  CHECK(out.find(": error: invalid YAML front matter") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "public"));  // lint writes nothing

  dir.write("content/broken.md", "# Fixed\n\n**Date:** 2024-01-01\n");
  std::tie(status, out) = run_pmkb("build " + content + " -o " + (dir.path() / "public").string());
  CHECK(status == 0);
  std::tie(status, out) = run_pmkb("build " + content + " -o " + (dir.path() / "public").string() + " --strict");
  CHECK(status == 1);  // warnings (the empty document) fail under --strict
  std::tie(status, out) = run_pmkb("lint " + content + " --format github -q");
  CHECK(out.find("::warning file=") != std::string::npos);

  std::tie(status, out) = run_pmkb("search -s " + (dir.path() / "public").string() + " replication --json");
  CHECK(status == 0);
  const auto json = nlohmann::json::parse(out);
  CHECK(json["total"] == 2);
  CHECK(json["results"][0].contains("snippet"));

  std::tie(status, out) = run_pmkb("build --no-such-flag");
  CHECK(status == 2);
  std::tie(status, out) = run_pmkb("build /nonexistent/dir -o " + (dir.path() / "x").string());
  CHECK(status == 3);
  CHECK(out.find("does not exist") != std::string::npos);
  std::tie(status, out) = run_pmkb("search -s " + (dir.path() / "nothing").string() + " x");
  CHECK(status == 3);
}
