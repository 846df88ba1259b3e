#include "server/metrics.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pcnv::server {
namespace {

// Label values are codes and method names, but escape anyway as the format requires.
std::string Label(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::CallStarted(const std::string& method) {
  MutexLock lock(mu_);
  ++in_flight_[method];
}

void Metrics::CallFinished(const std::string& method, const std::string& code, double seconds,
                           int64_t request_bytes, int64_t response_bytes) {
  MutexLock lock(mu_);
  --in_flight_[method];
  ++calls_[{method, code}];
  Histogram& h = latency_[method];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.counts[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
  request_bytes_[method] += request_bytes;
  response_bytes_[method] += response_bytes;
}

void Metrics::CountFindings(const Report& report) {
  MutexLock lock(mu_);
  for (const Finding& f : report.findings) {
    const std::string severity = f.waiver ? "WAIVED" : std::string(SeverityName(f.severity));
    ++findings_[{f.rule, severity}];
  }
}

void Metrics::SetGauges(std::function<std::string()> gauges) {
  MutexLock lock(mu_);
  gauges_ = std::move(gauges);
}

std::string Metrics::Render() const {
  std::string out;
  std::function<std::string()> gauges;
  {
    MutexLock lock(mu_);
    out += "# HELP pcnv_calls_total RPCs finished, by method and gRPC status code.\n";
    out += "# TYPE pcnv_calls_total counter\n";
    for (const auto& [key, n] : calls_) {
      absl::StrAppend(&out, "pcnv_calls_total{method=\"", Label(key.first), "\",code=\"",
                      Label(key.second), "\"} ", n, "\n");
    }
    out += "# HELP pcnv_call_duration_seconds RPC latency.\n";
    out += "# TYPE pcnv_call_duration_seconds histogram\n";
    for (const auto& [method, h] : latency_) {
      int64_t cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.counts[i];
        absl::StrAppend(&out, "pcnv_call_duration_seconds_bucket{method=\"", Label(method),
                        "\",le=\"", kBuckets[i], "\"} ", cumulative, "\n");
      }
      absl::StrAppend(&out, "pcnv_call_duration_seconds_bucket{method=\"", Label(method),
                      "\",le=\"+Inf\"} ", h.count, "\n");
      absl::StrAppend(&out, "pcnv_call_duration_seconds_sum{method=\"", Label(method), "\"} ",
                      absl::StrFormat("%.6f", h.sum), "\n");
      absl::StrAppend(&out, "pcnv_call_duration_seconds_count{method=\"", Label(method), "\"} ",
                      h.count, "\n");
    }
    out += "# HELP pcnv_calls_in_flight RPCs running now.\n";
    out += "# TYPE pcnv_calls_in_flight gauge\n";
    for (const auto& [method, n] : in_flight_) {
      absl::StrAppend(&out, "pcnv_calls_in_flight{method=\"", Label(method), "\"} ", n, "\n");
    }
    out += "# HELP pcnv_request_bytes_total Serialized request bytes received.\n";
    out += "# TYPE pcnv_request_bytes_total counter\n";
    for (const auto& [method, n] : request_bytes_) {
      absl::StrAppend(&out, "pcnv_request_bytes_total{method=\"", Label(method), "\"} ", n, "\n");
    }
    out += "# HELP pcnv_response_bytes_total Serialized response bytes sent.\n";
    out += "# TYPE pcnv_response_bytes_total counter\n";
    for (const auto& [method, n] : response_bytes_) {
      absl::StrAppend(&out, "pcnv_response_bytes_total{method=\"", Label(method), "\"} ", n, "\n");
    }
    out += "# HELP pcnv_findings_total Findings returned by Validate, by rule and severity.\n";
    out += "# TYPE pcnv_findings_total counter\n";
    for (const auto& [key, n] : findings_) {
      absl::StrAppend(&out, "pcnv_findings_total{rule=\"", Label(key.first), "\",severity=\"",
                      Label(key.second), "\"} ", n, "\n");
    }
    gauges = gauges_;
  }
  out += "# HELP pcnv_reference_reload_failures_total Reloads that kept the old snapshot.\n";
  out += "# TYPE pcnv_reference_reload_failures_total counter\n";
  absl::StrAppend(&out, "pcnv_reference_reload_failures_total ", reload_failures_.load(), "\n");
  out += "# HELP pcnv_serving 1 while grpc.health.v1 reports SERVING, else 0.\n";
  out += "# TYPE pcnv_serving gauge\n";
  absl::StrAppend(&out, "pcnv_serving ", serving() ? 1 : 0, "\n");
  if (gauges) out += gauges();
  return out;
}

void Metrics::SetServing(bool serving) {
  int now = serving_.load();
  while (now != kStopping &&
         !serving_.compare_exchange_weak(now, serving ? kServing : kNotServing)) {
  }
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& host, int port, const Metrics* metrics) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address ", host, ": ", gai_strerror(rc)));
  }
  int fd = -1;
  std::string error = "no address";
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 16) != 0) {
      error = std::strerror(errno);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for metrics on ", host, ":", port, ": ", error));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  const int bound_port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(fd, bound_port, metrics));
}

MetricsHttpServer::MetricsHttpServer(int fd, int port, const Metrics* metrics)
    : fd_(fd), port_(port), metrics_(metrics), thread_([this] { Loop(); }) {}

MetricsHttpServer::~MetricsHttpServer() {
  stop_ = true;
  thread_.join();
  close(fd_);
}

void MetricsHttpServer::Loop() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;  // wakes up to notice stop_
    const int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    // Read the request head (bounded; one slow client cannot hold the loop for long).
    std::string head;
    char buf[1024];
    while (!absl::StrContains(head, "\r\n\r\n") && head.size() < 8192) {
      pollfd c{client, POLLIN, 0};
      if (poll(&c, 1, 2000) <= 0) break;
      const ssize_t n = read(client, buf, sizeof buf);
      if (n <= 0) break;
      head.append(buf, n);
    }
    std::string status = "404 Not Found", type = "text/plain", body = "not found\n";
    if (absl::StartsWith(head, "GET /metrics ") || absl::StartsWith(head, "GET /metrics?")) {
      status = "200 OK";
      type = "text/plain; version=0.0.4; charset=utf-8";
      body = metrics_->Render();
    } else if (absl::StartsWith(head, "GET /ready ") || absl::StartsWith(head, "GET /ready?")) {
      const bool ready = metrics_->serving();
      status = ready ? "200 OK" : "503 Service Unavailable";
      body = ready ? "SERVING\n" : "NOT_SERVING\n";
    }
    const std::string response =
        absl::StrCat("HTTP/1.0 ", status, "\r\nContent-Type: ", type,
                     "\r\nContent-Length: ", body.size(), "\r\nConnection: close\r\n\r\n", body);
    size_t sent = 0;
    while (sent < response.size()) {
      const ssize_t n = send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += n;
    }
    close(client);
  }
}

}  // namespace pcnv::server
