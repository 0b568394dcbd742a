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

// `text` with each partial tag (`{{> name}}`) replaced by that partial's text, itself inlined
// likewise, so that a template is parsed once rather than its partials on every page. The
// result renders as `text` does: the renderer reads a partial into the same line as its tag,
// with the page's context. Tags stay (to be rendered as partials) where that could differ:
// throughout a template or partial that sets other delimiters (`{{=`), for a partial the
// theme does not have, and below 8 levels of partials (one that includes itself).
std::string inline_partials(const std::string& text, const std::map<std::string, std::string>& partials);

// What a `{{variable}}` writes for `text`: the same as kainjow's html_escape (&, <, >, " and '
// as entities), made a run of plain bytes at a time rather than a byte at a time.
std::string escape_html(const std::string& text);

// The built-in default theme, overlaid file by file with `override_dir` when it exists
// (a site's own themes/<name>/ folder). Template syntax errors are reported at
// template:line:col and that template falls back to the built-in one.
Theme load_theme(const std::string& name, const std::optional<std::filesystem::path>& override_dir,
                 diag::Diagnostics& diagnostics);

}  // namespace pmkb::render
