// Test helpers: small sites written inline into a temporary directory, and one-call
// extraction of a Markdown string.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "build/build.h"
#include "config/settings_loader.h"
#include "content/front_matter.h"
#include "content/loader.h"
#include "diag/diagnostics.h"
#include "extract/incident_extractor.h"
#include "markdown/parsed_document.h"
#include "model/site.h"

namespace pmkb::test {

// A fresh directory under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `bytes` to path()/rel, creating folders.
  void write(const std::string& rel, const std::string& bytes) const;
  std::string read(const std::string& rel) const;

 private:
  std::filesystem::path path_;
};

// Options that build dir/content into dir/public.
build::BuildOptions site_build_options(const TempDir& dir);

struct Extracted {
  std::optional<model::Incident> incident;
  diag::Diagnostics diagnostics;
  bool has(const std::string& rule) const;
  int line_of(const std::string& rule) const;  // line of the first diagnostic with that rule, or -1
};

// load -> parse -> extract for one document held in a string.
Extracted extract_text(const std::string& text, const std::string& path = "doc.md",
                       const model::Settings& settings = config::default_settings());

// extract_text() for each (path, text), then classified and analyzed with the default
// settings (no similarities or themes): a small site for the render, export and search stages.
model::Site site_of(const std::vector<std::pair<std::string, std::string>>& documents);

}  // namespace pmkb::test
