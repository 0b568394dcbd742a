// Every internal link of a built site resolves: relative links work from a sub-path, from a
// static host's root and from disk (file://).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "build/build.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> broken_links(const fs::path& site) {
  std::vector<std::string> broken;
  const std::regex attribute(R"((?:href|src)="([^"]*)\")");
  for (const auto& entry : fs::recursive_directory_iterator(site)) {
    if (entry.path().extension() != ".html") continue;
    std::ifstream in(entry.path());
    std::stringstream html;
    html << in.rdbuf();
    const std::string page = html.str();
    for (auto it = std::sregex_iterator(page.begin(), page.end(), attribute); it != std::sregex_iterator(); ++it) {
      std::string target = (*it)[1];
      if (target.empty() || target[0] == '#' || target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
      target = target.substr(0, target.find_first_of("#?"));
      if (target.empty()) continue;
      if (target[0] == '/') {
        broken.push_back(fs::relative(entry.path(), site).string() + ": root-relative link " + target + " breaks under a sub-path");
        continue;
      }
      fs::path resolved = entry.path().parent_path() / target;
      if (fs::is_directory(resolved)) resolved /= "index.html";
      if (!fs::exists(resolved)) broken.push_back(fs::relative(entry.path(), site).string() + " -> " + (*it)[1].str());
    }
  }
  return broken;
}

}  // namespace

TEST_CASE("links: every internal link of the example site resolves", "[integration][links]") {
  test::TempDir dir;
  build::BuildOptions options;
  options.content_dir = std::string(PMKB_SOURCE_DIR) + "/content";
  options.out_dir = dir.path() / "public";
  build::run_build(options);
  const auto broken = broken_links(options.out_dir);
  INFO((broken.empty() ? std::string() : broken.front()));
  CHECK(broken.empty());
  std::size_t pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(options.out_dir)) pages += e.path().extension() == ".html";
  CHECK(pages > 20);
}

TEST_CASE("links: a site with services, causes and odd names has no broken link", "[integration][links]") {
  test::TempDir dir;
  dir.write("content/a b/Ünïcode name.md", "---\nservices: [Payments API, \"db/primary\"]\nseverity: SEV2\n---\n# Disk full\n\n**Date:** 2024-01-01\n\n## Root cause\n\nThe disk filled up.\n\n## Action items\n\n- [ ] Alert on disk @ops\n\n## Details\n\n### Same heading\n\n### Same heading\n");
  dir.write("content/b.md", "---\nservices: [Payments API]\n---\n# Disk full again\n\n**Date:** 2024-03-01\n\n## Root cause\n\nThe volume ran out of space.\n");
  build::BuildOptions options;
  options.content_dir = dir.path() / "content";
  options.out_dir = dir.path() / "public";
  build::run_build(options);
  const auto broken = broken_links(options.out_dir);
  INFO((broken.empty() ? std::string() : broken.front()));
  CHECK(broken.empty());
  CHECK(fs::exists(options.out_dir / "services/payments-api/index.json"));
  const std::string json = dir.read("public/incidents.json");
  const std::size_t url = json.find("\"url\": \"incidents/a-b");
  REQUIRE(url != std::string::npos);
  const std::string folder = json.substr(url + 8, json.find('"', url + 9) - url - 8);
  const std::string page = dir.read("public/" + folder + "index.html");
  CHECK(page.find("id=\"s-same-heading\"") != std::string::npos);
  CHECK(page.find("id=\"s-same-heading-2\"") != std::string::npos);
}
