#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "output/staged_output.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

TEST_CASE("output: only safe relative paths are written", "[output]") {
  CHECK(output::is_safe_relative_path("incidents/a/index.html"));
  CHECK_FALSE(output::is_safe_relative_path("../etc/passwd"));
  CHECK_FALSE(output::is_safe_relative_path("a/../../x"));
  CHECK_FALSE(output::is_safe_relative_path("/etc/passwd"));
  CHECK_FALSE(output::is_safe_relative_path("a//b"));
  CHECK_FALSE(output::is_safe_relative_path("a\\b"));
  CHECK_FALSE(output::is_safe_relative_path(std::string("a\0b", 3)));
  CHECK_FALSE(output::is_safe_relative_path(""));
}

TEST_CASE("output: the new site replaces the old one only on commit", "[output]") {
  test::TempDir dir;
  const fs::path out = dir.path() / "public";
  {
    output::StagedOutput staged(out);
    staged.write({"index.html", "v1"});
    staged.commit();
  }
  CHECK(dir.read("public/index.html") == "v1");
  {
    output::StagedOutput staged(out);
    staged.write({"index.html", "v2"});
    CHECK_THROWS_AS(staged.write({"../escape.html", "x"}), std::invalid_argument);
    // destroyed without commit: a failed build
  }
  CHECK(dir.read("public/index.html") == "v1");
  CHECK_FALSE(fs::exists(dir.path() / "escape.html"));
  {
    output::StagedOutput staged(out);
    staged.write({"other.html", "v3"});
    staged.commit();
  }
  CHECK_FALSE(fs::exists(out / "index.html"));  // the whole site is replaced
  CHECK(dir.read("public/other.html") == "v3");
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find("staging") == std::string::npos);
  }
}

TEST_CASE("output: the replaced site is set aside, and the next build removes it", "[output]") {
  test::TempDir dir;
  const fs::path out = dir.path() / "public";
  const auto set_aside = [&] {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(".public.pmkb-replaced-")) names.push_back(name);
    }
    return names;
  };
  const auto build = [&](const std::string& bytes) {
    output::StagedOutput staged(out);
    staged.write({"index.html", bytes});
    staged.commit();
  };
  build("v1");
  CHECK(set_aside().empty());  // nothing was replaced
  build("v2");
  REQUIRE(set_aside().size() == 1);
  CHECK(dir.read(set_aside().front() + "/index.html") == "v1");
  CHECK(dir.read("public/index.html") == "v2");
  // A replaced site left by an earlier process (another pid) goes too.
  dir.write(".public.pmkb-replaced-999999/index.html", "v0");
  build("v3");
  REQUIRE(set_aside().size() == 1);
  CHECK(dir.read(set_aside().front() + "/index.html") == "v2");
  {
    output::StagedOutput failed(out);  // a build that fails still removes what is left over
    failed.write({"index.html", "never published"});
  }
  CHECK(set_aside().empty());
  CHECK(dir.read("public/index.html") == "v3");
}

TEST_CASE("output: a second build into the same directory is refused", "[output]") {
  test::TempDir dir;
  output::StagedOutput first(dir.path() / "public");
  CHECK_THROWS_WITH(output::StagedOutput(dir.path() / "public"), Catch::Contains("another pmkb build"));
}

TEST_CASE("output: a directory not written by pmkb is never replaced", "[output]") {
  test::TempDir dir;
  dir.write("home/notes.txt", "precious");
  CHECK_THROWS_WITH(output::StagedOutput(dir.path() / "home"), Catch::Contains("not written by pmkb"));
  CHECK(dir.read("home/notes.txt") == "precious");
}

TEST_CASE("output: staging left by a killed build is removed by the next one", "[output]") {
  test::TempDir dir;
  dir.write(".public.pmkb-staging-999999/index.html", "half-written");
  dir.write(".public.pmkb-staging-999998/xapian/x", "old site, half deleted");
  dir.write(".other.pmkb-staging-1/keep", "another output's staging is not ours to remove");
  {
    output::StagedOutput staged(dir.path() / "public");
    staged.write({"index.html", "new"});
    staged.commit();
  }
  CHECK(dir.read("public/index.html") == "new");
  CHECK_FALSE(fs::exists(dir.path() / ".public.pmkb-staging-999999"));
  CHECK_FALSE(fs::exists(dir.path() / ".public.pmkb-staging-999998"));
  CHECK(fs::exists(dir.path() / ".other.pmkb-staging-1" / "keep"));
}

TEST_CASE("output: a replaced site is removed whole, and a symbolic link in it is not followed", "[output]") {
  test::TempDir dir;
  const std::string left = ".public.pmkb-replaced-999999/";
  // More entries than one read of a folder returns, nested folders, and a link out of the site.
  for (int i = 0; i < 2000; ++i) dir.write(left + "incidents/inc-" + std::to_string(i) + "/index.html", "page");
  dir.write(left + "search/docs/1.json", "{}");
  dir.write("elsewhere/precious.txt", "not the site's");
  fs::create_directory_symlink(dir.path() / "elsewhere", dir.path() / (left + "search/link"));
  fs::create_symlink(dir.path() / "elsewhere" / "precious.txt", dir.path() / (left + "file-link"));
  {
    output::StagedOutput staged(dir.path() / "public");
    staged.write({"index.html", "new"});
    staged.commit();
  }
  CHECK_FALSE(fs::exists(dir.path() / ".public.pmkb-replaced-999999"));
  CHECK(dir.read("elsewhere/precious.txt") == "not the site's");
}

TEST_CASE("output: a streamed file is written piece by piece, and kept when unchanged", "[output]") {
  test::TempDir dir;
  const fs::path out = dir.path() / "public";
  const auto build = [&](std::vector<std::string> pieces) {
    output::StagedOutput staged(out);
    staged.write_streamed("data/export.json", [&](const output::StagedOutput::Stream& stream) {
      for (const auto& piece : pieces) stream.append(piece);
    });
    staged.commit();
  };
  build({"{", "\"a\": 1", "}"});
  CHECK(dir.read("public/data/export.json") == "{\"a\": 1}");
  // The same bytes in other pieces: the previous file is linked, not rewritten.
  struct stat before {};
  ::stat((out / "data/export.json").c_str(), &before);
  build({"{\"a\"", ": 1}"});
  struct stat same {};
  ::stat((out / "data/export.json").c_str(), &same);
  CHECK(same.st_ino == before.st_ino);
  CHECK(dir.read("public/data/export.json") == "{\"a\": 1}");
  // Longer, shorter, or different: written anew.
  for (const std::vector<std::string>& pieces : {std::vector<std::string>{"{\"a\": 1}", "x"}, std::vector<std::string>{"{\"a\""},
                                                 std::vector<std::string>{"{\"a\": 2}"}}) {
    struct stat previous {};
    ::stat((out / "data/export.json").c_str(), &previous);
    build(pieces);
    struct stat now {};
    ::stat((out / "data/export.json").c_str(), &now);
    CHECK(now.st_ino != previous.st_ino);
    std::string joined;
    for (const auto& piece : pieces) joined += piece;
    CHECK(dir.read("public/data/export.json") == joined);
  }
  CHECK_THROWS_AS(output::StagedOutput(dir.path() / "p2").write_streamed("../x", [](const auto&) {}), std::invalid_argument);
}

TEST_CASE("output: a streamed file copies ranges of the previous one, and is kept when they land where they were", "[output]") {
  test::TempDir dir;
  const fs::path out = dir.path() / "public";
  const auto inode = [&] {
    struct stat st {};
    ::stat((out / "export.json").c_str(), &st);
    return st.st_ino;
  };
  // Builds the file from ("bytes") and ("", offset, size) parts; the copies' results go to `copied`.
  struct Part {
    std::string bytes;
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  std::vector<bool> copied;
  const auto build = [&](const std::vector<Part>& parts) {
    output::StagedOutput staged(out);
    copied.clear();
    staged.write_streamed("export.json", [&](const output::StagedOutput::Stream& stream) {
      for (const auto& part : parts) {
        if (!part.bytes.empty()) stream.append(part.bytes);
        else copied.push_back(stream.copy_previous(part.offset, part.size));
      }
    });
    staged.commit();
  };
  build({{"[", 0, 0}, {"", 0, 4}, {"one,two]", 0, 0}});
  CHECK(copied == std::vector<bool>{false});  // no previous file: nothing copied
  CHECK(dir.read("public/export.json") == "[one,two]");

  const auto first = inode();
  build({{"[", 0, 0}, {"", 1, 3}, {",", 0, 0}, {"", 5, 4}});  // the same bytes, in the same places
  CHECK(copied == std::vector<bool>{true, true});
  CHECK(dir.read("public/export.json") == "[one,two]");
  CHECK(inode() == first);  // unchanged: kept, mtime and all

  build({{"[zero,", 0, 0}, {"", 1, 8}, {"", 7, 20}});  // moved, and a range past the end
  CHECK(copied == std::vector<bool>{true, false});
  CHECK(dir.read("public/export.json") == "[zero,one,two]");
  CHECK(inode() != first);

  build({{"", 6, 8}, {"", 0, 6}});  // out of order, and the first bytes follow the copied ones
  CHECK(copied == std::vector<bool>{true, true});
  CHECK(dir.read("public/export.json") == "one,two][zero,");
}

namespace {

// Every file under `root` (relative paths), links included, folders not.
std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!fs::is_directory(entry.symlink_status())) out.push_back(fs::relative(entry.path(), root).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

ino_t inode_of(const fs::path& file) {
  struct stat st {};
  REQUIRE(::lstat(file.c_str(), &st) == 0);
  return st.st_ino;
}

}  // namespace

TEST_CASE("output: the site the build before replaced is recycled, and only what the build wrote is published", "[output]") {
  test::TempDir dir;
  const fs::path out = dir.path() / "public";
  const auto build = [&](const std::vector<model::OutputFile>& files, const std::vector<std::string>& kept) {
    output::StagedOutput staged(out);
    for (const auto& file : files) staged.write(file);
    for (const auto& path : kept) CHECK(staged.keep(path));
    staged.commit();
  };
  build({{"a/x.html", "a1"}, {"b/y.html", "b1"}, {"c/z/w.html", "c1"}, {"shape", "a file, later a folder"}}, {});
  build({{"a/x.html", "a1"}, {"b/y.html", "b1"}, {"c/z/w.html", "c1"}, {"shape", "a file, later a folder"}}, {});
  // The set-aside site (the first build's) shares its unchanged files with the published one.
  std::string aside;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path().filename().string().starts_with(".public.pmkb-replaced-")) aside = entry.path().filename().string();
  }
  REQUIRE_FALSE(aside.empty());
  dir.write("elsewhere/precious.txt", "not the site's");
  fs::create_directory_symlink(dir.path() / "elsewhere", dir.path() / aside / "d");  // where the next build writes a folder
  const ino_t b_before = inode_of(out / "b/y.html");

  SECTION("a published file is never written through a link from the recycled site") {
    {
      output::StagedOutput failed(out);
      failed.write({"a/x.html", "a2"});  // the recycled copy of a/x.html is a link to the published one
      failed.write({"d/q.html", "q"});
    }
    CHECK(dir.read("public/a/x.html") == "a1");
    CHECK(dir.read("elsewhere/precious.txt") == "not the site's");
    CHECK_FALSE(fs::exists(dir.path() / "elsewhere" / "q.html"));
  }
  SECTION("stale files, folders and links go; changed files are new; kept ones are the previous site's") {
    build({{"a/x.html", "a2"}, {"d/q.html", "q"}, {"shape/inner.html", "now a folder"}}, {"b/y.html"});
    CHECK(files_under(out) == std::vector<std::string>{".pmkb-output", "a/x.html", "b/y.html", "d/q.html", "shape/inner.html"});
    CHECK(dir.read("public/a/x.html") == "a2");
    CHECK(dir.read("public/d/q.html") == "q");
    CHECK(inode_of(out / "b/y.html") == b_before);  // kept: the same file, mtime and all
    CHECK(fs::is_directory(fs::symlink_status(out / "d")));  // a folder, not the planted link
    CHECK(dir.read("elsewhere/precious.txt") == "not the site's");
    CHECK_FALSE(fs::exists(dir.path() / "elsewhere" / "q.html"));
    // The site just replaced is set aside whole, for the next build.
    build({{"a/x.html", "a2"}}, {"b/y.html"});
    CHECK(files_under(out) == std::vector<std::string>{".pmkb-output", "a/x.html", "b/y.html"});
  }
}

TEST_CASE("output: a recycled folder of many folders is swept on several threads, exactly as on one", "[output]") {
  // incidents/ of a large site: more folders than the sweep does on one thread. Each build
  // drops some incidents and adds others; what is published is what the build wrote.
  for (const unsigned jobs : {1u, 4u}) {
    INFO("jobs " << jobs);
    test::TempDir dir;
    const fs::path out = dir.path() / "public";
    // Folders whose number `dropped_every` divides are left out; the first builds also write
    // an extra file in every fifth folder, which later builds do not.
    const auto build = [&](int first, int last, int dropped_every) {
      output::StagedOutput staged(out);
      std::vector<std::string> expected{".pmkb-output"};
      for (int n = first; n < last; ++n) {
        if (dropped_every != 0 && n % dropped_every == 0) continue;
        const std::string page = "incidents/" + std::to_string(n) + "/index.html";
        if (!staged.keep(page)) staged.write({page, "page " + std::to_string(n)});
        expected.push_back(page);
        if (dropped_every == 0 && n % 5 == 0) {
          staged.write({"incidents/" + std::to_string(n) + "/extra.json", "{}"});
          expected.push_back("incidents/" + std::to_string(n) + "/extra.json");
        }
      }
      staged.commit(jobs);
      std::sort(expected.begin(), expected.end());
      return expected;
    };
    build(0, 400, 0);
    build(0, 400, 0);  // the third build recycles the first one's site
    CHECK(files_under(out) == build(100, 500, 7));
    CHECK(files_under(out) == build(0, 300, 3));
    CHECK(dir.read("public/incidents/1/index.html") == "page 1");
  }
}
