// What pmkb prints to a terminal and to a CI log: --version, the progress line on a TTY (run
// under a pseudo-terminal), and the one-line summary with no escape sequences elsewhere.
#include <catch2/catch.hpp>

#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "build/build.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

struct Run {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// Runs `args` through the shell with stdout and stderr on a pipe (not a terminal).
Run run_piped(const std::string& args) {
  const std::string command = std::string(PMKB_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  Run run;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Runs `args` on a fresh pseudo-terminal of 100 columns, with CI set to `ci` (unset if null).
Run run_on_terminal(const std::string& args, const char* ci) {
  winsize size{};
  size.ws_col = 100;
  size.ws_row = 30;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (ci == nullptr) ::unsetenv("CI");
    else ::setenv("CI", ci, 1);
    const std::string command = std::string(PMKB_BINARY) + " " + args;
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  Run run;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n > 0) run.output.append(buffer, static_cast<std::size_t>(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;  // EIO: the child closed the terminal
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

void write_site(const test::TempDir& dir) {
  dir.write("content/db-failover.md",
            "---\ntitle: Primary failover loop\ndate: 2024-03-10\nseverity: SEV2\nservices: [postgres]\n---\n"
            "## Root cause\n\nReplication was misconfigured: the replica used a wrong config.\n");
  dir.write("content/db-again.md",
            "# Replica lag again\n\n**Date:** 2024-09-01\n\n## Root Cause\n\nThe database replication had an incorrect setting again.\n");
  dir.write("content/undated.md", "# Disk full\n\nThe data volume ran out of space.\n");
}

// Records what the build reports, in order.
class RecordingProgress final : public progress::Progress {
 public:
  struct Phase {
    std::string name;
    std::size_t total = 0;
    std::size_t advanced = 0;
  };
  void begin_phase(std::string_view name, std::size_t total) override { phases.push_back({std::string(name), total, 0}); }
  void advance(std::size_t count) override { phases.back().advanced += count; }
  void finish() override { finished = true; }
  std::vector<Phase> phases;
  bool finished = false;
};

}  // namespace

TEST_CASE("cli: --version prints the project version", "[integration][cli]") {
  const Run run = run_piped("--version");
  CHECK(run.status == 0);
  CHECK(run.output == std::string("pmkb ") + PMKB_VERSION + "\n");
}

TEST_CASE("cli: in a CI log, one summary line and no escape sequences", "[integration][cli]") {
  test::TempDir dir;
  write_site(dir);
  const std::string content = (dir.path() / "content").string();
  Run run = run_piped("build " + content + " -o " + (dir.path() / "public").string());
  CHECK(run.status == 0);
  CHECK(run.output.find('\033') == std::string::npos);
  CHECK(run.output.find('\r') == std::string::npos);
  CHECK(std::regex_search(run.output, std::regex("(^|\n)pmkb: built 3 incidents, [0-9]+ causes?, [0-9]+ warnings?, 0 errors in [0-9]+\\.[0-9]s\n$")));

  run = run_piped("lint " + content);
  CHECK(run.status == 0);
  CHECK(run.output.find('\033') == std::string::npos);
  CHECK(std::regex_search(run.output, std::regex("(^|\n)pmkb: linted 3 incidents: [0-9]+ warnings?, 0 errors in [0-9]+\\.[0-9]s\n$")));

  run = run_piped("lint " + content + " -q");
  CHECK(run.output.find("pmkb: linted") == std::string::npos);
}

TEST_CASE("cli: on a terminal, a progress line that is erased before the summary", "[integration][cli]") {
  test::TempDir dir;
  write_site(dir);
  const std::string args = "build " + (dir.path() / "content").string() + " -o " + (dir.path() / "public").string();
  const Run run = run_on_terminal(args, nullptr);
  CHECK(run.status == 0);
  const auto line = run.output.find("\rpmkb: ");
  REQUIRE(line != std::string::npos);
  const auto erased = run.output.rfind("\r\033[K");
  REQUIRE(erased != std::string::npos);
  CHECK(line < erased);
  CHECK(run.output.find("pmkb: built 3 incidents", erased) != std::string::npos);

  SECTION("not under CI, even on a terminal") {
    const Run ci = run_on_terminal(args, "true");
    CHECK(ci.status == 0);
    CHECK(ci.output.find('\033') == std::string::npos);
    CHECK(ci.output.find("pmkb: built 3 incidents") != std::string::npos);
  }
  SECTION("not with --quiet") {
    const Run quiet = run_on_terminal(args + " --quiet", nullptr);
    CHECK(quiet.status == 0);
    CHECK(quiet.output.find('\033') == std::string::npos);
    CHECK(quiet.output.find("pmkb: built") == std::string::npos);
  }
}

TEST_CASE("build: reports each stage and every document to the progress", "[integration]") {
  test::TempDir dir;
  write_site(dir);
  build::BuildOptions options = test::site_build_options(dir);
  RecordingProgress progress;
  options.progress = &progress;
  const build::BuildResult built = build::run_build(options);
  std::vector<std::string> names;
  for (const auto& phase : progress.phases) names.push_back(phase.name);
  CHECK(names == std::vector<std::string>{"load", "parse + extract + classify", "assemble", "similarity", "themes", "relate",
                                          "render + index", "static index", "commit"});
  CHECK(progress.phases[1].total == 3);
  CHECK(progress.phases[1].advanced == 3);
  CHECK_FALSE(progress.finished);  // the caller finishes it

  RecordingProgress lint_progress;
  options.write_output = false;
  options.progress = &lint_progress;
  const build::BuildResult linted = build::run_build(options);
  CHECK(lint_progress.phases.back().name == "parse + extract + classify");  // lint never relates nor renders
  // ... and still counts what build counts, for its summary line.
  CHECK(linted.summary.incidents == built.summary.incidents);
  CHECK(linted.summary.causes == built.summary.causes);
  CHECK(built.summary.causes > 0);
  CHECK(built.summary.recurring_causes > 0);
  CHECK(linted.summary.recurring_causes == built.summary.recurring_causes);
}
