#include "geo/stop_token.h"

#include <chrono>

namespace pcnv {
namespace {

thread_local const StopToken* current_token = nullptr;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// GEOS asks at every interruption point (per edge ring, per noded segment string): the hook is a
// clock read and sometimes a system call, so it is asked at most this often.
constexpr int64_t kPollIntervalNs = 1'000'000;

}  // namespace

bool StopToken::Stopped() const {
  if (stopped_.load(std::memory_order_acquire)) return true;
  if (!hook_) return false;
  const int64_t now = NowNs();
  if (now < next_poll_ns_.load(std::memory_order_relaxed)) return false;
  // Another thread asking the hook right now will set the flag if it says stop.
  if (!mu_.try_lock()) return false;
  bool stop = false;
  if (now >= next_poll_ns_.load(std::memory_order_relaxed)) {
    next_poll_ns_.store(now + kPollIntervalNs, std::memory_order_relaxed);
    stop = hook_();
    if (stop) stopped_.store(true, std::memory_order_release);
  }
  mu_.unlock();
  return stop || stopped_.load(std::memory_order_acquire);
}

const StopToken* CurrentStopToken() { return current_token; }

bool StopRequested() { return current_token != nullptr && current_token->Stopped(); }

ScopedStopToken::ScopedStopToken(const StopToken* token) : previous_(current_token) {
  current_token = token;
}

ScopedStopToken::~ScopedStopToken() { current_token = previous_; }

}  // namespace pcnv
