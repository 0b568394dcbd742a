// A theme: Mustache templates, partials and static assets (PRODUCT.md §5, themes/<name>/).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostics.h"

namespace pmkb::render {

struct Theme {
  std::string name;
  std::map<std::string, std::string> templates;  // "incident" -> text of templates/incident.mustache
  std::map<std::string, std::string> partials;   // "header" -> text of templates/partials/header.mustache
  std::map<std::string, std::string> assets;     // "static/style.css" -> bytes
  std::map<std::string, std::string> origins;    // template or asset key -> file it came from, for messages
};

// The built-in default theme, overlaid file by file with `override_dir` when it exists
// (a site's own themes/<name>/ folder). Template syntax errors are reported at
// template:line:col and that template falls back to the built-in one.
Theme load_theme(const std::string& name, const std::optional<std::filesystem::path>& override_dir,
                 diag::Diagnostics& diagnostics);

}  // namespace pmkb::render
