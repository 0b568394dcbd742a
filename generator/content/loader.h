// Stage 1, load: finds the postmortems under a content directory and reads them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "content/file_stamps.h"
#include "diag/diagnostics.h"

namespace pmkb::content {

// One postmortem as read from disk, normalized to UTF-8 with '\n' line ends.
struct SourceFile {
  std::string path;          // relative to the content directory, with '/'
  std::string display_path;  // as printed in diagnostics (relative to the working directory)
  std::string text;          // empty when LoadOptions::text_not_needed said so
  std::uint64_t digest = 0;  // of path, display_path and text as read (text/digest.h)
  // Set by load_content when the next build may trust it (FileStamps): the file was read
  // without a diagnostic, and had settled before the library's reading began.
  std::optional<FileStamp> stamp;
};

struct LoadOptions {
  std::vector<std::string> ignore;                  // glob patterns matched against `path`
  std::uintmax_t max_file_bytes = 8 * 1024 * 1024;  // larger files are skipped with an error
  // A source whose digest this returns true for (its extraction is at hand from an earlier
  // build) comes back with an empty `text`, so that a library's text is not all in memory at
  // once for nothing. May be called from several threads at once.
  std::function<bool(std::uint64_t digest)> text_not_needed;
  // An earlier build's records: a file whose stamp and display path are as recorded there, and
  // whose text is not needed, is not read at all; its recorded digest stands.
  const FileStamps* earlier = nullptr;
};

// Reads every *.md and *.markdown file under `dir`, recursively, sorted by path: find_content,
// then read_content_file for each, on `jobs` threads (the result and the order of the
// diagnostics do not depend on it). Per-file problems are diagnostics at path:1:1 and the file
// is skipped; the rest of the library is still read. Throws std::runtime_error when `dir`
// itself cannot be read (an environment failure).
std::vector<SourceFile> load_content(const std::filesystem::path& dir, const LoadOptions& options,
                                     diag::Diagnostics& diagnostics, unsigned jobs = 1);

// The Markdown files under `dir` as paths relative to it (with '/'), sorted. Hidden files and
// folders and ignored patterns are skipped; symbolic links are never followed
// (`symlink-skipped` for a link named like Markdown or pointing to a folder); a folder that
// cannot be read, or an entry named like Markdown that is not a regular file, is an
// `unreadable-file` error, and the rest is still listed.
std::vector<std::string> find_content(const std::filesystem::path& dir, const LoadOptions& options,
                                      diag::Diagnostics& diagnostics);

// Reads `rel` (as found by find_content) under `dir`. Returns nullopt, with a diagnostic, for a
// file over max_file_bytes (`file-too-large`: never read, only its size is looked at), one that
// cannot be opened or has vanished since it was listed (`unreadable-file`), one that has become
// a symbolic link (`symlink-skipped`) or one that looks binary (`binary-file`). The raw bytes
// held for one file never exceed max_file_bytes + 64 KiB, whatever its size on disk.
std::optional<SourceFile> read_content_file(const std::filesystem::path& dir, const std::string& rel,
                                            const LoadOptions& options, diag::Diagnostics& diagnostics);

// Turns raw bytes into a SourceFile (with its digest), reporting encoding repairs. Used by
// load_content and tests.
SourceFile make_source_file(std::string path, std::string display_path, std::string_view bytes,
                            diag::Diagnostics& diagnostics);

// The path as printed in diagnostics: relative to the working directory (`cwd`, by default
// the current one) when possible.
std::string display_path_of(const std::filesystem::path& file);
std::string display_path_of(const std::filesystem::path& file, const std::filesystem::path& cwd);

}  // namespace pmkb::content
