#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <thread>
#include <vector>

#include "progress/progress.h"

using namespace pmkb::progress;
using namespace std::chrono_literals;

TEST_CASE("progress: a counted phase shows count, total, percent and rate", "[progress]") {
  CHECK(format_line({"parse + extract", 4231, 10000, 2.0}, 120) == "pmkb: parse + extract 4,231/10,000 42% 2,115/s");
  CHECK(format_line({"parse + extract", 12, 10, 1.0}, 120) == "pmkb: parse + extract 10/10 100% 10/s");  // never past the total
  CHECK(format_line({"parse + extract", 0, 10, 0.0}, 120) == "pmkb: parse + extract 0/10 0%");           // no rate yet
}

TEST_CASE("progress: an uncounted phase shows its elapsed time", "[progress]") {
  CHECK(format_line({"index", 0, 0, 3.25}, 120) == "pmkb: index 3.2s");
}

TEST_CASE("progress: the line stays off the terminal's last column", "[progress]") {
  const std::string line = format_line({"parse + extract", 5, 10, 1.0}, 12);
  CHECK(line == "pmkb: parse");
  CHECK(format_line({"x", 0, 0, 0}, 0).size() == 1);
}

TEST_CASE("progress: the terminal line is redrawn in place and erased at the end", "[progress]") {
  std::ostringstream out;
  TerminalProgress progress(out, 100, 20ms);
  progress.begin_phase("parse + extract", 1000);
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&progress] {
      for (int i = 0; i < 250; ++i) progress.advance();
    });
  }
  for (auto& worker : workers) worker.join();
  // Wait for a redraw that began after every tick was counted (draws() waits for one in progress).
  const std::size_t drawn_before = progress.draws();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (progress.draws() == drawn_before && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  progress.finish();
  const std::string text = out.str();
  CHECK(text.rfind("\r", 0) == 0);
  CHECK(text.find("pmkb: parse + extract 1,000/1,000 100%") != std::string::npos);  // every concurrent tick counted
  CHECK(text.find('\n') == std::string::npos);
  REQUIRE(text.size() >= 4);
  CHECK(text.substr(text.size() - 4) == "\r\033[K");
  progress.finish();  // idempotent: nothing more is written
  CHECK(out.str() == text);
}

TEST_CASE("progress: at most one redraw per interval", "[progress]") {
  std::ostringstream out;
  TerminalProgress progress(out, 100, 100ms);
  const auto started = std::chrono::steady_clock::now();
  progress.begin_phase("render", 0);
  while (std::chrono::steady_clock::now() - started < 550ms) {
    progress.advance();
    std::this_thread::sleep_for(1ms);
  }
  progress.begin_phase("write", 0);  // a new phase does not force a redraw either
  progress.finish();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(progress.draws() >= 1);
  CHECK(progress.draws() <= static_cast<std::size_t>(elapsed / 0.1) + 1);
}

TEST_CASE("progress: a display that never began writes nothing", "[progress]") {
  std::ostringstream out;
  {
    TerminalProgress progress(out, 80);
    progress.finish();
  }
  CHECK(out.str().empty());
}
