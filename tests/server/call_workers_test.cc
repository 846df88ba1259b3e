// The worker threads Validate's handlers run on (server/call_workers.h).
#include "server/call_workers.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace pcnv::server {
namespace {

TEST(CallWorkersTest, RunsEveryTaskOnItsOwnThreadsAndAllQueuedOnesBeforeItEnds) {
  std::atomic<int> done{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  {
    CallWorkers workers(3);
    EXPECT_EQ(workers.threads(), 3);
    for (int i = 0; i < 200; ++i) {
      workers.Run([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        {
          std::lock_guard<std::mutex> lock(mu);
          threads.insert(std::this_thread::get_id());
        }
        done.fetch_add(1);
      });
    }
  }  // the destructor runs what is still queued, then joins
  EXPECT_EQ(done.load(), 200);
  EXPECT_LE(threads.size(), 3u);
  EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
}

TEST(CallWorkersTest, OneWorkerTakesTasksInArrivalOrder) {
  std::vector<int> order;
  {
    CallWorkers workers(1);
    for (int i = 0; i < 50; ++i) workers.Run([&order, i] { order.push_back(i); });
  }
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
}

TEST(CallWorkersTest, ABusyWorkerDoesNotHoldUpTheOthers) {
  std::atomic<bool> release{false};
  std::atomic<int> quick{0};
  CallWorkers workers(2);
  workers.Run([&] {
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  for (int i = 0; i < 10; ++i) workers.Run([&] { quick.fetch_add(1); });
  for (int waited = 0; quick.load() < 10 && waited < 5000; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(quick.load(), 10);
  release = true;
}

}  // namespace
}  // namespace pcnv::server
