#include "build/summary.h"

#include <cstdio>

namespace pmkb::build {

namespace {

std::string count(std::size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

std::string summary_line(Command command, const BuildResult& result) {
  const auto warnings = static_cast<std::size_t>(result.diagnostics.count(diag::Level::Warning));
  const auto errors = static_cast<std::size_t>(result.diagnostics.count(diag::Level::Error));
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1fs", result.summary.seconds);
  const std::string problems = count(warnings, "warning") + ", " + count(errors, "error") + " in " + seconds;
  if (command == Command::Lint) return "pmkb: linted " + count(result.summary.incidents, "incident") + ": " + problems;
  return "pmkb: built " + count(result.summary.incidents, "incident") + ", " + count(result.summary.causes, "cause") + ", " +
         problems + (result.summary.unchanged ? " (nothing changed since the last build: output left as it was)" : "");
}

}  // namespace pmkb::build
