#include "server/slow_clients.h"

#include <arpa/inet.h>
#include <linux/tcp.h>  // struct tcp_info with tcpi_bytes_received (glibc's lacks it)
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <system_error>
#include <vector>

#include "absl/time/clock.h"

namespace pcnv::server {
namespace {

struct Accepted {
  std::string address;
  int port = 0;
  uint64_t bytes_received = 0;
};

// The port of a socket address, and its address as text (as httplib's remote_addr has it).
std::optional<std::pair<std::string, int>> AddressOf(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(a);
    if (inet_ntop(AF_INET, &in.sin_addr, text, sizeof text) == nullptr) return std::nullopt;
    return std::pair<std::string, int>(text, ntohs(in.sin_port));
  }
  if (a.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a);
    if (inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text) == nullptr) return std::nullopt;
    return std::pair<std::string, int>(text, ntohs(in6.sin6_port));
  }
  return std::nullopt;
}

// `fd` when it is a connection accepted on local `port` (not the listening socket itself).
std::optional<Accepted> AcceptedOn(int fd, int port) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return std::nullopt;
  const auto local_address = AddressOf(local);
  if (!local_address || local_address->second != port) return std::nullopt;
  int listening = 0;
  length = sizeof listening;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || listening != 0) {
    return std::nullopt;
  }
  sockaddr_storage peer{};
  length = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return std::nullopt;
  const auto peer_address = AddressOf(peer);
  if (!peer_address) return std::nullopt;
  tcp_info info{};
  length = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return std::nullopt;
  return Accepted{peer_address->first, peer_address->second, info.tcpi_bytes_received};
}

}  // namespace

SlowClientGuard::SlowClientGuard(SlowClientLimits limits) : limits_(limits) {}

SlowClientGuard::~SlowClientGuard() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  mu_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

void SlowClientGuard::Watch(int port) {
  if (!thread_.joinable()) thread_ = std::thread([this, port] { Run(port); });
}

void SlowClientGuard::Serving(const std::string& address, int port) {
  MutexLock lock(mu_);
  serving_.emplace(address, port);
}

void SlowClientGuard::Done(const std::string& address, int port) {
  MutexLock lock(mu_);
  serving_.erase(Peer(address, port));
  done_.emplace(address, port);
}

int64_t SlowClientGuard::closed() const {
  MutexLock lock(mu_);
  return closed_;
}

void SlowClientGuard::Run(int port) {
  MutexLock lock(mu_);
  while (!mu_.AwaitWithTimeout([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; },
                               limits_.period)) {
    LookOnce(port);
  }
}

void SlowClientGuard::LookOnce(int port) {
  const absl::Time now = absl::Now();
  std::map<std::pair<int, Peer>, Connection> seen;
  std::set<Peer> peers;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const std::string name = entry.path().filename().string();
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc()) continue;
    const std::optional<Accepted> a = AcceptedOn(fd, port);
    if (!a) continue;
    const Peer peer(a->address, a->port);
    peers.insert(peer);
    auto known = connections_.find({fd, peer});
    Connection c = known != connections_.end() ? known->second : Connection{now, a->bytes_received};
    if (serving_.contains(peer) || done_.contains(peer)) c = Connection{now, a->bytes_received};
    const double seconds = absl::ToDoubleSeconds(now - c.since);
    if (!serving_.contains(peer) && now - c.since > limits_.grace &&
        static_cast<double>(a->bytes_received - c.bytes_since) <
            static_cast<double>(limits_.min_bytes_per_second) * seconds) {
      // Ends the pool thread's wait on it at once; httplib then closes the socket. The fd was
      // checked just now (its port and peer), so it is still this connection.
      shutdown(fd, SHUT_RDWR);
      ++closed_;
      continue;
    }
    seen.emplace(std::pair<int, Peer>(fd, peer), c);
  }
  // Per address, the connections waiting for their request beyond the limit, oldest first.
  using Key = std::pair<int, Peer>;
  std::map<std::string, std::vector<std::pair<absl::Time, Key>>> waiting;
  for (const auto& [key, c] : seen) {
    if (!serving_.contains(key.second) && now - c.since > 2 * limits_.period) {
      waiting[key.second.first].emplace_back(c.since, key);
    }
  }
  for (auto& [address, list] : waiting) {
    if (std::ssize(list) <= limits_.max_waiting_per_address) continue;
    std::sort(list.begin(), list.end());
    list.resize(list.size() - limits_.max_waiting_per_address);
    for (const auto& [since, key] : list) {
      shutdown(key.first, SHUT_RDWR);
      ++closed_;
      seen.erase(key);
    }
  }
  connections_ = std::move(seen);
  done_.clear();
  std::erase_if(serving_, [&](const Peer& p) { return !peers.contains(p); });
}

}  // namespace pcnv::server
