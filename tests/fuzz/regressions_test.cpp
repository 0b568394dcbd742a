#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "fuzz/harness.h"

namespace fs = std::filesystem;

// Every input a fuzzer crashed on is kept under tests/fuzz/regressions/<target>/ and replayed
// here through the same harness, so the fix stays tested in the normal and sanitizer builds.
// A harness that breaks its contract aborts the test binary, which fails the run.
TEST_CASE("fuzz regressions: every kept crasher runs through its harness cleanly", "[fuzz]") {
  const fs::path root = fs::path(PMKB_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  REQUIRE(fs::is_directory(root));
  std::size_t replayed = 0;
  for (const auto& target : pmkb::fuzz::targets()) {
    const fs::path dir = root / std::string(target.name);
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream read;
      read << in.rdbuf();
      // Exactly as large as the input, like libFuzzer's buffer: a read one past the end is
      // caught by ASan instead of landing on std::string's terminating NUL.
      const std::string bytes = read.str();
      const auto exact = std::make_unique<char[]>(bytes.size());
      std::copy(bytes.begin(), bytes.end(), exact.get());
      INFO(entry.path().string());
      target.run(std::string_view(exact.get(), bytes.size()));
      ++replayed;
    }
  }
  CHECK(replayed > 0);
}
