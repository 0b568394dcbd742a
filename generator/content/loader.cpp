#include "content/loader.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include "content/encoding.h"
#include "parallel/parallel.h"
#include "text/digest.h"

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

// The position of byte `offset` of `bytes` as 1-based line and column (in bytes).
std::pair<int, int> line_and_column(std::string_view bytes, std::size_t offset) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

// Closes a file descriptor when it goes out of scope.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string display_path_of(const fs::path& file, const fs::path& cwd) {
  // Lexical, not fs::proximate: that resolves symbolic links and would name a link's target.
  fs::path shown;
  if (!cwd.empty()) shown = (file.is_absolute() ? file : cwd / file).lexically_normal().lexically_proximate(cwd);
  if (shown.empty()) shown = file;
  return shown.generic_string();
}

std::string display_path_of(const fs::path& file) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  return display_path_of(file, ec ? fs::path() : cwd);
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
  if (normalized.utf16) {
    diagnostics.report(diag::Level::Warning, {display_path, 1, 1},
                       "file is UTF-16 (it starts with a UTF-16 byte order mark) and was decoded as such; save it as UTF-8",
                       "encoding-repaired");
  }
  if (normalized.nul_bytes > 0) {
    diagnostics.report(diag::Level::Warning, {display_path, normalized.first_nul_line, normalized.first_nul_column},
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
  const std::uint64_t digest = text::Digest().add(path).add(display_path).add(normalized.text).value();
  return {std::move(path), std::move(display_path), std::move(normalized.text), digest, std::nullopt};
}

std::vector<std::string> find_content(const fs::path& dir, const LoadOptions& options, diag::Diagnostics& diagnostics) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error("content directory " + dir.string() +
                             " does not exist or is not a directory; pass the folder that holds "
                             "your postmortems, e.g. `pmkb build content`");
  }
  fs::directory_iterator probe(dir, ec);
  if (ec) throw std::runtime_error("cannot read " + dir.string() + ": " + ec.message());

  // An explicit stack of folders (relative to dir) instead of recursive_directory_iterator,
  // which gives up on the whole walk at the first folder it cannot open.
  std::vector<std::string> files;
  std::vector<std::string> folders{""};
  while (!folders.empty()) {
    const std::string folder = std::move(folders.back());
    folders.pop_back();
    const fs::path folder_path = folder.empty() ? dir : dir / folder;
    fs::directory_iterator it(folder_path, ec);
    if (ec) {
      diagnostics.report(diag::Level::Error, {display_path_of(folder_path), 0, 0},
                         "cannot read folder: " + ec.message() + "; the postmortems in it are skipped",
                         "unreadable-file");
      ec.clear();
      continue;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const fs::path& path = it->path();
      const std::string name = path.filename().string();
      if (name.empty() || name[0] == '.') continue;
      const std::string rel = folder.empty() ? name : folder + "/" + name;
      if (is_ignored(rel, options.ignore)) continue;
      // The types the listing gave (no lstat() per file, unless the file system gives none).
      const bool link = it->is_symlink(ec);
      const bool is_folder = !ec && !link && it->is_directory(ec);
      const bool regular = !ec && !link && !is_folder && it->is_regular_file(ec);
      if (ec) {  // vanished while the folder was listed
        ec.clear();
        continue;
      }
      if (link) {
        const bool to_folder = fs::is_directory(fs::status(path, ec));
        ec.clear();
        if (is_markdown(path) || to_folder) {
          diagnostics.report(diag::Level::Warning, {display_path_of(path), 1, 1},
                             std::string("symbolic link not followed (pmkb publishes only what is inside the content "
                                         "folder); copy the ") +
                                 (to_folder ? "folder" : "file") + " into it instead",
                             "symlink-skipped");
        }
      } else if (is_folder) {
        folders.push_back(rel);
      } else if (is_markdown(path)) {
        if (regular) {
          files.push_back(rel);
        } else {
          diagnostics.report(diag::Level::Error, {display_path_of(path), 1, 1},
                             "not a regular file (a pipe, socket or device named like Markdown); skipped",
                             "unreadable-file");
        }
      }
    }
    if (ec) {
      diagnostics.report(diag::Level::Error, {display_path_of(folder_path), 0, 0},
                         "cannot list folder: " + ec.message() + "; some postmortems in it may be missing",
                         "unreadable-file");
      ec.clear();
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

namespace {

std::int64_t nanoseconds(const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

FileStamp stamp_of(const struct stat& info) {
  return {static_cast<std::uint64_t>(info.st_size), static_cast<std::uint64_t>(info.st_ino), static_cast<std::uint64_t>(info.st_dev),
          nanoseconds(info.st_mtim), nanoseconds(info.st_ctim)};
}

// read_content_file, with the working directory that display paths are relative to.
std::optional<SourceFile> read_file_in(const fs::path& dir, const std::string& rel, const fs::path& cwd, const LoadOptions& options,
                                       diag::Diagnostics& diagnostics) {
  const fs::path file = dir / rel;
  const std::string shown = display_path_of(file, cwd);
  const auto skip = [&](const std::string& message, const char* rule, int line = 1, int column = 1) {
    diagnostics.report(diag::Level::Error, {shown, line, column}, message, rule);
    return std::nullopt;
  };
  // O_NOFOLLOW: a file replaced by a symbolic link since it was listed is still not followed;
  // O_NONBLOCK: nor does one replaced by a pipe hang the build.
  FileDescriptor in{::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)};
  if (in.fd < 0) {
    const int error = errno;
    if (error == ENOENT) return skip("file disappeared while the library was read (deleted or renamed during the build); skipped", "unreadable-file");
    if (error == ELOOP) {
      diagnostics.report(diag::Level::Warning, {shown, 1, 1}, "symbolic link not followed; copy the file into the content folder",
                         "symlink-skipped");
      return std::nullopt;
    }
    return skip(std::string("cannot read file: ") + std::strerror(error) + "; check its permissions", "unreadable-file");
  }
  struct stat info {};
  if (::fstat(in.fd, &info) != 0) return skip(std::string("cannot read file: ") + std::strerror(errno), "unreadable-file");
  if (!S_ISREG(info.st_mode)) return skip("not a regular file any more; skipped", "unreadable-file");
  const std::uintmax_t limit = options.max_file_bytes;
  if (static_cast<std::uintmax_t>(info.st_size) > limit) {
    return skip("file is " + std::to_string(info.st_size) + " bytes, over the limit of " + std::to_string(limit) +
                    "; skipped (split it, or raise max_file_bytes in pmkb.yaml)",
                "file-too-large");
  }
  // Read straight into place, at most limit + 1 bytes: a file that grows while it is read is
  // still bounded. One byte more than fstat() said is asked for, so that a file read whole in
  // one call needs no second call to find its end; one that has grown is read on.
  std::string bytes(static_cast<std::size_t>(info.st_size) + 1, '\0');
  std::size_t size = 0;
  while (size <= limit) {
    if (size == bytes.size()) bytes.resize(static_cast<std::size_t>(std::min<std::uintmax_t>(2 * size, limit + 1)));
    const ssize_t n = ::read(in.fd, bytes.data() + size, bytes.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return skip(std::string("cannot read file: ") + std::strerror(errno), "unreadable-file");
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
    if (size == static_cast<std::size_t>(info.st_size) && size < bytes.size()) break;  // all of it, as fstat() said
  }
  bytes.resize(size);
  if (bytes.size() > limit) {
    return skip("file grew past the limit of " + std::to_string(limit) + " bytes while it was read; skipped",
                "file-too-large");
  }
  std::size_t offset = 0;
  if (looks_binary(bytes, offset)) {
    const auto [line, column] = line_and_column(bytes, offset);
    return skip("this looks like a binary file, not Markdown (control bytes such as NUL in its first 8 KB); skipped",
                "binary-file", line, column);
  }
  SourceFile source = make_source_file(rel, shown, bytes, diagnostics);
  source.stamp = stamp_of(info);
  return source;
}

// The source at `rel` as an earlier build recorded it, when its stamp says it is unchanged
// and its text is not needed; nullopt when it has to be read.
std::optional<SourceFile> known_source(const fs::path& dir, const std::string& rel, const fs::path& cwd, const LoadOptions& options,
                                       std::int64_t read_started_ns) {
  const fs::path file = dir / rel;
  struct stat info {};
  if (::fstatat(AT_FDCWD, file.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(info.st_mode) ||
      static_cast<std::uintmax_t>(info.st_size) > options.max_file_bytes) {
    return std::nullopt;
  }
  const FileStamp stamp = stamp_of(info);
  if (!is_settled(stamp, read_started_ns)) return std::nullopt;
  std::string shown = display_path_of(file, cwd);
  const std::optional<std::uint64_t> digest = options.earlier->digest_of(rel, shown, stamp);
  if (!digest || !options.text_not_needed(*digest)) return std::nullopt;
  return SourceFile{rel, std::move(shown), std::string(), *digest, stamp};
}

fs::path working_directory() {
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  return ec ? fs::path() : cwd;
}

}  // namespace

std::optional<SourceFile> read_content_file(const fs::path& dir, const std::string& rel, const LoadOptions& options,
                                            diag::Diagnostics& diagnostics) {
  return read_file_in(dir, rel, working_directory(), options, diagnostics);
}

std::vector<SourceFile> load_content(const fs::path& dir, const LoadOptions& options, diag::Diagnostics& diagnostics,
                                     unsigned jobs) {
  timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const std::int64_t started = nanoseconds(now);  // the file times' clock
  const std::vector<std::string> paths = find_content(dir, options, diagnostics);
  const fs::path cwd = working_directory();
  struct Read {
    std::optional<SourceFile> source;
    diag::Diagnostics diagnostics;
  };
  std::vector<Read> read = parallel::map_indexes(paths.size(), jobs, [&](std::size_t i) {
    Read out;
    if (options.earlier && options.text_not_needed) {
      out.source = known_source(dir, paths[i], cwd, options, started);
      if (out.source) return out;
    }
    out.source = read_file_in(dir, paths[i], cwd, options, out.diagnostics);
    if (!out.source) return out;
    if (!out.diagnostics.all().empty() || !is_settled(*out.source->stamp, started)) out.source->stamp.reset();
    if (options.text_not_needed && options.text_not_needed(out.source->digest)) std::string().swap(out.source->text);
    return out;
  });
  std::vector<SourceFile> sources;
  sources.reserve(read.size());
  for (auto& item : read) {
    diagnostics.merge(std::move(item.diagnostics));
    if (item.source) sources.push_back(std::move(*item.source));
  }
  return sources;
}

}  // namespace pmkb::content
