#include <catch2/catch.hpp>

#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
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
  build::BuildOptions options;
  options.content_dir = dir.path() / "content";
  options.out_dir = dir.path() / "public";
  return options;
}

// A server on a free loopback port for the duration of a test.
struct RunningServer {
  explicit RunningServer(const fs::path& site) : server(serve::ServeOptions{site, "127.0.0.1", 0, false}) {
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
