// Ends streaming calls whose client has gone quiet (--stream-idle-seconds).
//
// A synchronous gRPC handler waiting in Read (or in a Write the client does not take) has no
// timeout of its own: a client that sends one chunk and then nothing would hold its heavy-call
// slot until its deadline, which it need not set. While a handler waits on its client it holds a
// Wait; the watchdog's thread ends any call whose Wait is older than the idle limit with
// DEADLINE_EXCEEDED and a message naming the flag (grpc_call_cancel_with_status: the status
// goes to the client at once, and the pending Read or Write returns false), so the handler
// returns and frees its slot. A Wait unregisters under the watchdog's lock before the call can
// end, so the watchdog never touches a finished call.
#ifndef PCNV_SERVER_STREAM_WATCHDOG_H_
#define PCNV_SERVER_STREAM_WATCHDOG_H_

#include <grpcpp/server_context.h>

#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/mutex.h"

namespace pcnv::server {

class StreamWatchdog {
 public:
  // `idle` <= 0: never ends a call.
  explicit StreamWatchdog(absl::Duration idle);
  ~StreamWatchdog();
  StreamWatchdog(const StreamWatchdog&) = delete;
  StreamWatchdog& operator=(const StreamWatchdog&) = delete;

  // Held around one blocking Read or Write of `context`'s call. `what` says what the server
  // was waiting for ("the next chunk", "the client to read") in the message.
  class Wait {
   public:
    Wait(StreamWatchdog& watchdog, grpc::ServerContext& context, const char* what);
    ~Wait();
    Wait(const Wait&) = delete;
    Wait& operator=(const Wait&) = delete;

    // After the Read or Write returned false: whether the watchdog ended the call, and then
    // the status the client was given (DEADLINE_EXCEEDED, ErrorInfo STREAM_IDLE, for the log).
    bool expired() const;
    absl::Status status() const;

   private:
    StreamWatchdog& watchdog_;
    uint64_t id_ = 0;
  };

  absl::Duration idle() const { return idle_; }

 private:
  struct Entry {
    grpc::ServerContext* context;
    absl::Time since;
    const char* what;
    bool expired = false;
  };
  void Run();
  std::string Message(const Entry& entry) const;

  const absl::Duration idle_;
  mutable Mutex mu_;
  std::map<uint64_t, Entry> waits_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_STREAM_WATCHDOG_H_
