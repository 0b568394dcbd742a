// Reads pmkb.yaml (PRODUCT.md §2) and the built-in data into model::Settings.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "diag/diagnostics.h"
#include "model/settings.h"

namespace pmkb::config {

// Finds the config file: `explicit_path` if given, else CONTENT_DIR/pmkb.yaml, else ./pmkb.yaml.
// Returns nullopt when none exists (built-in defaults apply).
// Throws std::runtime_error when `explicit_path` is given but cannot be read.
std::optional<std::filesystem::path> find_settings_file(const std::filesystem::path& content_dir,
                                                        const std::optional<std::filesystem::path>& explicit_path);

// Built-in defaults: the default taxonomy and vocabulary, no site-specific settings.
model::Settings default_settings();

// Parses `yaml` (the contents of `display_path`) over the defaults. Problems are reported as
// diagnostics at their line; unknown keys are warnings, invalid values errors.
model::Settings parse_settings(std::string_view yaml, const std::string& display_path,
                               const std::filesystem::path& base_dir, diag::Diagnostics& diagnostics);

// find_settings_file + read + parse_settings; defaults when there is no file.
model::Settings load_settings(const std::filesystem::path& content_dir,
                              const std::optional<std::filesystem::path>& explicit_path,
                              diag::Diagnostics& diagnostics);

// The built-in data file `name` ("taxonomy.yaml", "vocabulary.yaml", "template.md").
std::string_view builtin_data(std::string_view name);

}  // namespace pmkb::config
