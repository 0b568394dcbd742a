#include "diag/diagnostics.h"

#include <algorithm>
#include <tuple>

#include <nlohmann/json.hpp>

namespace pmkb::diag {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::Info: return "info";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
  }
  return "error";
}

void Diagnostics::report(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }

void Diagnostics::report(Level level, SourceLocation where, std::string message, std::string rule) {
  items_.push_back({level, std::move(where), std::move(message), std::move(rule)});
}

void Diagnostics::merge(Diagnostics other) {
  items_.insert(items_.end(), std::make_move_iterator(other.items_.begin()),
                std::make_move_iterator(other.items_.end()));
}

int Diagnostics::count(Level level) const {
  return static_cast<int>(std::count_if(items_.begin(), items_.end(),
                                        [&](const Diagnostic& d) { return d.level == level; }));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.path, a.where.line, a.where.column, a.rule) <
           std::tie(b.where.path, b.where.line, b.where.column, b.rule);
  });
  return out;
}

namespace {

std::string position(const SourceLocation& where) {
  std::string out = where.path;
  if (where.line > 0) out += ":" + std::to_string(where.line);
  if (where.line > 0 && where.column > 0) out += ":" + std::to_string(where.column);
  return out;
}

// GitHub workflow commands need %, CR and LF escaped in the message, and also ':' and ',' in properties.
std::string github_escape(std::string_view text, bool property) {
  std::string out;
  for (char c : text) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

}  // namespace

std::string format_text(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    out += position(d.where) + ": " + std::string(to_string(d.level)) + ": " + d.message;
    if (!d.rule.empty()) out += " [" + d.rule + "]";
    out += '\n';
  }
  return out;
}

std::string format_json(const std::vector<Diagnostic>& diagnostics) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const auto& d : diagnostics) {
    array.push_back({{"path", d.where.path},
                     {"line", d.where.line},
                     {"column", d.where.column},
                     {"level", to_string(d.level)},
                     {"message", d.message},
                     {"rule", d.rule}});
  }
  return array.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string format_github(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    std::string_view command = d.level == Level::Error     ? "error"
                               : d.level == Level::Warning ? "warning"
                                                           : "notice";
    out += "::" + std::string(command) + " file=" + github_escape(d.where.path, true);
    if (d.where.line > 0) out += ",line=" + std::to_string(d.where.line);
    if (d.where.column > 0) out += ",col=" + std::to_string(d.where.column);
    if (!d.rule.empty()) out += ",title=" + github_escape(d.rule, true);
    out += "::" + github_escape(d.message, false) + "\n";
  }
  return out;
}

std::string format(const std::vector<Diagnostic>& diagnostics, Format format) {
  switch (format) {
    case Format::Text: return format_text(diagnostics);
    case Format::Json: return format_json(diagnostics);
    case Format::Github: return format_github(diagnostics);
  }
  return format_text(diagnostics);
}

std::optional<std::vector<Diagnostic>> parse_json(std::string_view json) {
  const auto array = nlohmann::json::parse(json, nullptr, false);
  if (!array.is_array()) return std::nullopt;
  std::vector<Diagnostic> out;
  try {
    for (const auto& item : array) {
      const std::string level = item.at("level").get<std::string>();
      out.push_back({level == "error" ? Level::Error : level == "warning" ? Level::Warning : Level::Info,
                     {item.at("path").get<std::string>(), item.at("line").get<int>(), item.at("column").get<int>()},
                     item.at("message").get<std::string>(),
                     item.at("rule").get<std::string>()});
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return out;
}

}  // namespace pmkb::diag
