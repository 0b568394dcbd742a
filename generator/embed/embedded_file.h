// A file compiled into the pmkb binary by scripts/embed_files.cmake.
#pragma once

#include <span>
#include <string_view>

namespace pmkb {

struct EmbeddedFile {
  std::string_view path;   // relative to the embedded folder, with '/'
  std::string_view bytes;  // the file's exact contents
};

// The default theme (themes/default/**).
std::span<const EmbeddedFile> default_theme_files();
// Built-in data: the default cause taxonomy and the new-postmortem template.
std::span<const EmbeddedFile> builtin_data_files();

}  // namespace pmkb
