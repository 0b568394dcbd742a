// Stage 6, write: the only code that writes under the output directory.
//
// A build writes into a staging directory beside OUT and swaps it into place in one
// rename (RENAME_EXCHANGE), so readers see the old site or the new one, never half of one,
// and a build that fails or is killed leaves the previous site intact. The site it replaced
// is set aside beside OUT (.OUT.pmkb-replaced-PID), and the next build recycles it as its
// staging directory: its folders are already there (making and deleting the 10,000 folders
// of a large site was most of a one-file rebuild), a file that is already the previous
// site's file (the same inode) stays, every other file is replaced, never written in
// place, and whatever the build did not write is removed before the swap. Anything else
// earlier builds left beside OUT is deleted on a thread of its own while the build works.
// A lock file beside OUT refuses a second build into the same OUT while one runs. A file
// whose bytes are the same as in the previous site is hard-linked from it rather than
// written again, so it keeps its mtime and a deploy that syncs by mtime uploads only what
// changed.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "model/output_file.h"

namespace pmkb::output {

// True when `rel` is a safe relative path: not empty or absolute, no "..", ".", empty
// segments, backslashes, NUL or control characters.
bool is_safe_relative_path(std::string_view rel);

class StagedOutput {
 public:
  // Takes the lock and creates the staging directory, and starts removing, in the
  // background, the sites that earlier builds replaced and the staging directories that
  // killed builds left beside OUT. Throws std::runtime_error when another
  // build holds the lock, or when OUT exists but was not written by pmkb (so a mistyped -o
  // never replaces an unrelated directory).
  // `reuse_unchanged`: hard-link files that are the same as in the site being replaced, and
  // recycle the site that the build before it replaced. Without it, every file and folder
  // is made anew.
  explicit StagedOutput(std::filesystem::path out_dir, bool reuse_unchanged = true);
  // Removes the staging directory unless committed, waits for the background removal, and
  // releases the lock.
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // The path of a folder `rel` under the staging directory, which does not exist yet, for a
  // writer that makes its own files there (the Xapian database); whatever it holds when
  // committed is kept. Throws as write() does.
  std::filesystem::path external_folder(const std::string& rel);

  // Writes `file` under the staging directory (safe to call from several threads for
  // different files). Throws std::invalid_argument for an unsafe
  // path and std::runtime_error when the disk refuses.
  void write(const model::OutputFile& file);
  // What write_streamed() hands its producer. `append` writes bytes. `copy_previous` copies
  // `size` bytes at `offset` of the previous site's file at the same path, in the kernel
  // (copy_file_range(2)), so that a large file that changed in one place is not read into
  // memory; it returns false, having written nothing, when there is no such file or the range
  // is not in it.
  struct Stream {
    std::function<void(std::string_view)> append;
    std::function<bool(std::size_t offset, std::size_t size)> copy_previous;
  };
  // Writes the file at `path` from what `produce` passes to the Stream it is given, without
  // holding the whole file in memory; an unchanged file is hard-linked from the previous site,
  // as write() does. Same errors as write().
  using Producer = std::function<void(const Stream&)>;
  void write_streamed(const std::string& path, const Producer& produce);

  // Keeps the previous site's file at `path` as it is (hard-linked, mtime and all), for a
  // file known to be unchanged without making it again. False when there is no previous
  // file to keep (or the link fails): the caller then writes it. Throws for an unsafe path.
  bool keep(const std::string& path);

  // Removes from a recycled staging directory what this build did not write (on up to `jobs`
  // threads), atomically replaces OUT with it, and sets the old site aside for the next build
  // to recycle.
  void commit(unsigned jobs = 1);

 private:
  // Creates the folders of `path` under the staging directory (each once per build); throws
  // as write() does.
  void prepare_parent(const std::string& path);
  // Clears the way for a new file at `path` in a recycled staging directory (which may hold
  // a link to a published file there: it is unlinked, never written through), and records
  // that this build wrote `path`.
  void claim(const std::string& path);
  // True when the staging directory's file at `path` is the previous site's, whose status is
  // `previous` (the same inode).
  bool already_previous(const std::string& path, const struct stat& previous) const;
  // Keeps the previous site's file at `path` (which exists, with status `previous`, and has
  // the bytes wanted).
  bool keep_previous(const std::string& path, const struct stat& previous);
  void note_written(const std::string& path);
  // Removes from the staging folder `dir_fd` (at `prefix`) each file and folder this build
  // did not write, on up to `jobs` threads.
  void sweep(int dir_fd, const std::string& prefix, unsigned jobs);

  std::filesystem::path out_;
  std::filesystem::path staging_;
  std::filesystem::path replaced_;  // where commit() sets the previous site aside
  // Files are written and linked relative to these, not through absolute paths.
  int staging_fd_ = -1;
  int previous_fd_ = -1;  // the site being replaced, or -1 when there is none to reuse
  std::mutex folders_mutex_;
  std::set<std::string> folders_;  // made under the staging directory so far
  bool recycled_ = false;          // the staging directory is an earlier site, not empty
  std::mutex written_mutex_;
  std::unordered_set<std::string> written_;  // files written so far (only when recycled_)
  std::set<std::string> external_folders_;   // external_folder()s, kept whole
  int lock_fd_ = -1;
  bool committed_ = false;
  std::jthread cleanup_;  // removes what earlier builds left beside OUT; joined under the lock
};

}  // namespace pmkb::output
