// Progress of a long-running command, reported by the build orchestrator.
//
// The orchestrator calls begin_phase() at the start of each stage (from its own thread) and
// advance() once per item done (from any thread, concurrently: implementations must be
// thread-safe and cheap there). finish() ends the report; nothing is reported after it.
// A Progress never changes what a build produces, only what the user sees while it runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

namespace pmkb::progress {

class Progress {
 public:
  virtual ~Progress() = default;
  // A new stage named `name` starts with `total` items to do (0: not counted).
  virtual void begin_phase(std::string_view name, std::size_t total) = 0;
  // `count` more items of the current phase are done. Safe to call from any thread.
  virtual void advance(std::size_t count = 1) = 0;
  // The command is done: remove whatever was drawn. Idempotent.
  virtual void finish() = 0;
};

// Reports nothing: for pmkb serve's rebuilds, the library API and tests.
class NullProgress final : public Progress {
 public:
  void begin_phase(std::string_view, std::size_t) override {}
  void advance(std::size_t) override {}
  void finish() override {}
};

// What one progress line shows.
struct ProgressState {
  std::string phase;
  std::size_t done = 0;
  std::size_t total = 0;       // 0: not counted
  double phase_seconds = 0;    // since the phase began
};

// "pmkb: parse + extract 4,231/10,000 42% 1,520/s", or "pmkb: index 3.2s" for a phase
// without a count; cut to `width` columns (at least 1). Plain text: no escape sequences.
std::string format_line(const ProgressState& state, std::size_t width);

// A one-line display on a terminal, redrawn in place ("\r" + line + "\033[K") by its own
// thread at most once per `interval` (100 ms: at most 10 updates a second), and erased
// by finish(). Write it only to a terminal: it emits ANSI escape sequences.
class TerminalProgress final : public Progress {
 public:
  TerminalProgress(std::ostream& out, std::size_t width,
                   std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ~TerminalProgress() override;
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void begin_phase(std::string_view name, std::size_t total) override;
  void advance(std::size_t count = 1) override;
  void finish() override;

  // How many times the line was drawn so far (for tests of the throttle).
  std::size_t draws() const;

 private:
  void run();
  void draw_locked();

  std::ostream& out_;
  std::size_t width_;
  std::chrono::milliseconds interval_;
  std::atomic<std::size_t> done_{0};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::string phase_;
  std::size_t total_ = 0;
  std::chrono::steady_clock::time_point phase_started_;
  std::size_t draws_ = 0;
  bool drawn_ = false;     // a line is on screen
  bool stopping_ = false;
  std::thread thread_;     // started by the first begin_phase()
};

}  // namespace pmkb::progress
