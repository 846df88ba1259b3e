#include "server/stream_watchdog.h"

#include <grpc/grpc.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pcnv/v1/validator.pb.h"
#include "wire/status.h"

namespace pcnv::server {

StreamWatchdog::StreamWatchdog(absl::Duration idle) : idle_(idle) {
  if (idle_ > absl::ZeroDuration()) thread_ = std::thread([this] { Run(); });
}

StreamWatchdog::~StreamWatchdog() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  mu_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

std::string StreamWatchdog::Message(const Entry& entry) const {
  return absl::StrFormat(
      "no progress for %g s while waiting for %s: the server ends streams idle for longer than "
      "--stream-idle-seconds (%g s)",
      absl::ToDoubleSeconds(idle_), entry.what, absl::ToDoubleSeconds(idle_));
}

void StreamWatchdog::Run() {
  // Idle calls are found within a tenth of the limit (at most every 250 ms): a timer per wait
  // would be more exact, but nothing needs better than that.
  const absl::Duration tick =
      std::clamp(idle_ / 10, absl::Milliseconds(10), absl::Milliseconds(250));
  MutexLock lock(mu_);
  while (!mu_.AwaitWithTimeout([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; },
                               tick)) {
    const absl::Time now = absl::Now();
    for (auto& [id, entry] : waits_) {
      if (entry.expired || now - entry.since < idle_) continue;
      entry.expired = true;
      // Thread-safe in gRPC core; the call is alive, since its Wait (still registered, and
      // unregistering needs this lock) is inside a Read or Write on it.
      grpc_call_cancel_with_status(entry.context->c_call(), GRPC_STATUS_DEADLINE_EXCEEDED,
                                   Message(entry).c_str(), nullptr);
    }
  }
}

StreamWatchdog::Wait::Wait(StreamWatchdog& watchdog, grpc::ServerContext& context, const char* what)
    : watchdog_(watchdog) {
  if (watchdog_.idle_ <= absl::ZeroDuration()) return;
  MutexLock lock(watchdog_.mu_);
  id_ = watchdog_.next_id_++;
  watchdog_.waits_.emplace(id_, Entry{&context, absl::Now(), what});
}

StreamWatchdog::Wait::~Wait() {
  if (id_ == 0) return;
  MutexLock lock(watchdog_.mu_);
  watchdog_.waits_.erase(id_);
}

bool StreamWatchdog::Wait::expired() const {
  if (id_ == 0) return false;
  MutexLock lock(watchdog_.mu_);
  auto it = watchdog_.waits_.find(id_);
  return it != watchdog_.waits_.end() && it->second.expired;
}

absl::Status StreamWatchdog::Wait::status() const {
  MutexLock lock(watchdog_.mu_);
  auto it = watchdog_.waits_.find(id_);
  if (it == watchdog_.waits_.end() || !it->second.expired) return absl::OkStatus();
  return wire::WithErrorInfo(absl::DeadlineExceededError(watchdog_.Message(it->second)),
                             v1::ERROR_REASON_STREAM_IDLE);
}

}  // namespace pcnv::server
