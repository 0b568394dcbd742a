#include "render/theme.h"

#include <kainjow/mustache.hpp>

#include <fstream>
#include <sstream>

#include "diag/line_index.h"
#include "embed/embedded_file.h"
#include "text/text.h"

namespace pmkb::render {

namespace fs = std::filesystem;

namespace {

// kainjow reports errors as "... at 123" (a byte offset); turn that into line and column.
diag::SourceLocation error_location(const std::string& origin, const std::string& text, const std::string& message) {
  const std::size_t at = message.rfind(" at ");
  std::size_t offset = 0;
  if (at != std::string::npos) offset = static_cast<std::size_t>(std::strtoul(message.c_str() + at + 4, nullptr, 10));
  const diag::LineIndex lines(text);
  return {origin, lines.line_of(offset), lines.column_of(offset)};
}

// Files by key: "templates/x.mustache" -> template "x", "templates/partials/y.mustache" -> partial "y".
void add_file(Theme& theme, const std::string& path, std::string bytes, const std::string& origin) {
  const std::string suffix = ".mustache";
  if (path.starts_with("templates/partials/") && path.ends_with(suffix)) {
    const std::string key = path.substr(19, path.size() - 19 - suffix.size());
    theme.partials[key] = std::move(bytes);
    theme.origins["partial:" + key] = origin;
  } else if (path.starts_with("templates/") && path.ends_with(suffix)) {
    const std::string key = path.substr(10, path.size() - 10 - suffix.size());
    theme.templates[key] = std::move(bytes);
    theme.origins["template:" + key] = origin;
  } else if (path.starts_with("static/")) {
    theme.assets[path] = std::move(bytes);
    theme.origins[path] = origin;
  }
}

bool valid_template(const std::string& text, const std::string& origin, diag::Diagnostics& diagnostics) {
  kainjow::mustache::mustache compiled(text);
  if (compiled.is_valid()) return true;
  diagnostics.report(diag::Level::Error, error_location(origin, text, compiled.error_message()),
                     "template error: " + compiled.error_message() + "; the built-in template is used instead",
                     "template-error");
  return false;
}

std::string inline_partials(const std::string& text, const std::map<std::string, std::string>& partials, int depth) {
  constexpr int kMaxDepth = 8;
  if (depth >= kMaxDepth || text.find("{{=") != std::string::npos) return text;
  std::string out;
  std::size_t done = 0;
  for (std::size_t open = text.find("{{"); open != std::string::npos; open = text.find("{{", open + 2)) {
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    const std::string_view contents = text::trim(std::string_view(text).substr(open + 2, close - open - 2));
    if (contents.empty() || contents.front() != '>') continue;
    const auto partial = partials.find(std::string(text::trim(contents.substr(1))));
    if (partial == partials.end() || partial->second.find("{{=") != std::string::npos) continue;
    out.append(text, done, open - done);
    out += inline_partials(partial->second, partials, depth + 1);
    done = close + 2;
    open = close;
  }
  out.append(text, done);
  return out;
}

}  // namespace

std::string inline_partials(const std::string& text, const std::map<std::string, std::string>& partials) {
  return inline_partials(text, partials, 0);
}

std::string escape_html(const std::string& text) {
  std::string out;
  std::size_t done = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&apos;"; break;
      default: continue;
    }
    if (done == 0) out.reserve(text.size() + text.size() / 8 + 8);
    out.append(text, done, i - done);
    out += entity;
    done = i + 1;
  }
  if (done == 0) return text;
  out.append(text, done);
  return out;
}

Theme load_theme(const std::string& name, const std::optional<fs::path>& override_dir, diag::Diagnostics& diagnostics) {
  Theme theme;
  theme.name = name;
  for (const EmbeddedFile& file : default_theme_files()) {
    add_file(theme, std::string(file.path), std::string(file.bytes), "themes/default/" + std::string(file.path));
  }
  if (!override_dir || !fs::is_directory(*override_dir)) return theme;
  const Theme builtin = theme;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(*override_dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string rel = fs::relative(file, *override_dir).generic_string();
    const std::string text = bytes.str();
    if (rel.ends_with(".mustache") && !valid_template(text, file.generic_string(), diagnostics)) continue;
    add_file(theme, rel, text, file.generic_string());
  }
  return theme;
}

}  // namespace pmkb::render
