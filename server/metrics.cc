#include "server/metrics.h"

#include <httplib.h>
#include <prometheus/text_serializer.h>

#include <memory>
#include <utility>

namespace pcnv::server {
namespace {

// Latency histogram bucket bounds, seconds.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *buckets;
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      calls_(prometheus::BuildCounter()
                 .Name("pcnv_calls_total")
                 .Help("RPCs finished, by method and gRPC status code.")
                 .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("pcnv_call_duration_seconds")
                   .Help("RPC latency.")
                   .Register(*registry_)),
      in_flight_(prometheus::BuildGauge()
                     .Name("pcnv_calls_in_flight")
                     .Help("RPCs running now.")
                     .Register(*registry_)),
      request_bytes_(prometheus::BuildCounter()
                         .Name("pcnv_request_bytes_total")
                         .Help("Serialized request bytes received.")
                         .Register(*registry_)),
      response_bytes_(prometheus::BuildCounter()
                          .Name("pcnv_response_bytes_total")
                          .Help("Serialized response bytes sent.")
                          .Register(*registry_)),
      findings_(prometheus::BuildCounter()
                    .Name("pcnv_findings_total")
                    .Help("Findings returned by Validate, by rule and severity.")
                    .Register(*registry_)),
      reload_failures_(prometheus::BuildCounter()
                           .Name("pcnv_reference_reload_failures_total")
                           .Help("Reloads that kept the old snapshot.")
                           .Register(*registry_)
                           .Add({})),
      serving_(prometheus::BuildGauge()
                   .Name("pcnv_serving")
                   .Help("1 while grpc.health.v1 reports SERVING, else 0.")
                   .Register(*registry_)
                   .Add({})) {}

void Metrics::CallStarted(const std::string& method) {
  in_flight_.Add({{"method", method}}).Increment();
}

void Metrics::CallFinished(const std::string& method, const std::string& code, double seconds,
                           int64_t request_bytes, int64_t response_bytes) {
  in_flight_.Add({{"method", method}}).Decrement();
  calls_.Add({{"method", method}, {"code", code}}).Increment();
  latency_.Add({{"method", method}}, LatencyBuckets()).Observe(seconds);
  request_bytes_.Add({{"method", method}}).Increment(static_cast<double>(request_bytes));
  response_bytes_.Add({{"method", method}}).Increment(static_cast<double>(response_bytes));
}

void Metrics::CountFindings(const Report& report) {
  for (const Finding& f : report.findings) {
    const std::string severity = f.waiver ? "WAIVED" : std::string(SeverityName(f.severity));
    findings_.Add({{"rule", f.rule}, {"severity", severity}}).Increment();
  }
}

void Metrics::SetServing(bool serving) {
  int now = serving_state_.load();
  while (now != kStopping &&
         !serving_state_.compare_exchange_weak(now, serving ? kServing : kNotServing)) {
  }
  serving_.Set(this->serving() ? 1 : 0);
}

void Metrics::Stopping() {
  serving_state_.store(kStopping);
  serving_.Set(0);
}

void Metrics::SetBeforeScrape(std::function<void()> update) {
  MutexLock lock(mu_);
  before_scrape_ = std::move(update);
}

std::string Metrics::Render() const {
  std::function<void()> update;
  {
    MutexLock lock(mu_);
    update = before_scrape_;
  }
  if (update) update();
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

absl::StatusOr<std::unique_ptr<HttpListener>> StartMetricsListener(const std::string& host,
                                                                   int port,
                                                                   const Metrics* metrics) {
  auto server = std::make_unique<httplib::Server>();
  server->Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server->Get("/ready", [metrics](const httplib::Request&, httplib::Response& res) {
    const bool ready = metrics->serving();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "SERVING\n" : "NOT_SERVING\n", "text/plain");
  });
  // Scrapes and readiness probes are quick: httplib's usual 8 threads.
  return HttpListener::Start(std::move(server), host, port, "metrics",
                             std::make_shared<SlowClientGuard>(), 8);
}

}  // namespace pcnv::server
