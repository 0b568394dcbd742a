// A fixed pool of worker threads for the stages that work item by item (parse, extract,
// classify, render, index terms). Results land in slots indexed like the input, so the
// output never depends on which thread ran first: a build is the same with -j1 and -j8.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pmkb::parallel {

// The worker count for `-j 0` (or none given): every core the machine offers.
inline unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

// Lowers the calling thread's scheduling priority by `steps` nice levels (at most to 19). Linux
// keeps a nice value per thread, and the threads it starts inherit it, so a pool started from
// here runs at the lower priority too. For work that should give way to a long single-threaded
// task beside it; other processes on the machine see the lower priority as well. Best effort:
// where the kernel refuses, nothing changes.
inline void lower_this_thread_priority(int steps) {
  const pid_t self = ::gettid();
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, static_cast<id_t>(self));
  if (errno != 0) return;
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(self), std::min(19, now + steps));
}

// Calls `work(worker, i)` for every i in [0, count) on up to `jobs` threads (the caller is
// worker 0) and returns when all are done; `worker` < `jobs` lets each thread keep its own
// state. Items are handed out in small batches in index order. The first exception thrown by
// `work` is rethrown here, after the other threads stop.
template <class Work>
void for_each_index_by_worker(std::size_t count, unsigned jobs, Work&& work) {
  const std::size_t threads = std::min<std::size_t>(std::max(1u, jobs), count);
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) work(std::size_t{0}, i);
    return;
  }
  constexpr std::size_t kBatch = 8;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto run = [&](std::size_t worker) {
    while (!failed.load(std::memory_order_relaxed)) {
      const std::size_t begin = next.fetch_add(kBatch);
      if (begin >= count) return;
      const std::size_t end = std::min(count, begin + kBatch);
      try {
        for (std::size_t i = begin; i < end; ++i) work(worker, i);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::jthread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  pool.clear();  // joins
  if (error) std::rethrow_exception(error);
}

// Calls `work(i)` for every i in [0, count), as for_each_index_by_worker does.
template <class Work>
void for_each_index(std::size_t count, unsigned jobs, Work&& work) {
  for_each_index_by_worker(count, jobs, [&](std::size_t, std::size_t i) { work(i); });
}

// `map(i)` for every i, in index order.
template <class Map>
auto map_indexes(std::size_t count, unsigned jobs, Map&& map) {
  std::vector<decltype(map(std::size_t{0}))> out(count);
  for_each_index(count, jobs, [&](std::size_t i) { out[i] = map(i); });
  return out;
}

}  // namespace pmkb::parallel
