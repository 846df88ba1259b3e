// The server's mutex: a std::mutex, which ThreadSanitizer sees, dressed in Abseil's
// thread-safety annotations so that ABSL_GUARDED_BY still says (and clang's -Wthread-safety can
// check) which lock guards what. Not absl::Mutex: Debian builds Abseil without TSan's
// annotations, so TSan cannot see absl::Mutex's synchronisation and reports races that are not
// there (docs/RELIABILITY.md, "Sanitizers"); the engine's threaded code uses std::mutex for the
// same reason (geo/stop_token.h).
//
// Unlike absl::Mutex, waiting is not automatic: whoever changes what a waiter waits for calls
// NotifyAll() (AwaitWithTimeout's callers say who that is).
#ifndef PCNV_SERVER_MUTEX_H_
#define PCNV_SERVER_MUTEX_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace pcnv::server {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

  // With the lock held: releases it until `done()` (asked with the lock held) is true or
  // `timeout` has passed, then holds it again. True when `done()` is.
  template <typename Predicate>
  bool AwaitWithTimeout(Predicate done, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    const bool result = changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), done);
    lock.release();  // still held: the caller's
    return result;
  }

  // Wakes every AwaitWithTimeout to ask its `done()` again. With or without the lock held.
  void NotifyAll() { changed_.notify_all(); }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
};

// Holds `mu` for its lifetime.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_MUTEX_H_
