// What a source file's metadata says about it, so that a rebuild can know it unchanged without
// reading it, as git's index does: a file whose size, inode, device, mtime and ctime are as an
// earlier build recorded them holds the bytes it held then. The ctime is the safeguard: nothing
// but the kernel sets it (`touch -d` moves the mtime, and the ctime to now), and an editor that
// saves by renaming gives the file a new inode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pmkb::content {

struct FileStamp {
  std::uint64_t size = 0;
  std::uint64_t inode = 0;
  std::uint64_t device = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// A stamp taken at `read_started_ns` (the wall clock when the library's reading began) can be
// trusted later only if the file had settled by then: its ctime is older than that by more than
// a timestamp's granularity. Otherwise a change made in the same clock tick as the read, with the
// same size, would leave the stamp as it was. Timestamps without nanoseconds (FAT, some network
// file systems) are taken to be 2 s coarse.
bool is_settled(const FileStamp& stamp, std::int64_t read_started_ns);

// One source's record: where it is, how it is printed, its stamp and its digest.
struct StampedSource {
  std::string path;
  std::string display_path;
  FileStamp stamp;
  std::uint64_t digest = 0;
};

// The records of an earlier build (OUT/.pmkb-stamps), for one pmkb binary (`identity`): a
// record made by another binary, which may read text differently, is not trusted.
class FileStamps {
 public:
  FileStamps() = default;

  // Empty (every file is read) for missing, damaged or foreign bytes.
  static FileStamps decode(std::string_view bytes, std::string_view identity);
  static std::string encode(const std::vector<StampedSource>& sources, std::string_view identity);

  // The digest recorded for `path`, if it was printed as `display_path` and its stamp is `now`.
  std::optional<std::uint64_t> digest_of(const std::string& path, std::string_view display_path, const FileStamp& now) const;
  std::size_t size() const { return records_.size(); }

 private:
  std::unordered_map<std::string, StampedSource> records_;  // by path
};

}  // namespace pmkb::content
