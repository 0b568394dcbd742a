#include "cli/serve_command.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

namespace pmkb::cli {

namespace fs = std::filesystem;

namespace {

// What a rebuild depends on: every file's path, size and modification time.
std::string fingerprint(const fs::path& dir) {
  std::string out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto time = fs::last_write_time(it->path(), ec).time_since_epoch().count();
    out += it->path().generic_string() + ":" + std::to_string(it->file_size(ec)) + ":" + std::to_string(time) + "\n";
  }
  return out;
}

void print_build(const build::BuildResult& result) {
  std::cerr << diag::format_text(result.diagnostics.sorted());
  std::cerr << "pmkb serve: rebuilt " << result.summary.incidents << " incidents, " << result.diagnostics.count(diag::Level::Error)
            << " errors, " << result.diagnostics.count(diag::Level::Warning) << " warnings\n";
}

}  // namespace

int run_server(const serve::ServeOptions& options, const std::optional<build::BuildOptions>& watch) {
  // Handle SIGINT/SIGTERM on one thread with sigwait instead of an async signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::ServeOptions effective = options;
  effective.live_reload = watch.has_value();
  if (watch) print_build(build::run_build(*watch));
  serve::SiteServer server(effective);
  const int port = server.bind();
  std::cout << "pmkb serve: http://" << (options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host)
            << ":" << port << "/  (search API: /api/search?q=...; Ctrl-C stops)" << std::endl;

  std::mutex mutex;
  std::condition_variable stopped;
  bool stopping = false;
  std::thread watcher;
  if (watch) {
    watcher = std::thread([&] {
      std::string last = fingerprint(watch->content_dir);
      std::unique_lock lock(mutex);
      while (!stopped.wait_for(lock, std::chrono::milliseconds(500), [&] { return stopping; })) {
        const std::string now = fingerprint(watch->content_dir);
        if (now == last) continue;
        last = now;
        lock.unlock();
        try {
          print_build(build::run_build(*watch));
          server.notify_rebuilt();
        } catch (const std::exception& e) {
          std::cerr << "pmkb serve: rebuild failed: " << e.what() << "\n";
        }
        lock.lock();
      }
    });
  }
  std::thread signal_waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    stopped.notify_all();
    server.stop();
  });
  server.run();
  {
    std::lock_guard lock(mutex);
    stopping = true;
  }
  stopped.notify_all();
  if (watcher.joinable()) watcher.join();
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  return 0;
}

}  // namespace pmkb::cli
