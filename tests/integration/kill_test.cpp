// Output integrity (issue #8): `kill -9` at any moment of a build leaves the previous site and
// its Xapian index readable and consistent with each other, and the next build succeeds.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "search/query.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

// Starts `pmkb args...` with its output discarded.
pid_t spawn_pmkb(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(PMKB_BINARY)};
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(PMKB_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid, bool* signaled = nullptr) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (signaled) *signaled = WIFSIGNALED(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs a command and returns its exit status and output.
std::pair<int, std::string> run(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string marker(int i) { return "zqxkilled" + std::to_string(i); }

std::string kill_doc(int i) {
  const int day = 1 + i % 28;
  return "---\ntitle: Killed build " + std::to_string(i) + "\ndate: 2024-07-" + (day < 10 ? "0" : "") + std::to_string(day) +
         "\nseverity: SEV3\n---\n## Summary\n\nThe marker " + marker(i) + " names this postmortem.\n";
}

// The published site as a whole: its incidents.json, its pages and its index agree on which
// of the kill-N postmortems it holds, every link resolves, and the index answers pmkb search.
std::set<int> check_site(const fs::path& out, int up_to) {
  std::ifstream json_file(out / "incidents.json");
  REQUIRE(json_file);
  const nlohmann::json json = nlohmann::json::parse(json_file);
  std::set<std::string> ids;
  for (const auto& incident : json["incidents"]) ids.insert(incident["id"].get<std::string>());
  std::set<int> present;
  search::Searcher searcher(out);  // throws when the index cannot be opened
  for (int i = 0; i <= up_to; ++i) {
    const bool in_json = ids.count("kill-" + std::to_string(i)) > 0;
    const bool page = fs::exists(out / "incidents" / ("kill-" + std::to_string(i)) / "index.html");
    search::SearchRequest request;
    request.query = marker(i);
    const bool indexed = searcher.search(request).total == 1;
    INFO("kill-" << i << ": incidents.json " << in_json << ", page " << page << ", index " << indexed);
    CHECK(in_json == page);
    CHECK(in_json == indexed);
    if (in_json) present.insert(i);
  }
  const auto [links_status, links] = run(std::string(PMKB_CHECK_LINKS) + " " + out.string());
  INFO(links);
  CHECK(links_status == 0);
  return present;
}

}  // namespace

TEST_CASE("integration: kill -9 at random points never damages the published site", "[integration][kill]") {
  test::TempDir dir;
  const fs::path content = dir.path() / "content";
  const fs::path out = dir.path() / "public";
  const auto [generated, generator_output] = run(std::string(PMKB_GENERATE_LIBRARY) + " " + content.string() + " 60 8");
  REQUIRE(generated == 0);

  // Two uninterrupted builds: the first site, and how long a rebuild takes here.
  dir.write("content/kill-0.md", kill_doc(0));
  REQUIRE(wait_for(spawn_pmkb({"build", content.string(), "-o", out.string(), "-q"})) == 0);
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(wait_for(spawn_pmkb({"build", content.string(), "-o", out.string(), "-q"})) == 0);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE(check_site(out, 0) == std::set<int>{0});

  // Until 20 builds have been killed while running (a build that finished before its kill
  // does not count, and makes the later kills come sooner). Each attempt adds one postmortem.
  // A build publishes everything written so far, so after a kill the site is either the one
  // before (the swap did not happen) or holds kill-0 to kill-N, each with its page, JSON entry
  // and index entry: never a mix.
  std::mt19937 random(20240601);
  std::uniform_real_distribution<double> when(0.02, 1.0);
  std::set<int> published{0};
  int killed = 0;
  int swapped = 0;  // kills that came after the new site was swapped in
  int attempts = 0;
  while (killed < 20 && attempts < 40) {
    const int i = ++attempts;
    dir.write("content/kill-" + std::to_string(i) + ".md", kill_doc(i));
    const double delay = when(random) * seconds;
    const pid_t pid = spawn_pmkb({"build", content.string(), "-o", out.string(), "-q"});
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(pid, SIGKILL);
    bool signaled = false;
    wait_for(pid, &signaled);
    if (signaled) ++killed;
    else seconds *= 0.85;
    INFO("attempt " << i << ", killed after " << delay << " s");
    const std::set<int> present = check_site(out, i);
    std::set<int> everything;
    for (int j = 0; j <= i; ++j) everything.insert(j);
    CHECK((present == published || present == everything));
    if (signaled && present != published) ++swapped;
    published = present;
  }
  REQUIRE(killed == 20);
  std::cout << "kill test: " << killed << " builds killed at random points (" << attempts << " attempts, " << swapped
            << " killed after the swap); the site and index stayed whole\n";

  // The lock died with the process: the next build succeeds and publishes everything.
  REQUIRE(wait_for(spawn_pmkb({"build", content.string(), "-o", out.string(), "-q"})) == 0);
  std::set<int> all;
  for (int i = 0; i <= attempts; ++i) all.insert(i);
  CHECK(check_site(out, attempts) == all);
  const auto [search_status, search_output] =
      run(std::string(PMKB_BINARY) + " search -s " + out.string() + " --json " + marker(attempts));
  CHECK(search_status == 0);
  CHECK(nlohmann::json::parse(search_output)["total"] == 1);
  // Nothing that killed builds left beside OUT survives a successful build.
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    INFO(entry.path());
    CHECK(entry.path().filename().string().find("staging") == std::string::npos);
  }
}
