#include <catch2/catch.hpp>

#include <filesystem>

#include "content/loader.h"
#include "support/fixtures.h"

using namespace pmkb;

TEST_CASE("loader: finds Markdown recursively, sorted, skipping hidden and ignored files", "[content]") {
  test::TempDir dir;
  dir.write("b.md", "# B");
  dir.write("a/z.markdown", "# Z");
  dir.write("a/notes.txt", "not markdown");
  dir.write(".hidden/x.md", "# hidden");
  dir.write("drafts/wip.md", "# wip");
  diag::Diagnostics d;
  const auto files = content::load_content(dir.path(), {{"drafts/*"}, 1024, {}}, d);
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == "a/z.markdown");
  CHECK(files[1].path == "b.md");
  CHECK(d.all().empty());
}

TEST_CASE("loader: a file over the size limit is skipped with an error", "[content]") {
  test::TempDir dir;
  dir.write("big.md", std::string(2000, 'x'));
  dir.write("ok.md", "# ok");
  diag::Diagnostics d;
  const auto files = content::load_content(dir.path(), {{}, 1000, {}}, d);
  REQUIRE(files.size() == 1);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].rule == "file-too-large");
  CHECK(d.all()[0].level == diag::Level::Error);
}

TEST_CASE("loader: symbolic links are not followed", "[content]") {
  test::TempDir dir;
  test::TempDir outside;
  outside.write("secret.md", "# secret");
  dir.write("ok.md", "# ok");
  std::filesystem::create_symlink(outside.path() / "secret.md", dir.path() / "link.md");
  diag::Diagnostics d;
  const auto files = content::load_content(dir.path(), {}, d);
  REQUIRE(files.size() == 1);
  CHECK(files[0].path == "ok.md");
  CHECK(d.all().size() == 1);
  CHECK(d.all()[0].rule == "symlink-skipped");
}

TEST_CASE("loader: a directory named like Markdown is not read as a file", "[content]") {
  test::TempDir dir;
  dir.write("ok.md", "# ok");
  dir.write("dir.md/inner.txt", "a directory named like Markdown");
  diag::Diagnostics d;
  const auto files = content::load_content(dir.path(), {}, d);
  REQUIRE(files.size() == 1);
  CHECK(files[0].path == "ok.md");
}

TEST_CASE("loader: a missing content directory is an environment failure", "[content]") {
  diag::Diagnostics d;
  CHECK_THROWS_WITH(content::load_content("/nonexistent/pmkb", {}, d), Catch::Contains("does not exist"));
}

TEST_CASE("loader: invalid UTF-8 is repaired with a located warning", "[content]") {
  diag::Diagnostics d;
  const auto file = content::make_source_file("a.md", "content/a.md", "# T\n\xE9t\xE9\n", d);
  CHECK(file.text == "# T\n\xC3\xA9t\xC3\xA9\n");
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].rule == "encoding-repaired");
  CHECK(d.all()[0].where.line == 2);
  CHECK(d.all()[0].where.column == 1);
}

TEST_CASE("loader: reading on several threads gives the same files and diagnostics in the same order", "[content]") {
  test::TempDir dir;
  for (int i = 0; i < 60; ++i) dir.write("team-" + std::to_string(i % 7) + "/pm-" + std::to_string(i) + ".md", "# Incident " + std::to_string(i));
  dir.write("team-1/bad.md", std::string("# Bad\n\xFF\xFE odd bytes\n"));
  dir.write("team-3/huge.md", std::string(3000, 'x'));
  dir.write("team-5/empty-ish.md", std::string("\0\0# nul", 7));
  const auto load = [&](unsigned jobs) {
    diag::Diagnostics d;
    const auto files = content::load_content(dir.path(), {{}, 2000, {}}, d, jobs);
    std::vector<std::string> seen;
    for (const auto& file : files) seen.push_back(file.path + "\n" + file.text);
    return std::pair{seen, diag::format_json(d.all())};
  };
  const auto [one_files, one_diagnostics] = load(1);
  const auto [four_files, four_diagnostics] = load(4);
  CHECK(one_files.size() == 62);  // the file over the limit is skipped
  CHECK(four_files == one_files);
  CHECK(four_diagnostics == one_diagnostics);
  CHECK(one_diagnostics.find("file-too-large") != std::string::npos);
  CHECK(one_diagnostics.find("encoding-repaired") != std::string::npos);
}

TEST_CASE("loader: each file's digest covers its path and text, and a file whose text is not needed comes without it", "[content]") {
  test::TempDir dir;
  dir.write("a.md", "# A\n");
  dir.write("b.md", "# B\n");
  dir.write("c.md", "# A\n");  // a's text, another path
  diag::Diagnostics d;
  const auto whole = content::load_content(dir.path(), {}, d);
  REQUIRE(whole.size() == 3);
  CHECK(whole[0].digest != whole[1].digest);
  CHECK(whole[0].digest != whole[2].digest);
  CHECK(whole[0].digest == content::make_source_file("a.md", whole[0].display_path, "# A\n", d).digest);

  content::LoadOptions options;
  options.text_not_needed = [&](std::uint64_t digest) { return digest == whole[1].digest; };
  const auto some = content::load_content(dir.path(), options, d, 2);
  REQUIRE(some.size() == 3);
  CHECK(some[0].text == "# A\n");
  CHECK(some[1].text.empty());
  CHECK(some[1].digest == whole[1].digest);
  CHECK(some[2].text == "# A\n");

  dir.write("b.md", "# B, edited\n");
  const auto edited = content::load_content(dir.path(), options, d);
  CHECK(edited[1].text == "# B, edited\n");
  CHECK(edited[1].digest != whole[1].digest);
  CHECK(d.all().empty());
}

TEST_CASE("loader: a file is read whole, whatever its size against the read size", "[content]") {
  test::TempDir dir;
  for (std::size_t size : {0u, 1u, 4095u, 4096u, 65536u, 65537u, 200000u}) {
    std::string text(size, 'x');
    for (std::size_t i = 0; i < size; i += 97) text[i] = '\n';
    dir.write("f" + std::to_string(size) + ".md", text);
  }
  diag::Diagnostics d;
  const auto files = content::load_content(dir.path(), {{}, 200000, {}}, d);
  REQUIRE(files.size() == 7);
  for (const auto& file : files) {
    INFO(file.path);
    CHECK(file.text.size() == std::stoul(file.path.substr(1)));
  }
  CHECK(d.all().empty());
}
