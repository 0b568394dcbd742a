#include "progress/progress.h"

#include <cstdio>

namespace pmkb::progress {

namespace {

std::string with_commas(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string format_line(const ProgressState& state, std::size_t width) {
  std::string line = "pmkb: " + state.phase;
  if (state.total > 0) {
    const std::size_t done = state.done < state.total ? state.done : state.total;
    line += " " + with_commas(done) + "/" + with_commas(state.total) + " " + std::to_string(done * 100 / state.total) + "%";
    if (state.phase_seconds >= 0.05) {
      line += " " + with_commas(static_cast<std::size_t>(static_cast<double>(done) / state.phase_seconds)) + "/s";
    }
  } else {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, " %.1fs", state.phase_seconds);
    line += seconds;
  }
  // Stay off the last column: writing there makes some terminals wrap, and "\r" would then
  // return to the wrong line.
  const std::size_t fit = width > 1 ? width - 1 : 1;
  if (line.size() > fit) line.resize(fit);
  return line;
}

TerminalProgress::TerminalProgress(std::ostream& out, std::size_t width, std::chrono::milliseconds interval)
    : out_(out), width_(width), interval_(interval) {}

TerminalProgress::~TerminalProgress() { finish(); }

void TerminalProgress::begin_phase(std::string_view name, std::size_t total) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  phase_ = name;
  total_ = total;
  done_.store(0, std::memory_order_relaxed);
  phase_started_ = std::chrono::steady_clock::now();
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void TerminalProgress::advance(std::size_t count) { done_.fetch_add(count, std::memory_order_relaxed); }

void TerminalProgress::finish() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  if (drawn_) {
    out_ << "\r\033[K" << std::flush;
    drawn_ = false;
  }
}

std::size_t TerminalProgress::draws() const {
  std::lock_guard lock(mutex_);
  return draws_;
}

void TerminalProgress::run() {
  std::unique_lock lock(mutex_);
  do {  // the first phase is always drawn, however quickly the command ends
    draw_locked();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  } while (!stopping_);
}

void TerminalProgress::draw_locked() {
  ProgressState state;
  state.phase = phase_;
  state.total = total_;
  state.done = done_.load(std::memory_order_relaxed);
  state.phase_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - phase_started_).count();
  out_ << '\r' << format_line(state, width_) << "\033[K" << std::flush;
  drawn_ = true;
  ++draws_;
}

}  // namespace pmkb::progress
