// Prometheus metrics for the service, kept in a prometheus-cpp registry (Debian's
// prometheus-cpp-dev) and written in the text exposition format by its serializer, and the
// listener that serves them on their own port (--metrics-port) with cpp-httplib.
//
// Metrics:
//   pcnv_calls_total{method,code}              calls finished, by gRPC status code name
//   pcnv_call_duration_seconds{method}         histogram of call latency
//   pcnv_calls_in_flight{method}               calls running now
//   pcnv_request_bytes_total{method}, pcnv_response_bytes_total{method}
//   pcnv_findings_total{rule,severity}         findings returned by Validate (unwaived + WAIVED)
//   pcnv_reference_reload_failures_total       reloads that kept the old snapshot
//   pcnv_serving                               1 while health reports SERVING, else 0
// and those read from the service at scrape time (server/snapshot_gauges.h).
//
// The listener also answers GET /ready: 200 while the server is SERVING, 503 before the
// reference is loaded and from SIGTERM on (grpc.health.v1 says the same), for load balancers that
// check over plain HTTP (HAProxy: deploy/lb/haproxy.cfg).
#ifndef PCNV_SERVER_METRICS_H_
#define PCNV_SERVER_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "geo/report.h"
#include "server/http_listener.h"
#include "server/mutex.h"

namespace pcnv::server {

class Metrics {
 public:
  Metrics();

  void CallStarted(const std::string& method);
  void CallFinished(const std::string& method, const std::string& code, double seconds,
                    int64_t request_bytes, int64_t response_bytes);
  void CountFindings(const Report& report);
  void ReloadFailed() { reload_failures_.Increment(); }

  // Readiness, as grpc.health.v1 reports it. After Stopping() it stays false.
  void SetServing(bool serving);
  void Stopping();
  bool serving() const { return serving_state_.load() == kServing; }

  // Where gauges read at scrape time register their families (server/snapshot_gauges.h).
  prometheus::Registry& registry() { return *registry_; }
  // Run before each scrape, to bring those gauges up to date.
  void SetBeforeScrape(std::function<void()> update) ABSL_LOCKS_EXCLUDED(mu_);

  // The whole exposition text.
  std::string Render() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
  prometheus::Family<prometheus::Counter>& request_bytes_;
  prometheus::Family<prometheus::Counter>& response_bytes_;
  prometheus::Family<prometheus::Counter>& findings_;
  prometheus::Counter& reload_failures_;
  prometheus::Gauge& serving_;
  mutable Mutex mu_;
  std::function<void()> before_scrape_ ABSL_GUARDED_BY(mu_);
  static constexpr int kNotServing = 0, kServing = 1, kStopping = 2;
  std::atomic<int> serving_state_{kNotServing};
};

// Serves GET /metrics and GET /ready (anything else: 404) on host:port (0 picks a free port).
absl::StatusOr<std::unique_ptr<HttpListener>> StartMetricsListener(const std::string& host,
                                                                   int port,
                                                                   const Metrics* metrics);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_METRICS_H_
