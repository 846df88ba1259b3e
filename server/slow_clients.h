// Closes HTTP connections that deliver their request too slowly ("slowloris"): the defence
// cpp-httplib lacks. Its listener serves each connection on one of a few pool threads, and its
// only timeout is per read (5 s), so a client sending a header line every few seconds holds a
// thread for as long as it likes; twenty such clients left every HTTP caller waiting.
//
// The guard's thread looks at the process's TCP connections to the listener's port once a
// period. A connection that is not being served (its request not yet complete, or its last
// response written) must, after `grace`, have sent at least `min_bytes_per_second` on average
// since it opened or since its last response; else it is shut down, which ends the pool
// thread's wait at once. The bytes are the kernel's count (TCP_INFO), so no read is needed; a
// request being served (from the handler's start to the end of its response, a streamed one
// included) is never judged, however long it runs. The rule is Apache mod_reqtimeout's
// (header and body: a minimum rate after a grace period).
//
// A client that reconnects as soon as it is cut would still hold threads most of the time, so
// one address may also have at most `max_waiting_per_address` connections older than two
// periods whose request is not complete; the oldest beyond that are shut down at once. Many
// addresses at once are a flood for the network's defences (a load balancer's or a proxy's)
// to stop: docs/RELIABILITY.md.
#ifndef PCNV_SERVER_SLOW_CLIENTS_H_
#define PCNV_SERVER_SLOW_CLIENTS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "absl/time/time.h"
#include "server/mutex.h"

namespace pcnv::server {

struct SlowClientLimits {
  absl::Duration grace = absl::Seconds(20);
  int64_t min_bytes_per_second = 500;
  absl::Duration period = absl::Seconds(1);  // how often connections are looked at
  int max_waiting_per_address = 8;
};

class SlowClientGuard {
 public:
  explicit SlowClientGuard(SlowClientLimits limits = {});
  ~SlowClientGuard();
  SlowClientGuard(const SlowClientGuard&) = delete;
  SlowClientGuard& operator=(const SlowClientGuard&) = delete;

  // Starts watching the connections accepted on local TCP `port` (once; the listener's port
  // is known only after it is bound).
  void Watch(int port);

  // The request of the connection from peer address:port is complete and being served: not
  // judged until Done. Done: its response is written; the next request is judged from now.
  void Serving(const std::string& address, int port);
  void Done(const std::string& address, int port);

  int64_t closed() const;  // connections shut down for being too slow

 private:
  using Peer = std::pair<std::string, int>;
  struct Connection {
    absl::Time since;          // opened, or its last response written
    uint64_t bytes_since = 0;  // bytes received by then
  };
  void Run(int port);
  void LookOnce(int port) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const SlowClientLimits limits_;
  mutable Mutex mu_;
  std::map<std::pair<int, Peer>, Connection> connections_ ABSL_GUARDED_BY(mu_);  // by fd, peer
  std::set<Peer> serving_ ABSL_GUARDED_BY(mu_);
  std::set<Peer> done_ ABSL_GUARDED_BY(mu_);  // responses written since the last look
  int64_t closed_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_SLOW_CLIENTS_H_
