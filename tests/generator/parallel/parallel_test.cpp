#include "parallel/parallel.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

int nice_of_this_thread() { return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())); }

}  // namespace

TEST_CASE("lower_this_thread_priority lowers only the calling thread and the threads it starts") {
  const int before = nice_of_this_thread();
  int lowered = -100;
  int inherited = -100;
  int capped = -100;
  std::thread([&] {
    pmkb::parallel::lower_this_thread_priority(3);
    lowered = nice_of_this_thread();
    std::thread([&] { inherited = nice_of_this_thread(); }).join();
    pmkb::parallel::lower_this_thread_priority(40);
    capped = nice_of_this_thread();
  }).join();
  CHECK(lowered == std::min(19, before + 3));
  CHECK(inherited == lowered);
  CHECK(capped == 19);
  CHECK(nice_of_this_thread() == before);
}

TEST_CASE("for_each_index_by_worker visits every index once, on workers below the job count") {
  for (unsigned jobs : {1u, 2u, 4u}) {
    std::vector<int> visits(1000, 0);
    std::atomic<bool> worker_in_range{true};
    pmkb::parallel::for_each_index_by_worker(visits.size(), jobs, [&](std::size_t worker, std::size_t i) {
      if (worker >= jobs) worker_in_range = false;
      ++visits[i];
    });
    CHECK(worker_in_range);
    CHECK(std::count(visits.begin(), visits.end(), 1) == 1000);
  }
}

TEST_CASE("for_each_index_by_worker rethrows the first exception after the workers stop") {
  std::atomic<int> calls{0};
  CHECK_THROWS_WITH(pmkb::parallel::for_each_index(10000, 2,
                                                   [&](std::size_t i) {
                                                     ++calls;
                                                     if (i == 40) throw std::runtime_error("item 40 failed");
                                                   }),
                    "item 40 failed");
  CHECK(calls < 10000);
}
