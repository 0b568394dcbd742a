// Helpers for reading YAML with positions; only config/ sees yaml-cpp.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "diag/diagnostics.h"

namespace pmkb::config {

inline diag::SourceLocation location_of(const YAML::Node& node, const std::string& path) {
  const YAML::Mark mark = node.Mark();
  return {path, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0};
}

// Reports a YAML parse error at its line and column.
inline void report_yaml_error(const YAML::Exception& e, const std::string& path, std::string_view what,
                              diag::Diagnostics& diagnostics) {
  diagnostics.report(diag::Level::Error, {path, e.mark.line + 1, e.mark.column + 1},
                     "invalid YAML in " + std::string(what) + ": " + e.msg, "invalid-config");
}

}  // namespace pmkb::config
