// Walks every HTML page of a built site and checks that each internal href/src resolves to a
// file of the site. Root-relative links ("/x") count as broken: they fail under a sub-path.
//
//   check_links SITE_DIR      prints each broken link; exits 1 when there is any
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: check_links SITE_DIR\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path site = argv[1];
  const std::regex attribute(R"((?:href|src)="([^"]*)\")");
  std::size_t pages = 0;
  std::size_t links = 0;
  std::size_t broken = 0;
  for (const auto& entry : fs::recursive_directory_iterator(site)) {
    if (entry.path().extension() != ".html") continue;
    ++pages;
    std::ifstream in(entry.path());
    std::stringstream html;
    html << in.rdbuf();
    const std::string page = html.str();
    for (auto it = std::sregex_iterator(page.begin(), page.end(), attribute); it != std::sregex_iterator(); ++it) {
      const std::string link = (*it)[1];
      if (link.empty() || link[0] == '#' || link.find("://") != std::string::npos || link.rfind("mailto:", 0) == 0) continue;
      const std::string target = link.substr(0, link.find_first_of("#?"));
      if (target.empty()) continue;
      ++links;
      fs::path resolved = entry.path().parent_path() / target;
      if (fs::is_directory(resolved)) resolved /= "index.html";
      if (target[0] == '/' || !fs::exists(resolved)) {
        ++broken;
        std::cout << fs::relative(entry.path(), site).string() << ": " << link << "\n";
      }
    }
  }
  std::cout << pages << " pages, " << links << " internal links, " << broken << " broken\n";
  return broken == 0 && pages > 0 ? 0 : 1;
}
