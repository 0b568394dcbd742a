#include <catch2/catch.hpp>

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "build/build.h"
#include "serve/site_server.h"
#include "support/fixtures.h"

using namespace pmkb;
namespace fs = std::filesystem;

namespace {

void write_library(const test::TempDir& dir, int n) {
  for (int i = 0; i < n; ++i) {
    dir.write("content/i" + std::to_string(i) + ".md",
              "# Redis AOF restore " + std::to_string(i) + "\n\n**Date:** 2024-01-0" + std::to_string(1 + i % 9) +
                  "\n\n## Root cause\n\nThe AOF file was corrupted.\n");
  }
}

build::BuildOptions options_for(const test::TempDir& dir) {
  build::BuildOptions options = test::site_build_options(dir);
  return options;
}

// A server on a free loopback port for the duration of a test.
struct RunningServer {
  explicit RunningServer(const fs::path& site, int io_timeout_seconds = 5)
      : server(serve::ServeOptions{site, "127.0.0.1", 0, false, io_timeout_seconds}) {
    port = server.bind();
    thread = std::thread([this] { server.run(); });
  }
  ~RunningServer() {
    server.stop();
    thread.join();
  }
  serve::SiteServer server;
  int port = 0;
  std::thread thread;
};

// A connection to the server on the loopback, for requests that a client library would
// normalize (raw "..", encoded dots, NUL) and for clients that stall.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval limit{10, 0};  // the test's own guard against a server that never answers
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& bytes) { REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())); }
  // Everything until the server closes the connection (or the 10 s guard runs out).
  std::string receive_all() {
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd_, buffer, sizeof buffer, 0)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
    return out;
  }

 private:
  int fd_;
};

// Sends one request line (with Connection: close) and returns the raw response.
std::string raw_get(int port, const std::string& target) {
  RawConnection connection(port);
  connection.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  return connection.receive_all();
}

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return -1;
  return std::stoi(response.substr(9, 3));
}

bool has_header(const std::string& response, const std::string& line) {
  const std::string head = response.substr(0, response.find("\r\n\r\n"));
  return head.find("\r\n" + line + "\r\n") != std::string::npos || head.ends_with("\r\n" + line);
}

// True when /proc/net/tcp (or tcp6) lists a listening socket on `port` bound to the IPv4
// loopback address only.
std::optional<std::string> listening_address(int port) {
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, "%04X", port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const auto colon = local.rfind(':');
      if (state == "0A" && local.substr(colon + 1) == wanted) return local.substr(0, colon);
    }
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("serve: paths resolve only inside the site", "[serve]") {
  test::TempDir dir;
  dir.write("site/index.html", "home");
  dir.write("site/incidents/a/index.html", "a");
  dir.write("site/.pmkb-output", "marker");
  dir.write("secret.txt", "secret");
  fs::create_symlink(dir.path() / "secret.txt", dir.path() / "site" / "leak.txt");
  const fs::path site = dir.path() / "site";
  CHECK(serve::resolve_site_path(site, "/").status == 200);
  CHECK(serve::resolve_site_path(site, "/incidents/a/").file.filename() == "index.html");
  CHECK(serve::resolve_site_path(site, "/incidents/a").status == 200);
  CHECK(serve::resolve_site_path(site, "/../secret.txt").status == 400);
  CHECK(serve::resolve_site_path(site, "/incidents/../../secret.txt").status == 400);
  CHECK(serve::resolve_site_path(site, "/%2e%2e/secret.txt").status == 400);  // still encoded after one decode
  CHECK(serve::resolve_site_path(site, "/..\\secret.txt").status == 400);
  CHECK(serve::resolve_site_path(site, std::string("/index.html\0.txt", 16)).status == 400);
  CHECK(serve::resolve_site_path(site, "/leak.txt").status == 404);  // a symlink out of the site
  CHECK(serve::resolve_site_path(site, "/.pmkb-output").status == 404);
  CHECK(serve::resolve_site_path(site, "/missing.html").status == 404);
}

TEST_CASE("serve: search parameters are bounded", "[serve]") {
  const auto request = serve::search_request_from({{"q", "redis"}, {"severity", "SEV1,SEV2"}, {"severity", "SEV3"}, {"limit", "5"}, {"sort", "newest"}});
  CHECK(request.query == "redis");
  CHECK(request.severities == std::vector<std::string>{"SEV1", "SEV2", "SEV3"});
  CHECK(request.limit == 5);
  CHECK(request.sort == search::SortOrder::Newest);
  CHECK_THROWS_AS(serve::search_request_from({{"q", std::string(serve::kMaxQueryBytes + 1, 'a')}}), std::invalid_argument);
  CHECK_THROWS_AS(serve::search_request_from({{"limit", "101"}}), std::invalid_argument);
  CHECK_THROWS_AS(serve::search_request_from({{"offset", "-1"}}), std::invalid_argument);
  CHECK_THROWS_AS(serve::search_request_from({{"sort", "random"}}), std::invalid_argument);
}

TEST_CASE("serve: the API answers like pmkb search --json, with security headers", "[serve]") {
  test::TempDir dir;
  write_library(dir, 3);
  build::run_build(options_for(dir));
  RunningServer running(dir.path() / "public");
  httplib::Client client("127.0.0.1", running.port);
  auto res = client.Get("/api/search?q=aof&limit=2");
  REQUIRE(res);
  CHECK(res->status == 200);
  const auto json = nlohmann::json::parse(res->body);
  CHECK(json["total"] == 3);
  CHECK(json["results"].size() == 2);
  CHECK(json["results"][0]["url"].get<std::string>().rfind("incidents/", 0) == 0);
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(res->get_header_value("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  res = client.Get("/api/search?q=aof&limit=500");
  REQUIRE(res);
  CHECK(res->status == 400);
  res = client.Get("/incidents/i1/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  res = client.Get("/nothing-here");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(res->body.find("Page not found") != std::string::npos);
}

TEST_CASE("serve: queries during a rebuild never fail, and see the new index after it", "[serve]") {
  test::TempDir dir;
  write_library(dir, 4);
  build::run_build(options_for(dir));
  RunningServer running(dir.path() / "public");
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", running.port);
      while (!done) {
        auto res = client.Get("/api/search?q=aof");
        if (!res || res->status != 200) ++failures;
        else ++answered;
      }
    });
  }
  for (int round = 0; round < 3; ++round) {
    write_library(dir, 5 + round);
    build::run_build(options_for(dir));
  }
  done = true;
  for (auto& t : clients) t.join();
  CHECK(failures == 0);
  CHECK(answered > 0);
  httplib::Client client("127.0.0.1", running.port);
  auto res = client.Get("/api/search?q=aof");
  REQUIRE(res);
  CHECK(nlohmann::json::parse(res->body)["total"] == 7);  // the last rebuild's index
}

TEST_CASE("serve: hostile paths over HTTP are refused or not found", "[serve]") {
  test::TempDir dir;
  write_library(dir, 2);
  build::run_build(options_for(dir));
  dir.write("secret.txt", "TOP-SECRET");
  dir.write("private/inner.txt", "TOP-SECRET");
  const fs::path site = dir.path() / "public";
  fs::create_symlink(dir.path() / "secret.txt", site / "leak.txt");
  fs::create_directory_symlink(dir.path() / "private", site / "leaked");
  RunningServer running(site);
  const std::vector<std::pair<std::string, int>> requests = {
      {"/../secret.txt", 400},
      {"/incidents/../../secret.txt", 400},
      {"/%2e%2e/secret.txt", 400},            // decoded once: ".."
      {"/%2E%2E%2Fsecret.txt", 400},          // "../secret.txt" with the slash encoded too
      {"/..%2fsecret.txt", 400},
      {"/%252e%252e/secret.txt", 400},        // double encoding: still "%2e" after one decode
      {"/%252e%252e%252fsecret.txt", 400},
      {"/..\\secret.txt", 400},               // a backslash
      {"/%5c..%5csecret.txt", 400},
      {"/index.html%00.txt", 400},            // NUL
      {"/%00", 400},
      {"/incidents/%0a/", 404},               // a line break: no route matches it
      {"/leak.txt", 404},                     // a symlink out of the site
      {"/leaked/inner.txt", 404},             // a folder symlink out of the site
      {"/.pmkb-output", 404},                 // hidden files
      {"/xapian/../../secret.txt", 400},
      {"/index.html", 200},
  };
  for (const auto& [target, expected] : requests) {
    const std::string response = raw_get(running.port, target);
    INFO(target << " -> " << response.substr(0, response.find("\r\n")));
    CHECK(status_of(response) == expected);
    CHECK(response.find("TOP-SECRET") == std::string::npos);
  }
  // An absolute-form request target is not a way around the checks either.
  const std::string absolute = raw_get(running.port, "http://127.0.0.1/../secret.txt");
  CHECK(absolute.find("TOP-SECRET") == std::string::npos);
  CHECK(status_of(absolute) >= 400);
}

TEST_CASE("serve: every response carries the security headers", "[serve]") {
  test::TempDir dir;
  write_library(dir, 2);
  build::run_build(options_for(dir));
  RunningServer running(dir.path() / "public");
  const std::vector<std::string> targets = {"/", "/incidents/i0/", "/static/style.css", "/nothing-here", "/%2e%2e/x",
                                            "/api/search?q=aof", "/api/search?limit=1000", "/" + std::string(10000, 'a')};
  for (const std::string& target : targets) {
    const std::string response = raw_get(running.port, target);
    INFO(target.substr(0, 40) << " -> " << response.substr(0, response.find("\r\n")));
    CHECK(status_of(response) > 0);
    CHECK(has_header(response, "X-Content-Type-Options: nosniff"));
    CHECK(has_header(response, "Referrer-Policy: no-referrer"));
    CHECK(has_header(response, "X-Frame-Options: DENY"));
    CHECK(response.find("\r\nContent-Security-Policy: default-src 'self';") != std::string::npos);
  }
  CHECK(status_of(raw_get(running.port, "/" + std::string(10000, 'a'))) == 414);  // request line too long
}

TEST_CASE("serve: the query, the limit and the offset are bounded over HTTP", "[serve]") {
  test::TempDir dir;
  write_library(dir, 3);
  build::run_build(options_for(dir));
  RunningServer running(dir.path() / "public");
  httplib::Client client("127.0.0.1", running.port);
  std::string many_filters = "/api/search?q=aof";
  for (int i = 0; i < 65; ++i) many_filters += "&service=s" + std::to_string(i);
  const std::vector<std::pair<std::string, int>> requests = {
      {"/api/search?q=" + std::string(serve::kMaxQueryBytes, 'a'), 200},
      {"/api/search?q=" + std::string(serve::kMaxQueryBytes + 1, 'a'), 400},
      {"/api/search?q=aof&limit=100", 200},
      {"/api/search?q=aof&limit=101", 400},
      {"/api/search?q=aof&limit=99999999999999999999", 400},
      {"/api/search?q=aof&limit=-1", 400},
      {"/api/search?q=aof&limit=ten", 400},
      {"/api/search?q=aof&offset=10000", 200},
      {"/api/search?q=aof&offset=10001", 400},
      {"/api/search?q=aof&since=yesterday", 400},
      {"/api/search?q=%22unclosed&sort=random", 400},
      {many_filters, 400},
  };
  for (const auto& [target, expected] : requests) {
    auto res = client.Get(target.c_str());
    INFO(target.substr(0, 80));
    REQUIRE(res);
    CHECK(res->status == expected);
    if (expected == 400) CHECK(nlohmann::json::parse(res->body).contains("error"));
  }
}

TEST_CASE("serve: a client that stalls is disconnected after the I/O timeout", "[serve]") {
  test::TempDir dir;
  write_library(dir, 1);
  build::run_build(options_for(dir));
  RunningServer running(dir.path() / "public", 1);
  SECTION("half a request") {
    RawConnection slow(running.port);
    slow.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // and never the blank line
    const auto started = std::chrono::steady_clock::now();
    slow.receive_all();  // returns when the server closes the connection
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(waited < 5);  // the 10 s guard did not have to fire
  }
  SECTION("an idle keep-alive connection") {
    RawConnection idle(running.port);
    idle.send("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const auto started = std::chrono::steady_clock::now();
    const std::string response = idle.receive_all();
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(status_of(response) == 200);
    CHECK(waited < 5);
  }
  // The server still answers others.
  CHECK(status_of(raw_get(running.port, "/")) == 200);
}

TEST_CASE("serve: binds to the loopback unless told otherwise", "[serve]") {
  CHECK(serve::ServeOptions{}.host == "127.0.0.1");
  test::TempDir dir;
  write_library(dir, 1);
  build::run_build(options_for(dir));
  SECTION("the library's default") {
    serve::ServeOptions options;
    options.site_dir = dir.path() / "public";
    options.port = 0;
    serve::SiteServer server(options);
    const int port = server.bind();
    CHECK(listening_address(port) == std::optional<std::string>("0100007F"));  // 127.0.0.1
  }
  SECTION("pmkb serve's default") {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(pipe_fds[1], STDOUT_FILENO);
      ::close(pipe_fds[0]);
      const std::string site = (dir.path() / "public").string();
      ::execl(PMKB_BINARY, PMKB_BINARY, "serve", "-s", site.c_str(), "--port", "0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(pipe_fds[1]);
    std::string line;
    char c;
    while (::read(pipe_fds[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(pipe_fds[0]);
    INFO(line);
    const auto at = line.find("http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    const int port = std::stoi(line.substr(at + 17));
    CHECK(listening_address(port) == std::optional<std::string>("0100007F"));
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
}

TEST_CASE("serve: a stop that comes before the server listens is not lost", "[serve]") {
  test::TempDir dir;
  write_library(dir, 1);
  build::run_build(options_for(dir));
  // On the heap and left behind if run() never returns, so that a failure is a failed check,
  // not a test run that hangs or a server destroyed while it runs.
  auto server = std::make_unique<serve::SiteServer>(serve::ServeOptions{dir.path() / "public", "127.0.0.1", 0, false, 5});
  server->bind();
  server->stop();  // as a signal arriving between bind() and run() does
  auto returned = std::make_shared<std::atomic<bool>>(false);
  std::thread([running = server.get(), returned] {
    running->run();
    *returned = true;
  }).detach();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!*returned && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(*returned);
  if (!*returned) server.release();
}
