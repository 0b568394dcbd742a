#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "content/file_stamps.h"
#include "content/loader.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

// Waits until files written before now have settled (content::is_settled: 0.1 s).
void let_files_settle() { std::this_thread::sleep_for(std::chrono::milliseconds(150)); }

// The loaded source at `path`.
const content::SourceFile& source_at(const std::vector<content::SourceFile>& sources, const std::string& path) {
  for (const auto& source : sources) {
    if (source.path == path) return source;
  }
  FAIL("no source " << path);
  return sources.front();
}

}  // namespace

TEST_CASE("file stamps: a file has settled once its ctime is older than a timestamp's granularity", "[content]") {
  const std::int64_t start = 1'700'000'000 * kSecond + 500'000'000;
  content::FileStamp fine{10, 1, 1, start - 50'000'000, start - 50'000'000};
  CHECK_FALSE(content::is_settled(fine, start));  // changed 0.05 s before the read began
  fine.ctime_ns = start - 150'000'000;
  CHECK(content::is_settled(fine, start));
  // Whole seconds: a coarse file system, where a change a second later can keep the same time.
  content::FileStamp coarse{10, 1, 1, 1'699'999'999 * kSecond, 1'699'999'999 * kSecond};
  CHECK_FALSE(content::is_settled(coarse, start));
  coarse.ctime_ns = coarse.mtime_ns = 1'699'999'997 * kSecond;
  CHECK(content::is_settled(coarse, start));
}

TEST_CASE("file stamps: records round-trip, and match only the same path, display path and stamp", "[content]") {
  const content::FileStamp stamp{120, 77, 3, 5 * kSecond + 1, 6 * kSecond + 2};
  const std::vector<content::StampedSource> records{{"a/b.md", "content/a/b.md", stamp, 0xfeedu},
                                                    {"tab\there.md", "content/tab\there.md", stamp, 1}};
  const std::string bytes = content::FileStamps::encode(records, "pmkb 1.0");
  const auto stamps = content::FileStamps::decode(bytes, "pmkb 1.0");
  CHECK(stamps.size() == 1);  // a path with a tab is not recorded: that file is read every time
  CHECK(stamps.digest_of("a/b.md", "content/a/b.md", stamp) == std::optional<std::uint64_t>(0xfeedu));
  CHECK_FALSE(stamps.digest_of("a/b.md", "elsewhere/a/b.md", stamp));
  content::FileStamp touched = stamp;
  touched.ctime_ns += 1;
  CHECK_FALSE(stamps.digest_of("a/b.md", "content/a/b.md", touched));
  content::FileStamp replaced = stamp;
  replaced.inode += 1;
  CHECK_FALSE(stamps.digest_of("a/b.md", "content/a/b.md", replaced));
  CHECK_FALSE(stamps.digest_of("b.md", "content/a/b.md", stamp));

  CHECK(content::FileStamps::decode(bytes, "pmkb 1.1").size() == 0);  // another binary's records
  CHECK(content::FileStamps::decode(bytes.substr(0, bytes.size() - 5), "pmkb 1.0").size() == 0);  // cut short
  CHECK(content::FileStamps::decode("", "pmkb 1.0").size() == 0);
  std::string damaged = bytes;
  damaged[damaged.find('\t', damaged.find('\n')) - 1] = 'x';  // a digest that is not a number
  CHECK(content::FileStamps::decode(damaged, "pmkb 1.0").size() == 0);
}

TEST_CASE("file stamps: the loader does not read a file whose stamp is as recorded, and reads one that changed", "[content]") {
  test::TempDir dir;
  dir.write("kept.md", "# Kept\n");
  dir.write("edited.md", "# Edited one\n");
  dir.write("repaired.md", "# Caf\xE9\n");  // read with a diagnostic: never trusted
  let_files_settle();
  diag::Diagnostics d;
  const auto first = content::load_content(dir.path(), {}, d);
  REQUIRE(first.size() == 3);
  REQUIRE(source_at(first, "kept.md").stamp);
  REQUIRE(source_at(first, "edited.md").stamp);
  CHECK_FALSE(source_at(first, "repaired.md").stamp);

  // Records with made-up digests: a source that comes back with one was not read.
  std::vector<content::StampedSource> records;
  for (const auto& source : first) {
    if (source.stamp) records.push_back({source.path, source.display_path, *source.stamp, source.digest + 1000});
  }
  const auto stamps = content::FileStamps::decode(content::FileStamps::encode(records, "id"), "id");
  // The edit keeps the size and puts the mtime back: only the ctime tells.
  const auto mtime = fs::last_write_time(dir.path() / "edited.md");
  dir.write("edited.md", "# Edited two\n");
  fs::last_write_time(dir.path() / "edited.md", mtime);
  let_files_settle();

  content::LoadOptions options;
  options.text_not_needed = [](std::uint64_t) { return true; };
  options.earlier = &stamps;
  diag::Diagnostics again;
  const auto second = content::load_content(dir.path(), options, again, 2);
  REQUIRE(second.size() == 3);
  CHECK(source_at(second, "kept.md").digest == source_at(first, "kept.md").digest + 1000);
  CHECK(source_at(second, "kept.md").text.empty());
  const auto& edited = source_at(second, "edited.md");
  CHECK(edited.digest == content::make_source_file("edited.md", edited.display_path, "# Edited two\n", d).digest);
  CHECK(source_at(second, "repaired.md").digest == source_at(first, "repaired.md").digest);
  CHECK(again.count(diag::Level::Warning) == 1);  // the repaired file was read, and reported, again

  // A recorded file whose extraction is not at hand is read.
  options.text_not_needed = [](std::uint64_t) { return false; };
  const auto third = content::load_content(dir.path(), options, again);
  CHECK(source_at(third, "kept.md").digest == source_at(first, "kept.md").digest);
  CHECK(source_at(third, "kept.md").text == "# Kept\n");
}

TEST_CASE("file stamps: a file changed just before the library is read gets no stamp", "[content]") {
  test::TempDir dir;
  dir.write("fresh.md", "# Fresh\n");
  diag::Diagnostics d;
  const auto sources = content::load_content(dir.path(), {}, d);
  REQUIRE(sources.size() == 1);
  CHECK_FALSE(sources[0].stamp);
}
