// `pmkb serve`: the built site and a JSON search API over its Xapian index (cpp-httplib).
//
// Guarantees: only files inside the site directory are served (no "..", encoded dots,
// backslashes, NUL or symlinks out of it); every response carries security headers; the query
// length, limit and offset are bounded; reads and writes time out; the default address is the
// loopback. Each worker thread has its own Xapian reader and reopens it after a rebuild.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "search/query.h"

namespace pmkb::serve {

struct ServeOptions {
  std::filesystem::path site_dir = "public";
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  bool live_reload = false;  // inject a script that reloads pages after a rebuild
  int io_timeout_seconds = 5;  // a request must arrive, and a response be taken, within this
};

// Limits on what a client may ask for.
inline constexpr std::size_t kMaxQueryBytes = 512;
inline constexpr std::size_t kMaxLimit = 100;
inline constexpr std::size_t kMaxOffset = 10000;

// Where a URL path leads inside the site. status is 200 with the file, 404 when there is no
// such file inside the site, or 400 for a path that tries to leave it.
struct Resolved {
  int status = 404;
  std::filesystem::path file;
};
Resolved resolve_site_path(const std::filesystem::path& site_dir, std::string_view url_path);

// Builds a search request from query parameters (q, severity, service, cause, since, until,
// sort, limit, offset); repeated or comma-separated filter values are ORed. Throws
// std::invalid_argument for values out of bounds.
search::SearchRequest search_request_from(const std::multimap<std::string, std::string>& params);

class SiteServer {
 public:
  explicit SiteServer(ServeOptions options);
  ~SiteServer();
  SiteServer(const SiteServer&) = delete;
  SiteServer& operator=(const SiteServer&) = delete;

  // Binds the address; returns the port (useful with port 0). Throws std::runtime_error when
  // the address cannot be bound.
  int bind();
  // Serves until stop() is called. Requires bind().
  void run();
  // Makes run() return within about 20 ms, even when it has not started listening yet; safe
  // to call from any thread, at any time, more than once.
  void stop();
  // Tells open pages (with live reload) that the site changed.
  void notify_rebuilt();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pmkb::serve
