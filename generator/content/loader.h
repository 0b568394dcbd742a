// Stage 1, load: finds the postmortems under a content directory and reads them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "diag/diagnostics.h"

namespace pmkb::content {

// One postmortem as read from disk, normalized to UTF-8 with '\n' line ends.
struct SourceFile {
  std::string path;          // relative to the content directory, with '/'
  std::string display_path;  // as printed in diagnostics (relative to the working directory)
  std::string text;
};

struct LoadOptions {
  std::vector<std::string> ignore;                  // glob patterns matched against `path`
  std::uintmax_t max_file_bytes = 8 * 1024 * 1024;  // larger files are skipped with an error
};

// Reads every *.md and *.markdown file under `dir`, recursively, sorted by path.
// Hidden files and folders, ignored patterns and symbolic links are skipped.
// Per-file problems (unreadable, too large, repaired encoding) are reported to `diagnostics`.
// Throws std::runtime_error when `dir` itself cannot be read (an environment failure).
std::vector<SourceFile> load_content(const std::filesystem::path& dir, const LoadOptions& options,
                                     diag::Diagnostics& diagnostics);

// Turns raw bytes into a SourceFile, reporting encoding repairs. Used by load_content and tests.
SourceFile make_source_file(std::string path, std::string display_path, std::string_view bytes,
                            diag::Diagnostics& diagnostics);

// The path as printed in diagnostics: relative to the working directory when possible.
std::string display_path_of(const std::filesystem::path& file);

}  // namespace pmkb::content
