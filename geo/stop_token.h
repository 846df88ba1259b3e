// Stopping one validation on every thread it runs on, including inside a long GEOS operation.
//
// A front door gives the engine a hook (ValidationOptions::cancelled: the call's deadline passed,
// or the client went away) that may only be asked by one thread at a time. A StopToken wraps it
// for all the validation's threads: any thread may ask Stopped(); the hook itself is asked by
// one thread at a time, at most every millisecond, and once it has said stop the token stays
// stopped.
//
// While a ScopedStopToken is alive its token is the current thread's (ParallelFor hands it on to
// its workers), and GEOS operations on the thread give up soon after the token stops: GEOS calls
// a registered callback at its interruption points (overlay, noding, relate, buffer, make-valid),
// and geo/geos_handle.cc's callback throws there, exactly where GEOS's own interruption throws,
// when the current thread's token has stopped. The GEOS call then fails (a null result), and the
// engine, which checks the token between its steps, returns CANCELLED. GEOS 3.11's own
// GEOS_interruptRequest is one flag for the whole process, so it would stop every call's GEOS
// work, not only the one past its deadline; this callback looks only at its own thread's token.
//
// Once a token has stopped, any GEOS result computed on its threads may be a failure caused by
// the interruption: the engine must return CANCELLED, never a report, after Stopped() said true.
#ifndef PCNV_GEO_STOP_TOKEN_H_
#define PCNV_GEO_STOP_TOKEN_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>

namespace pcnv {

class StopToken {
 public:
  // `hook` may be null (never stops).
  explicit StopToken(std::function<bool()> hook) : hook_(std::move(hook)) {}
  StopToken(const StopToken&) = delete;
  StopToken& operator=(const StopToken&) = delete;

  // True once the hook has said stop. Thread-safe.
  bool Stopped() const;

 private:
  std::function<bool()> hook_;
  mutable std::atomic<bool> stopped_{false};
  mutable std::atomic<int64_t> next_poll_ns_{0};
  // Held while the hook runs: one thread at a time. A std::mutex rather than absl::Mutex, as in
  // all of the engine's threaded code: Debian's Abseil is built without ThreadSanitizer's
  // annotations, so TSan cannot see absl::Mutex's synchronisation (docs/RELIABILITY.md).
  mutable std::mutex mu_;
};

// The current thread's token (null when none).
const StopToken* CurrentStopToken();
// True when the current thread has a token and it has stopped: for loops inside a rule.
bool StopRequested();

// Makes `token` (may be null) the current thread's token while alive; restores the previous one.
class ScopedStopToken {
 public:
  explicit ScopedStopToken(const StopToken* token);
  ~ScopedStopToken();
  ScopedStopToken(const ScopedStopToken&) = delete;
  ScopedStopToken& operator=(const ScopedStopToken&) = delete;

 private:
  const StopToken* previous_;
};

}  // namespace pcnv

#endif  // PCNV_GEO_STOP_TOKEN_H_
