// `pmkb new`: a new postmortem from the built-in template (generator/data/template.md).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "model/time_point.h"

namespace pmkb::scaffold {

// The template with its front matter filled in: id "<date>-<slug of title>", title, date.
std::string new_postmortem(std::string_view title, const model::CivilDate& today);

// Writes new_postmortem() to CONTENT_DIR/<date>-<slug>.md and returns the path.
// Throws std::invalid_argument for an empty title and std::runtime_error when the file
// already exists (nothing is overwritten) or cannot be written.
std::filesystem::path write_new_postmortem(const std::filesystem::path& content_dir, std::string_view title,
                                           const model::CivilDate& today);

}  // namespace pmkb::scaffold
