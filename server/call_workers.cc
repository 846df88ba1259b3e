#include "server/call_workers.h"

#include <algorithm>
#include <utility>

namespace pcnv::server {

CallWorkers::CallWorkers(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { Work(); });
}

CallWorkers::~CallWorkers() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  mu_.NotifyAll();
  for (std::thread& t : threads_) t.join();
}

void CallWorkers::Run(std::function<void()> task) {
  {
    MutexLock lock(mu_);
    queue_.push_back(std::move(task));
  }
  mu_.NotifyAll();
}

void CallWorkers::Work() {
  while (true) {
    std::function<void()> task;
    {
      MutexLock lock(mu_);
      // The wait is re-armed every second only as a guard: every change notifies.
      while (queue_.empty() && !stopping_) {
        mu_.AwaitWithTimeout(
            [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !queue_.empty() || stopping_; },
            absl::Seconds(1));
      }
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace pcnv::server
