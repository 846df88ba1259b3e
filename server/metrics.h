// Prometheus metrics for the service, in the text exposition format (version 0.0.4), and a
// minimal HTTP listener that serves them on their own port (--metrics-port).
//
// Why not prometheus-cpp: Debian 12 does not package it, and what we need (a few counters, one
// histogram family and gauges read at scrape time) is a page of code. Why a home-made HTTP
// listener: it answers one GET on a loopback or cluster-internal port; a library HTTP server
// (civetweb, as prometheus-cpp uses) would be the only other reason to add a dependency.
//
// Metrics:
//   pcnv_calls_total{method,code}              calls finished, by gRPC status code name
//   pcnv_call_duration_seconds{method}         histogram of call latency
//   pcnv_calls_in_flight{method}               calls running now
//   pcnv_request_bytes_total{method}, pcnv_response_bytes_total{method}
//   pcnv_findings_total{rule,severity}         findings returned by Validate (unwaived + WAIVED)
//   pcnv_reference_snapshot_age_seconds        time since the serving snapshot went live
//   pcnv_reference_snapshot_generation         1 at start-up, +1 per successful reload
//   pcnv_reference_reload_failures_total       reloads that kept the old snapshot
//   pcnv_heavy_calls_in_use, pcnv_heavy_calls_capacity
//   pcnv_serving                               1 while health reports SERVING, else 0
//
// The same listener answers GET /ready: 200 while the server is SERVING, 503 before the reference
// is loaded and from SIGTERM on (grpc.health.v1 says the same), for load balancers that check
// over plain HTTP (HAProxy: deploy/lb/haproxy.cfg).
#ifndef PCNV_SERVER_METRICS_H_
#define PCNV_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "geo/report.h"
#include "server/mutex.h"

namespace pcnv::server {

class Metrics {
 public:
  void CallStarted(const std::string& method) ABSL_LOCKS_EXCLUDED(mu_);
  void CallFinished(const std::string& method, const std::string& code, double seconds,
                    int64_t request_bytes, int64_t response_bytes) ABSL_LOCKS_EXCLUDED(mu_);
  void CountFindings(const Report& report) ABSL_LOCKS_EXCLUDED(mu_);
  void ReloadFailed() { reload_failures_.fetch_add(1); }

  // Readiness, as grpc.health.v1 reports it. After Stopping() it stays false.
  void SetServing(bool serving);
  void Stopping() { serving_.store(kStopping); }
  bool serving() const { return serving_.load() == kServing; }

  // Gauges read at scrape time (snapshot age, heavy slots): extra exposition text appended.
  void SetGauges(std::function<std::string()> gauges) ABSL_LOCKS_EXCLUDED(mu_);

  // The whole exposition text.
  std::string Render() const ABSL_LOCKS_EXCLUDED(mu_);

  // Latency histogram bucket bounds, seconds.
  static constexpr std::array<double, 14> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1,
                                                      0.25,  0.5,    1,     2.5,  5,    10,   30};

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> counts{};  // non-cumulative
    int64_t count = 0;
    double sum = 0;
  };
  mutable Mutex mu_;
  std::map<std::pair<std::string, std::string>, int64_t> calls_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> in_flight_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> request_bytes_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> response_bytes_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, int64_t> findings_ ABSL_GUARDED_BY(mu_);
  std::function<std::string()> gauges_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> reload_failures_{0};
  static constexpr int kNotServing = 0, kServing = 1, kStopping = 2;
  std::atomic<int> serving_{kNotServing};
};

// Serves GET /metrics and GET /ready (anything else: 404) over HTTP/1.0 on its own thread, one
// connection at a time, until destroyed.
class MetricsHttpServer {
 public:
  // Binds host:port (0 picks a free port).
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(const std::string& host, int port,
                                                                  const Metrics* metrics);
  ~MetricsHttpServer();
  int port() const { return port_; }

 private:
  MetricsHttpServer(int fd, int port, const Metrics* metrics);
  void Loop();

  const int fd_;
  const int port_;
  const Metrics* metrics_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_METRICS_H_
