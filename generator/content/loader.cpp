#include "content/loader.h"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "content/encoding.h"

namespace pmkb::content {

namespace fs = std::filesystem;

namespace {

bool is_markdown(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".md" || ext == ".markdown";
}

bool is_ignored(const std::string& rel, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return fnmatch(pattern.c_str(), rel.c_str(), 0) == 0;
  });
}

// Reads the file, stopping once it is past `limit` (it may grow while it is read).
std::string read_bytes(const fs::path& file, std::uintmax_t size_hint, std::uintmax_t limit, bool& ok) {
  std::ifstream in(file, std::ios::binary);
  ok = static_cast<bool>(in);
  if (!ok) return {};
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(std::min(size_hint, limit)) + 1);
  char buffer[1 << 16];
  while (bytes.size() <= limit) {
    in.read(buffer, sizeof buffer);
    if (in.gcount() <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  ok = !in.bad();
  return bytes;
}

}  // namespace

std::string display_path_of(const fs::path& file) {
  std::error_code ec;
  fs::path shown = fs::proximate(file, ec);
  if (ec || shown.empty()) shown = file;
  return shown.generic_string();
}

SourceFile make_source_file(std::string path, std::string display_path, std::string_view bytes,
                            diag::Diagnostics& diagnostics) {
  NormalizedText normalized = normalize_encoding(bytes);
  if (normalized.repaired_bytes > 0) {
    diagnostics.report(diag::Level::Warning,
                       {display_path, normalized.first_repair_line, normalized.first_repair_column},
                       std::to_string(normalized.repaired_bytes) +
                           " byte(s) of invalid UTF-8 were read as Windows-1252; save the file as UTF-8",
                       "encoding-repaired");
  }
  if (normalized.nul_bytes > 0) {
    diagnostics.report(diag::Level::Warning, {display_path, normalized.first_nul_line, 1},
                       std::to_string(normalized.nul_bytes) +
                           " NUL byte(s) replaced by U+FFFD; is this a binary file?",
                       "encoding-repaired");
  }
  if (normalized.mojibake_line > 0) {
    diagnostics.report(diag::Level::Warning, {display_path, normalized.mojibake_line, 1},
                       "text looks double-encoded (UTF-8 read as another encoding), e.g. \"" +
                           normalized.mojibake_sample.substr(0, 40) +
                           "\"; re-save the original text as UTF-8",
                       "mojibake");
  }
  return {std::move(path), std::move(display_path), std::move(normalized.text)};
}

std::vector<SourceFile> load_content(const fs::path& dir, const LoadOptions& options,
                                     diag::Diagnostics& diagnostics) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error("content directory " + dir.string() +
                             " does not exist or is not a directory; pass the folder that holds "
                             "your postmortems, e.g. `pmkb build content`");
  }
  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) throw std::runtime_error("cannot read " + dir.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      diagnostics.report(diag::Level::Error, {display_path_of(it->path()), 0, 0},
                         "cannot read directory entry: " + ec.message(), "unreadable-file");
      ec.clear();
      continue;
    }
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    const std::string rel = fs::relative(path, dir).generic_string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (is_ignored(rel, options.ignore)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) {
      if (is_markdown(path)) {
        diagnostics.report(diag::Level::Warning, {display_path_of(path), 0, 0},
                           "symbolic link not followed; copy the file into the content directory",
                           "symlink-skipped");
      }
      continue;
    }
    if (it->is_regular_file() && is_markdown(path)) files.push_back(path);
  }
  std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
    return a.generic_string() < b.generic_string();
  });

  std::vector<SourceFile> sources;
  sources.reserve(files.size());
  for (const fs::path& file : files) {
    const std::string rel = fs::relative(file, dir).generic_string();
    const std::string shown = display_path_of(file);
    const std::uintmax_t size = fs::file_size(file, ec);
    if (!ec && size > options.max_file_bytes) {
      diagnostics.report(diag::Level::Error, {shown, 1, 1},
                         "file is " + std::to_string(size) + " bytes, over the limit of " +
                             std::to_string(options.max_file_bytes) +
                             "; skipped (split it, or raise max_file_bytes in pmkb.yaml)",
                         "file-too-large");
      continue;
    }
    bool ok = false;
    const std::string bytes = read_bytes(file, ec ? options.max_file_bytes : size, options.max_file_bytes, ok);
    if (!ok) {
      diagnostics.report(diag::Level::Error, {shown, 0, 0},
                         "cannot read file; check its permissions", "unreadable-file");
      continue;
    }
    if (bytes.size() > options.max_file_bytes) {
      diagnostics.report(diag::Level::Error, {shown, 1, 1},
                         "file grew past the limit of " + std::to_string(options.max_file_bytes) +
                             " bytes while it was read; skipped", "file-too-large");
      continue;
    }
    sources.push_back(make_source_file(rel, shown, bytes, diagnostics));
  }
  return sources;
}

}  // namespace pmkb::content
