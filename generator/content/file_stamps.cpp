#include "content/file_stamps.h"

#include <charconv>

namespace pmkb::content {

namespace {

// One line a record: digest, size, inode, device, mtime, ctime (decimal), path, display path,
// separated by tabs. A path with a tab or a line break in it is not recorded (the file is just
// read every time).
constexpr std::string_view kHeader = "pmkb-stamps 1\t";

std::string_view next_field(std::string_view& line) {
  const std::size_t tab = line.find('\t');
  const std::string_view field = line.substr(0, tab);
  line = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
  return field;
}

template <class Number>
bool read_number(std::string_view& line, Number& value) {
  const std::string_view field = next_field(line);
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  return error == std::errc() && end == field.data() + field.size();
}

}  // namespace

bool is_settled(const FileStamp& stamp, std::int64_t read_started_ns) {
  constexpr std::int64_t kFine = 100'000'000;       // 0.1 s: many ticks of the kernel's coarse clock
  constexpr std::int64_t kCoarse = 2'000'000'000;  // 2 s: FAT's granularity
  constexpr std::int64_t kSecond = 1'000'000'000;
  const bool coarse = stamp.ctime_ns % kSecond == 0 && stamp.mtime_ns % kSecond == 0;
  return stamp.ctime_ns < read_started_ns - (coarse ? kCoarse : kFine);
}

FileStamps FileStamps::decode(std::string_view bytes, std::string_view identity) {
  FileStamps out;
  const std::size_t first_end = bytes.find('\n');
  if (first_end == std::string_view::npos || bytes.substr(0, first_end) != std::string(kHeader) + std::string(identity)) return out;
  for (std::size_t at = first_end + 1; at < bytes.size();) {
    std::size_t end = bytes.find('\n', at);
    if (end == std::string_view::npos) return {};  // cut short: trust none of it
    std::string_view line = bytes.substr(at, end - at);
    at = end + 1;
    StampedSource record;
    FileStamp& s = record.stamp;
    if (!read_number(line, record.digest) || !read_number(line, s.size) || !read_number(line, s.inode) || !read_number(line, s.device) ||
        !read_number(line, s.mtime_ns) || !read_number(line, s.ctime_ns)) {
      return {};
    }
    record.path = std::string(next_field(line));
    record.display_path = std::string(line);
    if (record.path.empty()) return {};
    std::string key = record.path;
    out.records_.emplace(std::move(key), std::move(record));
  }
  return out;
}

std::string FileStamps::encode(const std::vector<StampedSource>& sources, std::string_view identity) {
  std::string out;
  out.append(kHeader).append(identity).append("\n");
  for (const StampedSource& r : sources) {
    const auto plain = [](std::string_view s) { return s.find_first_of("\t\n") == std::string_view::npos; };
    if (r.path.empty() || !plain(r.path) || !plain(r.display_path) || !plain(identity)) continue;
    const FileStamp& s = r.stamp;
    for (const std::uint64_t n : {r.digest, s.size, s.inode, s.device}) out.append(std::to_string(n)).append("\t");
    for (const std::int64_t n : {s.mtime_ns, s.ctime_ns}) out.append(std::to_string(n)).append("\t");
    out.append(r.path).append("\t").append(r.display_path).append("\n");
  }
  return out;
}

std::optional<std::uint64_t> FileStamps::digest_of(const std::string& path, std::string_view display_path, const FileStamp& now) const {
  const auto it = records_.find(path);
  if (it == records_.end() || it->second.display_path != display_path || !(it->second.stamp == now)) return std::nullopt;
  return it->second.digest;
}

}  // namespace pmkb::content
