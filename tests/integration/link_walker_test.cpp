// Every internal link of a built site resolves: relative links work from a sub-path, from a
// static host's root and from disk (file://).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <cstdio>
#include <sys/wait.h>

#include "build/build.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

// Runs bench/check_links over a built site: its output lists the broken links.
std::pair<int, std::string> check_links(const fs::path& site) {
  const std::string command = std::string(PMKB_CHECK_LINKS) + " '" + site.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("links: every internal link of the example site resolves", "[integration][links]") {
  test::TempDir dir;
  build::BuildOptions options;
  options.content_dir = std::string(PMKB_SOURCE_DIR) + "/content";
  options.out_dir = dir.path() / "public";
  build::run_build(options);
  const auto [status, report] = check_links(options.out_dir);
  INFO(report);
  CHECK(status == 0);
  std::size_t pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(options.out_dir)) pages += e.path().extension() == ".html";
  CHECK(pages > 20);
}

TEST_CASE("links: a site with services, causes and odd names has no broken link", "[integration][links]") {
  test::TempDir dir;
  dir.write("content/a b/Ünïcode name.md", "---\nservices: [Payments API, \"db/primary\"]\nseverity: SEV2\n---\n# Disk full\n\n**Date:** 2024-01-01\n\n## Root cause\n\nThe disk filled up.\n\n## Action items\n\n- [ ] Alert on disk @ops\n\n## Details\n\n### Same heading\n\n### Same heading\n");
  dir.write("content/b.md", "---\nservices: [Payments API]\n---\n# Disk full again\n\n**Date:** 2024-03-01\n\n## Root cause\n\nThe volume ran out of space.\n");
  build::BuildOptions options = test::site_build_options(dir);
  build::run_build(options);
  const auto [status, report] = check_links(options.out_dir);
  INFO(report);
  CHECK(status == 0);
  CHECK(fs::exists(options.out_dir / "services/payments-api/index.json"));
  const std::string json = dir.read("public/incidents.json");
  const std::size_t url = json.find("\"url\": \"incidents/a-b");
  REQUIRE(url != std::string::npos);
  const std::string folder = json.substr(url + 8, json.find('"', url + 9) - url - 8);
  const std::string page = dir.read("public/" + folder + "index.html");
  CHECK(page.find("id=\"s-same-heading\"") != std::string::npos);
  CHECK(page.find("id=\"s-same-heading-2\"") != std::string::npos);
}

TEST_CASE("links: links between postmortems point at the incidents' pages", "[integration][links]") {
  test::TempDir dir;
  dir.write("content/2024/first.md", "# First\n\nSee [the follow-up](../2025/second.md#fix) and [a missing one](gone.md).\n");
  dir.write("content/2025/second.md", "# Second\n\n## Fix\n\nBack to [the first](../2024/first.md).\n");
  build::BuildOptions options = test::site_build_options(dir);
  const auto result = build::run_build(options);
  CHECK(dir.read("public/incidents/2024-first/index.html").find("href=\"../../incidents/2025-second/index.html\"") != std::string::npos);
  CHECK(dir.read("public/incidents/2025-second/index.html").find("href=\"../../incidents/2024-first/index.html\"") != std::string::npos);
  const auto& all = result.diagnostics.all();
  CHECK(std::count_if(all.begin(), all.end(), [](const auto& d) { return d.rule == "broken-link" && d.message.find("gone.md") != std::string::npos; }) == 1);
  CHECK(check_links(options.out_dir).first == 0);
}
