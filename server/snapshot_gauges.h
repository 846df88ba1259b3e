// The gauges pcnv-server adds to /metrics, read from the service at scrape time: the serving
// snapshot's age, generation and store, heavy-call slots, and failed token reloads.
#ifndef PCNV_SERVER_SNAPSHOT_GAUGES_H_
#define PCNV_SERVER_SNAPSHOT_GAUGES_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>

#include "server/mutex.h"
#include "server/service.h"

namespace pcnv::server {

class SnapshotGauges {
 public:
  // Registers the families in `registry`; `service` and `token_reload_failures` must outlive
  // this.
  SnapshotGauges(prometheus::Registry& registry, const BoundaryValidatorService& service,
                 const std::atomic<int64_t>& token_reload_failures);

  // Reads the service now (Metrics::SetBeforeScrape runs it before each scrape).
  void Update() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const BoundaryValidatorService& service_;
  const std::atomic<int64_t>& token_reload_failures_;
  prometheus::Family<prometheus::Gauge>& age_;
  prometheus::Family<prometheus::Gauge>& generation_;
  prometheus::Family<prometheus::Gauge>& info_;
  prometheus::Gauge& in_use_;
  prometheus::Gauge& capacity_;
  prometheus::Counter& token_failures_;
  Mutex mu_;  // one update at a time: the info series is swapped when the store changes
  prometheus::Gauge* info_series_ ABSL_GUARDED_BY(mu_) = nullptr;
  prometheus::Gauge* age_series_ ABSL_GUARDED_BY(mu_) = nullptr;
  int64_t token_failures_counted_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_SNAPSHOT_GAUGES_H_
