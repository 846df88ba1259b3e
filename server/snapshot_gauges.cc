#include "server/snapshot_gauges.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pcnv::server {
namespace {

prometheus::Family<prometheus::Gauge>& GaugeFamily(prometheus::Registry& registry,
                                                   const std::string& name,
                                                   const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

}  // namespace

SnapshotGauges::SnapshotGauges(prometheus::Registry& registry,
                               const BoundaryValidatorService& service,
                               const std::atomic<int64_t>& token_reload_failures)
    : service_(service),
      token_reload_failures_(token_reload_failures),
      age_(GaugeFamily(registry, "pcnv_reference_snapshot_age_seconds",
                       "Time since the serving snapshot went live.")),
      generation_(GaugeFamily(registry, "pcnv_reference_snapshot_generation",
                              "1 at start-up, +1 per successful reload.")),
      // The store the snapshot came from, as a label: a fleet whose replicas report more than
      // one sha256 for long is a roll-out that stopped halfway (deploy/monitoring/alerts.yml).
      info_(GaugeFamily(registry, "pcnv_reference_snapshot_info",
                        "The serving snapshot's store (SHA-256 of its file).")),
      in_use_(GaugeFamily(registry, "pcnv_heavy_calls_in_use", "Heavy calls running now.").Add({})),
      capacity_(GaugeFamily(registry, "pcnv_heavy_calls_capacity",
                            "Heavy calls allowed at once (0: unlimited).")
                    .Add({})),
      token_failures_(prometheus::BuildCounter()
                          .Name("pcnv_tokens_reload_failures_total")
                          .Help("SIGHUP reloads of --tokens-file that failed.")
                          .Register(registry)
                          .Add({})) {
  generation_.Add({}).Set(0);
}

void SnapshotGauges::Update() {
  MutexLock lock(mu_);
  std::shared_ptr<const Snapshot> snapshot = service_.snapshots().Current();
  generation_.Add({}).Set(snapshot == nullptr ? 0 : static_cast<double>(snapshot->generation));
  if (snapshot != nullptr) {
    if (age_series_ == nullptr) age_series_ = &age_.Add({});
    age_series_->Set(absl::ToDoubleSeconds(absl::Now() - snapshot->loaded_at));
    const std::string sha256 = snapshot->data->store_sha256();
    if (!info_.Has({{"sha256", sha256}})) {
      if (info_series_ != nullptr) info_.Remove(info_series_);
      info_series_ = &info_.Add({{"sha256", sha256}});
      info_series_->Set(1);
    }
  }
  in_use_.Set(service_.heavy_slots().in_use());
  capacity_.Set(service_.heavy_slots().capacity());
  const int64_t failures = token_reload_failures_.load();
  token_failures_.Increment(static_cast<double>(failures - token_failures_counted_));
  token_failures_counted_ = failures;
}

}  // namespace pcnv::server
