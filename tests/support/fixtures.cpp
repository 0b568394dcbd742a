#include "support/fixtures.h"

#include <atomic>
#include <random>
#include <sstream>
#include <unistd.h>

#include "analyze/library.h"

namespace pmkb::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() / ("pmkb-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

void TempDir::write(const std::string& rel, const std::string& bytes) const {
  const fs::path file = path_ / rel;
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << bytes;
}

std::string TempDir::read(const std::string& rel) const {
  std::ifstream in(path_ / rel, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool Extracted::has(const std::string& rule) const { return line_of(rule) != -1; }

int Extracted::line_of(const std::string& rule) const {
  for (const auto& d : diagnostics.all()) {
    if (d.rule == rule) return d.where.line;
  }
  return -1;
}

Extracted extract_text(const std::string& text, const std::string& path, const model::Settings& settings) {
  Extracted out;
  const content::SourceFile source = content::make_source_file(path, path, text, out.diagnostics);
  const content::SplitDocument split = content::split_front_matter(source, out.diagnostics);
  const markdown::ParsedDocument doc = markdown::parse_markdown(split.body, split.body_first_line, {settings.unsafe_html});
  out.incident = extract::extract_incident(source, split, doc, settings, out.diagnostics);
  return out;
}

build::BuildOptions site_build_options(const TempDir& dir) {
  build::BuildOptions options;
  options.content_dir = dir.path() / "content";
  options.out_dir = dir.path() / "public";
  return options;
}

model::Site site_of(const std::vector<std::pair<std::string, std::string>>& documents) {
  std::vector<model::Incident> incidents;
  for (const auto& [path, text] : documents) incidents.push_back(*extract_text(text, path).incident);
  diag::Diagnostics found;
  const model::Settings settings = config::default_settings();
  auto causes = analyze::classify_all(incidents, settings, 2, found);
  return analyze::analyze_library(std::move(incidents), std::move(causes), {}, {}, settings.taxonomy);
}

}  // namespace pmkb::test
