// The threads that run Validate's handler (server/service.cc). Validate is served through
// gRPC's callback API, which hands a call over without a thread per call (the sync API starts
// about one per call under concurrent load); but gRPC's own threads must never block, and a
// handler waits for an engine turn and then computes until its deadline. So the handler runs
// here: a fixed set of threads taking calls in arrival order.
#ifndef PCNV_SERVER_CALL_WORKERS_H_
#define PCNV_SERVER_CALL_WORKERS_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "server/mutex.h"

namespace pcnv::server {

class CallWorkers {
 public:
  explicit CallWorkers(int threads);  // at least 1
  // Runs everything already queued, then joins the threads.
  ~CallWorkers();
  CallWorkers(const CallWorkers&) = delete;
  CallWorkers& operator=(const CallWorkers&) = delete;

  // Queues `task` to run on one of the threads. (std::function, not absl::AnyInvocable: gRPC
  // uses AnyInvocable inside, and an instrumented copy of its inline code in a TSan build would
  // be bound in place of gRPC's own, making TSan report gRPC's hand-overs as races.)
  void Run(std::function<void()> task);
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void Work();

  Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_CALL_WORKERS_H_
