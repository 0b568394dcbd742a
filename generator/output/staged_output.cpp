#include "output/staged_output.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "text/text.h"

namespace pmkb::output {

namespace fs = std::filesystem;

namespace {

// Marks a directory as pmkb output: only such a directory is ever replaced.
constexpr const char* kMarker = ".pmkb-output";

std::runtime_error io_error(const std::string& what, const fs::path& path) {
  return std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// True when `path` is a regular file holding exactly `bytes`.
bool same_bytes(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec)) || fs::file_size(path, ec) != bytes.size() || ec) return false;
  std::ifstream in(path, std::ios::binary);
  std::string buffer(64 * 1024, '\0');
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t want = std::min(buffer.size(), bytes.size() - at);
    if (!in.read(buffer.data(), static_cast<std::streamsize>(want))) return false;
    if (bytes.compare(at, want, buffer, 0, want) != 0) return false;
    at += want;
  }
  return true;
}

bool is_empty_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::directory_iterator(dir, ec) == fs::directory_iterator();
}

// What earlier builds left beside OUT (names starting with `prefix`, other than `keep`): the
// sites that builds replaced, and the half-written staging directories of killed builds.
// Called with the lock held, so no other build is using them.
std::vector<fs::path> leftovers(const fs::path& parent, const std::vector<std::string>& prefixes, const fs::path& keep) {
  std::error_code ec;
  std::vector<fs::path> found;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool ours = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return name.rfind(p, 0) == 0; });
    if (ours && it->path() != keep) found.push_back(it->path());
  }
  return found;
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
  if (reuse_unchanged && fs::exists(out_ / kMarker)) previous_ = out_;
  const std::string hidden = "." + out_.filename().string();
  staging_ = parent / (hidden + ".pmkb-staging-" + std::to_string(::getpid()));
  replaced_ = parent / (hidden + ".pmkb-replaced-" + std::to_string(::getpid()));
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec) throw std::runtime_error("cannot create " + staging_.string() + ": " + ec.message());
  cleanup_ = std::jthread([stale = leftovers(parent, {hidden + ".pmkb-staging-", hidden + ".pmkb-replaced-"}, staging_)] {
    std::error_code ignored;  // what cannot be removed now is tried again by the next build
    for (const auto& dir : stale) fs::remove_all(dir, ignored);
  });
  write({kMarker, "This directory is written by pmkb; each build replaces it whole.\n"});
}

StagedOutput::~StagedOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
  if (cleanup_.joinable()) cleanup_.join();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

fs::path StagedOutput::prepare_target(const std::string& path) const {
  if (!is_safe_relative_path(path)) throw std::invalid_argument("refusing to write outside the site: \"" + path + "\"");
  const fs::path target = staging_ / path;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw std::runtime_error("cannot create " + target.parent_path().string() + ": " + ec.message());
  return target;
}

void StagedOutput::write(const model::OutputFile& file) {
  const fs::path target = prepare_target(file.path);
  if (!previous_.empty() && same_bytes(previous_ / file.path, file.bytes) &&
      ::link((previous_ / file.path).c_str(), target.c_str()) == 0) {
    return;  // unchanged: the previous site's file, mtime and all
  }
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out.write(file.bytes.data(), static_cast<std::streamsize>(file.bytes.size()));
  out.close();
  if (!out) throw io_error("cannot write", target);
}

bool StagedOutput::keep(const std::string& path) {
  if (previous_.empty()) return false;
  const fs::path target = prepare_target(path);
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(previous_ / path, ec))) return false;
  return ::link((previous_ / path).c_str(), target.c_str()) == 0;
}

void StagedOutput::write_streamed(const std::string& path, const Producer& produce) {
  const fs::path target = prepare_target(path);
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  // Compared with the previous site's file as it is written: a piece that differs ends the
  // comparison.
  std::ifstream before;
  if (!previous_.empty()) {
    std::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(previous_ / path, ec))) before.open(previous_ / path, std::ios::binary);
  }
  bool same = before.is_open();
  std::string buffer;
  produce([&](std::string_view piece) {
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    if (!same) return;
    buffer.resize(piece.size());
    same = before.read(buffer.data(), static_cast<std::streamsize>(piece.size())) && piece == buffer;
  });
  out.close();
  if (!out) throw io_error("cannot write", target);
  same = same && before.peek() == std::char_traits<char>::eof();
  if (!same) return;
  // Unchanged: the previous site's file, mtime and all.
  const fs::path staged_copy = target.string() + ".pmkb-new";
  if (::rename(target.c_str(), staged_copy.c_str()) != 0) return;
  if (::link((previous_ / path).c_str(), target.c_str()) == 0) {
    ::unlink(staged_copy.c_str());
  } else {
    ::rename(staged_copy.c_str(), target.c_str());
  }
}

StagedOutput::RangeReader StagedOutput::previous_ranges(const std::string& path) const {
  if (!is_safe_relative_path(path)) throw std::invalid_argument("refusing to read outside the site: \"" + path + "\"");
  if (previous_.empty()) return [](std::size_t, std::size_t) { return std::optional<std::string>(); };
  // One descriptor, shared by the copies of the reader and closed with the last; pread() needs
  // no lock between threads.
  std::shared_ptr<int> fd(new int(::open((previous_ / path).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)), [](int* owned) {
    if (*owned >= 0) ::close(*owned);
    delete owned;
  });
  struct stat st {};
  const bool regular = *fd >= 0 && ::fstat(*fd, &st) == 0 && S_ISREG(st.st_mode);
  const auto file_size = regular ? static_cast<std::size_t>(st.st_size) : 0;
  return [fd, regular, file_size](std::size_t offset, std::size_t size) -> std::optional<std::string> {
    if (!regular || offset > file_size || size > file_size - offset) return std::nullopt;
    std::string bytes(size, '\0');
    for (std::size_t at = 0; at < size;) {
      const ssize_t got = ::pread(*fd, bytes.data() + at, size - at, static_cast<off_t>(offset + at));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return std::nullopt;
      at += static_cast<std::size_t>(got);
    }
    return bytes;
  };
}

void StagedOutput::commit() {
  std::error_code ec;
  if (fs::exists(out_, ec)) {
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, out_.c_str(), RENAME_EXCHANGE) != 0) {
      throw io_error("cannot swap the new site into", out_);
    }
    committed_ = true;
    // staging_ now holds the previous site: set aside under a name the next build removes.
    if (cleanup_.joinable()) cleanup_.join();  // it may still be removing an earlier replaced_
    if (::rename(staging_.c_str(), replaced_.c_str()) != 0) fs::remove_all(staging_, ec);
    return;
  }
  if (::rename(staging_.c_str(), out_.c_str()) != 0) throw io_error("cannot move the new site to", out_);
  committed_ = true;
}

}  // namespace pmkb::output
