#include "serve/site_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pmkb::serve {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

constexpr const char* kLiveReloadScript =
    "(function(){var seen=null;setInterval(function(){fetch('/__pmkb/generation').then(function(r){return r.text();})"
    ".then(function(g){if(seen!==null&&g!==seen){location.reload();}seen=g;}).catch(function(){});},1000);})();\n";

std::string content_type(const fs::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"}, {".json", "application/json"}, {".xml", "application/xml"},
      {".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
      {".gif", "image/gif"}, {".ico", "image/x-icon"}, {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"}, {".webmanifest", "application/manifest+json"}};
  auto it = kTypes.find(file.extension().string());
  return it != kTypes.end() ? it->second : "application/octet-stream";
}

std::optional<std::string> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::size_t bounded_number(const std::string& text, std::size_t max, const char* name) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument(std::string(name) + " must be a whole number");
  }
  const std::size_t value = std::stoul(text);
  if (value > max) throw std::invalid_argument(std::string(name) + " must be at most " + std::to_string(max));
  return value;
}

void add_values(std::vector<std::string>& into, const std::string& value) {
  std::string current;
  for (char c : value + ",") {
    if (c != ',') {
      current += c;
    } else if (!current.empty()) {
      into.push_back(current);
      current.clear();
    }
  }
}

std::string error_json(const std::string& message) {
  return nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

Resolved resolve_site_path(const fs::path& site_dir, std::string_view url_path) {
  // httplib has decoded %XX once; anything still encoded, and any backslash or control
  // character, is an attempt to smuggle a path.
  for (char c : url_path) {
    if (c == '\\' || c == '%' || static_cast<unsigned char>(c) < 0x20) return {400, {}};
  }
  if (url_path.empty() || url_path.front() != '/') return {400, {}};
  std::string rel(url_path.substr(1));
  std::stringstream segments(rel);
  for (std::string segment; std::getline(segments, segment, '/');) {
    if (segment == ".." || segment == ".") return {400, {}};
    if (!segment.empty() && segment.front() == '.') return {404, {}};  // hidden files (.pmkb-output)
  }
  std::error_code ec;
  const fs::path root = fs::canonical(site_dir, ec);
  if (ec) return {404, {}};
  fs::path target = root / rel;
  if (rel.empty() || rel.back() == '/' || fs::is_directory(target, ec)) target /= "index.html";
  const fs::path real = fs::canonical(target, ec);  // follows symlinks: they must stay inside
  if (ec || !fs::is_regular_file(real, ec)) return {404, {}};
  const std::string prefix = root.string() + "/";
  if (real.string().compare(0, prefix.size(), prefix) != 0) return {404, {}};
  return {200, real};
}

search::SearchRequest search_request_from(const std::multimap<std::string, std::string>& params) {
  search::SearchRequest request;
  for (const auto& [key, value] : params) {
    if (key == "q") {
      if (value.size() > kMaxQueryBytes) throw std::invalid_argument("q must be at most " + std::to_string(kMaxQueryBytes) + " bytes");
      request.query = value;
    } else if (key == "severity") {
      add_values(request.severities, value);
    } else if (key == "service") {
      add_values(request.services, value);
    } else if (key == "cause") {
      add_values(request.causes, value);
    } else if (key == "since" && !value.empty()) {
      request.since = value;
    } else if (key == "until" && !value.empty()) {
      request.until = value;
    } else if (key == "sort") {
      if (value == "newest") request.sort = search::SortOrder::Newest;
      else if (value == "oldest") request.sort = search::SortOrder::Oldest;
      else if (value != "relevance" && !value.empty()) throw std::invalid_argument("sort is relevance, newest or oldest");
    } else if (key == "limit") {
      request.limit = std::max<std::size_t>(1, bounded_number(value, kMaxLimit, "limit"));
    } else if (key == "offset") {
      request.offset = bounded_number(value, kMaxOffset, "offset");
    }
  }
  const std::size_t filters = request.severities.size() + request.services.size() + request.causes.size();
  if (filters > 64) throw std::invalid_argument("too many filter values");
  return request;
}

struct SiteServer::Impl {
  static constexpr std::size_t kCacheEntries = 512;
  static constexpr std::size_t kWorkerThreads = 256;
  ServeOptions options;
  httplib::Server http;
  std::mutex cache_mutex;
  std::map<std::string, std::string> cache;  // request -> JSON, for one index build
  std::map<std::string, std::shared_future<std::string>> in_flight;
  std::string cache_owner;                    // identity of the index the cache belongs to
  std::atomic<unsigned> generation{0};
  int port = 0;
  int listen_fd = -1;
  std::atomic<bool> stop_requested{false};

  // One Xapian reader per worker thread, reopened when a rebuild swapped in a new index; answers
  // are cached per request until then (on-call engineers repeat each other's searches), and
  // identical requests in flight wait for one computation instead of all computing it.
  search::Searcher& reader() {
    thread_local std::unique_ptr<search::Searcher> searcher;
    thread_local fs::path opened_for;
    if (!searcher || opened_for != options.site_dir || searcher->is_stale()) {
      searcher = std::make_unique<search::Searcher>(options.site_dir);
      opened_for = options.site_dir;
    }
    return *searcher;
  }

  std::string search_json(const search::SearchRequest& request, const std::string& key) {
    search::Searcher& searcher = reader();
    const std::string owner = searcher.index_identity();
    std::promise<std::string> promise;
    std::shared_future<std::string> pending;
    {
      std::lock_guard lock(cache_mutex);
      if (cache_owner != owner) {
        cache.clear();
        in_flight.clear();
        cache_owner = owner;
      }
      if (auto it = cache.find(key); it != cache.end()) return it->second;
      if (auto it = in_flight.find(key); it != in_flight.end()) pending = it->second;
      else in_flight.emplace(key, promise.get_future().share());
    }
    if (pending.valid()) return pending.get();
    try {
      std::string json = search::to_json(searcher.search(request));
      promise.set_value(json);
      std::lock_guard lock(cache_mutex);
      in_flight.erase(key);
      if (cache_owner == owner) {
        if (cache.size() >= kCacheEntries) cache.clear();
        cache.emplace(key, json);
      }
      return json;
    } catch (...) {
      promise.set_exception(std::current_exception());
      std::lock_guard lock(cache_mutex);
      in_flight.erase(key);
      throw;
    }
  }

  void handle_search(const httplib::Request& req, httplib::Response& res) {
    try {
      const auto request = search_request_from(req.params);
      std::string key;
      for (const auto& [k, v] : req.params) key += k + '\x1f' + v + '\x1e';
      res.set_content(search_json(request, key), "application/json");
    } catch (const std::invalid_argument& e) {
      res.status = 400;
      res.set_content(error_json(e.what()), "application/json");
    } catch (const std::exception& e) {
      res.status = 503;
      res.set_content(error_json(e.what()), "application/json");
    }
  }

  void handle_file(const httplib::Request& req, httplib::Response& res) {
    const Resolved resolved = resolve_site_path(options.site_dir, req.path);
    std::optional<std::string> body;
    fs::path file = resolved.file;
    if (resolved.status == 200) body = read_file(file);
    if (!body) {
      res.status = resolved.status == 400 ? 400 : 404;
      file = options.site_dir / "404.html";
      body = res.status == 404 ? read_file(file) : std::nullopt;
      if (!body) {
        res.set_content(res.status == 400 ? "bad request\n" : "not found\n", "text/plain; charset=utf-8");
        return;
      }
    }
    if (options.live_reload && file.extension() == ".html") {
      const std::size_t end = body->rfind("</body>");
      if (end != std::string::npos) body->insert(end, "<script src=\"/__pmkb/livereload.js\"></script>");
    }
    res.set_content(std::move(*body), content_type(file));
  }

  void configure() {
    // cpp-httplib gives each open connection a thread for as long as it is kept alive: with
    // fewer threads than clients, the rest wait in the queue (and time out). 256 threads serve
    // the 200-connection load test (bench/load/run.sh) with room to spare; each costs a Xapian
    // reader (about 0.3 MB) once it has answered a search.
    http.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
    http.set_read_timeout(options.io_timeout_seconds, 0);
    http.set_write_timeout(options.io_timeout_seconds, 0);
    http.set_keep_alive_timeout(options.io_timeout_seconds);
    http.set_keep_alive_max_count(1000);
    http.set_payload_max_length(16 * 1024);
    // httplib writes the headers and the body in two sends: with Nagle's algorithm on, the body
    // waits for the client's delayed ACK (40 ms on Linux) on every keep-alive request.
    http.set_tcp_nodelay(true);
    // Remember the listening socket: bind() widens its backlog.
    http.set_socket_options([this](socket_t sock) {
      httplib::default_socket_options(sock);
      listen_fd = sock;
    });
    http.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy", kSecurityPolicy);
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("X-Frame-Options", "DENY");
    });
    http.Get("/api/search", [this](const httplib::Request& req, httplib::Response& res) { handle_search(req, res); });
    http.Get("/__pmkb/generation", [this](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      res.set_content(std::to_string(generation.load()), "text/plain");
    });
    http.Get("/__pmkb/livereload.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kLiveReloadScript, "text/javascript; charset=utf-8");
    });
    http.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) { handle_file(req, res); });
  }
};

SiteServer::SiteServer(ServeOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->configure();
}

SiteServer::~SiteServer() { stop(); }

int SiteServer::bind() {
  if (impl_->options.port == 0) {
    impl_->port = impl_->http.bind_to_any_port(impl_->options.host);
  } else if (impl_->http.bind_to_port(impl_->options.host, impl_->options.port)) {
    impl_->port = impl_->options.port;
  } else {
    impl_->port = -1;
  }
  if (impl_->port <= 0) {
    throw std::runtime_error("cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                             "; is another server using the port? Choose another with --port");
  }
  // Debian's cpp-httplib listens with a backlog of 5: a burst of new clients overflows it and
  // waits for SYN retransmits (1 s, 3 s, 7 s). listen() again on the socket raises it.
  if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, SOMAXCONN);
  return impl_->port;
}

void SiteServer::run() {
  // httplib's stop() does nothing until listen_after_bind() has marked the server running, so
  // a stop() that came just before then would be lost, and the server would run on. Stops are
  // therefore made here, by a thread that repeats them until the accept loop has ended.
  std::atomic<bool> ended{false};
  std::thread stopper([&] {
    while (!ended) {
      if (impl_->stop_requested && impl_->http.is_running()) impl_->http.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  if (!impl_->stop_requested) impl_->http.listen_after_bind();
  ended = true;
  stopper.join();
}

void SiteServer::stop() {
  if (impl_) impl_->stop_requested = true;
}

void SiteServer::notify_rebuilt() { ++impl_->generation; }

}  // namespace pmkb::serve
