#include "output/staged_output.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "parallel/parallel.h"
#include "text/text.h"

namespace pmkb::output {

namespace fs = std::filesystem;

namespace {

// Marks a directory as pmkb output: only such a directory is ever replaced.
constexpr const char* kMarker = ".pmkb-output";

std::runtime_error io_error(const std::string& what, const fs::path& path) {
  return std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// A file descriptor, closed with its owner.
struct Descriptor {
  int fd = -1;
  explicit Descriptor(int owned) : fd(owned) {}
  Descriptor(Descriptor&& other) noexcept : fd(other.release()) {}
  Descriptor& operator=(Descriptor&&) = delete;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

// Reads up to `size` bytes into `into` (fewer only at the end of the file), or -1.
ssize_t read_up_to(int fd, char* into, std::size_t size) {
  std::size_t at = 0;
  while (at < size) {
    const ssize_t got = ::read(fd, into + at, size - at);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) break;
    at += static_cast<std::size_t>(got);
  }
  return static_cast<ssize_t>(at);
}

void write_all(int fd, std::string_view bytes, const fs::path& shown) {
  for (std::size_t at = 0; at < bytes.size();) {
    const ssize_t put = ::write(fd, bytes.data() + at, bytes.size() - at);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) throw io_error("cannot write", shown);
    at += static_cast<std::size_t>(put);
  }
}

// Copies `size` bytes at `offset` of `in` to the end of `out`: in the kernel where it can
// (copy_file_range), else through a buffer (another file system, an old kernel).
void copy_range(int in, std::size_t offset, std::size_t size, int out, const fs::path& shown) {
  auto from = static_cast<off_t>(offset);
  std::size_t left = size;
  while (left > 0) {
    const ssize_t n = ::copy_file_range(in, &from, out, nullptr, left, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    left -= static_cast<std::size_t>(n);
  }
  std::string buffer;
  while (left > 0) {
    buffer.resize(std::min<std::size_t>(left, 1 << 20));
    const ssize_t got = ::pread(in, buffer.data(), buffer.size(), from);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw io_error("cannot copy the previous site's file into", shown);
    write_all(out, std::string_view(buffer.data(), static_cast<std::size_t>(got)), shown);
    from += got;
    left -= static_cast<std::size_t>(got);
  }
}

// `rel` under the directory `dir_fd`, opened for reading when it is a regular file (not a
// symbolic link), or -1; its status (size, inode) goes to `st`.
Descriptor open_regular(int dir_fd, const std::string& rel, struct stat& st) {
  Descriptor in(::openat(dir_fd, rel.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.fd >= 0 && (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode))) return Descriptor(-1);
  return in;
}

// True when the rest of `in` is exactly `bytes`; `scratch` is reused between calls.
bool next_bytes_are(int in, std::string_view bytes, std::string& scratch) {
  scratch.resize(bytes.size());
  return read_up_to(in, scratch.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && scratch == bytes;
}

// The names in the folder `fd`, with their types (DT_UNKNOWN where the file system gives none).
std::vector<std::pair<std::string, unsigned char>> entries_of(int fd) {
  std::vector<std::pair<std::string, unsigned char>> names;
  std::vector<char> buffer(32 * 1024);
  for (ssize_t got; (got = ::getdents64(fd, buffer.data(), buffer.size())) > 0;) {
    for (ssize_t at = 0; at < got;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer.data() + at);
      at += entry->d_reclen;
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name, entry->d_type);
    }
  }
  return names;
}

// Removes the folder `name` under the directory `dir_fd`, and everything in it, without
// following symbolic links. Entries are read with their types, so nothing is stat'ed: a site
// of 30,000 files is deleted with about one system call per file. What cannot be removed is
// left (the next build tries again).
void remove_folder(int dir_fd, const char* name) {
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  for (const auto& [child, type] : entries_of(fd)) {
    if (type == DT_DIR) {
      remove_folder(fd, child.c_str());
    } else if (::unlinkat(fd, child.c_str(), 0) != 0 && errno == EISDIR) {
      remove_folder(fd, child.c_str());  // a folder on a file system that gives no types
    }
  }
  ::close(fd);
  ::unlinkat(dir_fd, name, AT_REMOVEDIR);
}

// Removes whatever is at `name` under `dir_fd` (a file, a link, or a folder and all in it).
void remove_entry(int dir_fd, const char* name) {
  if (::unlinkat(dir_fd, name, 0) != 0 && (errno == EISDIR || errno == EPERM)) remove_folder(dir_fd, name);
}

// Removes `path`: a file, or a folder and everything in it.
void remove_tree(const fs::path& path) { remove_entry(AT_FDCWD, path.c_str()); }

// Opens the folder at `path` for *at() calls, or -1.
int open_folder(const fs::path& path) { return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }

bool is_empty_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::directory_iterator(dir, ec) == fs::directory_iterator();
}

// What earlier builds left beside OUT (names starting with one of `prefixes`, other than
// `keep`), sorted: the sites that builds replaced, and the half-written staging directories
// of killed builds. Called with the lock held, so no other build is using them.
std::vector<fs::path> leftovers(const fs::path& parent, const std::vector<std::string>& prefixes, const fs::path& keep) {
  std::error_code ec;
  std::vector<fs::path> found;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool ours = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return name.rfind(p, 0) == 0; });
    if (ours && it->path() != keep) found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

// A folder to recycle as the staging directory: a site an earlier build replaced, else the
// staging directory of a killed build (a real folder, not a link to one); none when there is
// neither.
std::optional<fs::path> recyclable(const fs::path& parent, const std::string& hidden) {
  for (const std::string kind : {".pmkb-replaced-", ".pmkb-staging-"}) {
    for (const fs::path& candidate : leftovers(parent, {hidden + kind}, {})) {
      std::error_code ec;
      if (fs::symlink_status(candidate, ec).type() == fs::file_type::directory) return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace

bool is_safe_relative_path(std::string_view rel) {
  if (rel.empty() || rel.front() == '/' || rel.size() > 1024) return false;
  for (char c : rel) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  for (const std::string& segment : text::split(rel, '/')) {
    if (segment.empty() || segment == "." || segment == "..") return false;
  }
  return true;
}

StagedOutput::StagedOutput(fs::path out_dir, bool reuse_unchanged) : out_(std::move(out_dir)) {
  if (out_.filename().empty()) out_ = out_.parent_path();
  const fs::path parent = fs::absolute(out_).parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw std::runtime_error("cannot create " + parent.string() + ": " + ec.message());
  if (fs::exists(out_) && !fs::exists(out_ / kMarker) && !is_empty_dir(out_)) {
    throw std::runtime_error(out_.string() + " exists and was not written by pmkb; choose another output directory with -o, "
                             "or empty it first");
  }
  const fs::path lock = parent / ("." + out_.filename().string() + ".pmkb-lock");
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw io_error("cannot create lock file", lock);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw std::runtime_error("another pmkb build is writing " + out_.string() + " (lock " + lock.string() +
                             "); wait for it to finish");
  }
  const bool previous_site = reuse_unchanged && fs::exists(out_ / kMarker);
  const std::string hidden = "." + out_.filename().string();
  staging_ = parent / (hidden + ".pmkb-staging-" + std::to_string(::getpid()));
  replaced_ = parent / (hidden + ".pmkb-replaced-" + std::to_string(::getpid()));
  remove_tree(staging_);
  if (reuse_unchanged) {
    const std::optional<fs::path> earlier = recyclable(parent, hidden);
    recycled_ = earlier && ::rename(earlier->c_str(), staging_.c_str()) == 0;
  }
  if (!recycled_) fs::create_directories(staging_, ec);
  if (ec) throw std::runtime_error("cannot create " + staging_.string() + ": " + ec.message());
  staging_fd_ = open_folder(staging_);
  if (staging_fd_ < 0) throw io_error("cannot open", staging_);
  if (previous_site) previous_fd_ = open_folder(out_);  // the site being replaced
  cleanup_ = std::jthread([stale = leftovers(parent, {hidden + ".pmkb-staging-", hidden + ".pmkb-replaced-"}, staging_)] {
    for (const auto& dir : stale) remove_tree(dir);
  });
  write({kMarker, "This directory is written by pmkb; each build replaces it whole.\n"});
}

StagedOutput::~StagedOutput() {
  for (const int fd : {staging_fd_, previous_fd_}) {
    if (fd >= 0) ::close(fd);
  }
  if (!committed_) remove_tree(staging_);
  if (cleanup_.joinable()) cleanup_.join();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void StagedOutput::prepare_parent(const std::string& path) {
  if (!is_safe_relative_path(path)) throw std::invalid_argument("refusing to write outside the site: \"" + path + "\"");
  for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    std::string folder = path.substr(0, slash);
    {
      const std::lock_guard lock(folders_mutex_);
      if (folders_.count(folder) > 0) continue;
    }
    // In a recycled staging directory the folder may be there already (so it is looked for
    // first), or a file or a link where it should be, which goes. Another thread may be making
    // the same folder meanwhile.
    const auto is_folder = [&] {
      struct stat st {};
      return ::fstatat(staging_fd_, folder.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    };
    for (int attempt = 0;; ++attempt) {
      if (recycled_ && attempt == 0 && is_folder()) break;
      if (::mkdirat(staging_fd_, folder.c_str(), 0777) == 0) break;
      if (errno != EEXIST) throw io_error("cannot create", staging_ / folder);
      if (is_folder()) break;
      if (attempt == 2) throw std::runtime_error("cannot create " + (staging_ / folder).string() + ": something else is there");
      ::unlinkat(staging_fd_, folder.c_str(), 0);
    }
    const std::lock_guard lock(folders_mutex_);
    folders_.insert(std::move(folder));
  }
}

void StagedOutput::note_written(const std::string& path) {
  if (!recycled_) return;
  const std::lock_guard lock(written_mutex_);
  written_.insert(path);
}

void StagedOutput::claim(const std::string& path) {
  if (!recycled_) return;
  note_written(path);
  remove_entry(staging_fd_, path.c_str());
}

bool StagedOutput::already_previous(const std::string& path, const struct stat& previous) const {
  struct stat staged {};
  return ::fstatat(staging_fd_, path.c_str(), &staged, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(staged.st_mode) &&
         staged.st_dev == previous.st_dev && staged.st_ino == previous.st_ino;
}

bool StagedOutput::keep_previous(const std::string& path, const struct stat& previous) {
  if (recycled_ && already_previous(path, previous)) {
    note_written(path);
    return true;
  }
  claim(path);
  return ::linkat(previous_fd_, path.c_str(), staging_fd_, path.c_str(), 0) == 0;
}

void StagedOutput::write(const model::OutputFile& file) {
  prepare_parent(file.path);
  const char* path = file.path.c_str();
  if (previous_fd_ >= 0) {
    struct stat previous {};
    const Descriptor before = open_regular(previous_fd_, file.path, previous);
    std::string scratch;
    if (before.fd >= 0 && static_cast<std::size_t>(previous.st_size) == file.bytes.size() &&
        next_bytes_are(before.fd, file.bytes, scratch) && keep_previous(file.path, previous)) {
      return;  // unchanged: the previous site's file, mtime and all
    }
  }
  claim(file.path);
  Descriptor out(::openat(staging_fd_, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666));
  if (out.fd < 0) throw io_error("cannot write", staging_ / file.path);
  write_all(out.fd, file.bytes, staging_ / file.path);
  const int closed = ::close(out.fd);
  out.fd = -1;
  if (closed != 0) throw io_error("cannot write", staging_ / file.path);
}

bool StagedOutput::keep(const std::string& path) {
  if (previous_fd_ < 0) return false;
  prepare_parent(path);
  struct stat previous {};
  if (::fstatat(previous_fd_, path.c_str(), &previous, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(previous.st_mode)) return false;
  return keep_previous(path, previous);
}

std::filesystem::path StagedOutput::external_folder(const std::string& rel) {
  prepare_parent(rel);
  if (recycled_) remove_entry(staging_fd_, rel.c_str());
  external_folders_.insert(rel);
  return staging_ / rel;
}

void StagedOutput::write_streamed(const std::string& path, const Producer& produce) {
  prepare_parent(path);
  claim(path);
  const fs::path target = staging_ / path;
  Descriptor out(::openat(staging_fd_, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666));
  if (out.fd < 0) throw io_error("cannot write", target);
  // Compared with the previous site's file as it is written: a part that differs ends the
  // comparison. The pieces (a few KB each) are written and compared a MiB at a time.
  struct stat previous {};
  const Descriptor before = previous_fd_ >= 0 ? open_regular(previous_fd_, path, previous) : Descriptor(-1);
  const auto before_size = static_cast<std::size_t>(previous.st_size);
  bool same = before.fd >= 0;
  std::size_t written = 0;
  constexpr std::size_t kPart = 1 << 20;
  std::string part;
  std::string scratch;
  const auto flush = [&] {
    write_all(out.fd, part, target);
    written += part.size();
    same = same && written <= before_size && next_bytes_are(before.fd, part, scratch);
    part.clear();
  };
  const auto append = [&](std::string_view piece) {
    part += piece;
    if (part.size() >= kPart) flush();
  };
  const auto copy_previous = [&](std::size_t offset, std::size_t size) {
    if (before.fd < 0 || offset > before_size || size > before_size - offset) return false;
    flush();
    copy_range(before.fd, offset, size, out.fd, target);
    // Unchanged so far when the range lands where it was; the comparison goes on after it.
    same = same && written == offset;
    written += size;
    if (same && ::lseek(before.fd, static_cast<off_t>(written), SEEK_SET) < 0) same = false;
    return true;
  };
  produce(Stream{append, copy_previous});
  flush();
  const int closed = ::close(out.fd);
  out.fd = -1;
  if (closed != 0) throw io_error("cannot write", target);
  if (!same || written != before_size) return;
  // Unchanged: the previous site's file, mtime and all.
  const std::string staged_copy = path + ".pmkb-new";
  if (::renameat(staging_fd_, path.c_str(), staging_fd_, staged_copy.c_str()) != 0) return;
  if (::linkat(previous_fd_, path.c_str(), staging_fd_, path.c_str(), 0) == 0) {
    ::unlinkat(staging_fd_, staged_copy.c_str(), 0);
  } else {
    ::renameat(staging_fd_, staged_copy.c_str(), staging_fd_, path.c_str());
  }
}

void StagedOutput::sweep(int dir_fd, const std::string& prefix, unsigned jobs) {
  const auto entries = entries_of(dir_fd);
  // A folder of many entries (incidents/ holds a folder per incident) is swept on the pool, its
  // subfolders each on one thread: the system calls are most of a one-file rebuild's commit.
  constexpr std::size_t kManyEntries = 256;
  const unsigned threads = entries.size() >= kManyEntries ? jobs : 1;
  parallel::for_each_index(entries.size(), threads, [&](std::size_t i) {
    const auto& [name, type] = entries[i];
    const std::string rel = prefix + name;
    bool folder = type == DT_DIR;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      folder = ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    if (!folder) {
      if (!written_.contains(rel) && ::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
        throw io_error("cannot remove", staging_ / rel);
      }
    } else if (!external_folders_.contains(rel)) {
      if (!folders_.contains(rel)) {
        remove_folder(dir_fd, name.c_str());
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
          throw std::runtime_error("cannot remove " + (staging_ / rel).string() +
                                   ", which the new site must not have; check its permissions");
        }
        return;
      }
      const Descriptor inner(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (inner.fd >= 0) sweep(inner.fd, rel + "/", threads > 1 ? 1 : jobs);
    }
  });
}

void StagedOutput::commit(unsigned jobs) {
  if (recycled_) sweep(staging_fd_, "", jobs);
  std::error_code ec;
  if (fs::exists(out_, ec)) {
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, out_.c_str(), RENAME_EXCHANGE) != 0) {
      throw io_error("cannot swap the new site into", out_);
    }
    committed_ = true;
    // staging_ now holds the previous site: set aside under a name the next build removes.
    if (cleanup_.joinable()) cleanup_.join();  // it may still be removing an earlier replaced_
    if (::rename(staging_.c_str(), replaced_.c_str()) != 0) remove_tree(staging_);
    return;
  }
  if (::rename(staging_.c_str(), out_.c_str()) != 0) throw io_error("cannot move the new site to", out_);
  committed_ = true;
}

}  // namespace pmkb::output
