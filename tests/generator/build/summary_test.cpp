#include <catch2/catch.hpp>

#include "build/summary.h"

using namespace pmkb;

namespace {

build::BuildResult result_with(std::size_t incidents, std::size_t causes, int warnings, int errors, double seconds) {
  build::BuildResult result;
  result.summary.incidents = incidents;
  result.summary.causes = causes;
  result.summary.seconds = seconds;
  for (int i = 0; i < warnings; ++i) result.diagnostics.report(diag::Level::Warning, {"a.md", 1, 1}, "w", "missing-date");
  for (int i = 0; i < errors; ++i) result.diagnostics.report(diag::Level::Error, {"a.md", 1, 1}, "e", "duplicate-id");
  result.diagnostics.report(diag::Level::Info, {"a.md", 1, 1}, "notes are not counted", "no-cause");
  return result;
}

}  // namespace

TEST_CASE("summary: build line counts incidents, causes, warnings, errors and seconds", "[build]") {
  CHECK(build::summary_line(build::Command::Build, result_with(1000, 14, 3, 0, 4.24)) ==
        "pmkb: built 1000 incidents, 14 causes, 3 warnings, 0 errors in 4.2s");
  CHECK(build::summary_line(build::Command::Build, result_with(1, 1, 1, 1, 0.04)) ==
        "pmkb: built 1 incident, 1 cause, 1 warning, 1 error in 0.0s");
}

TEST_CASE("summary: lint line", "[build]") {
  CHECK(build::summary_line(build::Command::Lint, result_with(1000, 14, 2, 5, 1.06)) ==
        "pmkb: linted 1000 incidents: 2 warnings, 5 errors in 1.1s");
}
