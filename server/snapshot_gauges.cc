#include "server/snapshot_gauges.h"

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pcnv::server {

std::string SnapshotGauges(const BoundaryValidatorService& service, int64_t token_reload_failures) {
  std::string out;
  std::shared_ptr<const Snapshot> snapshot = service.snapshots().Current();
  out += "# HELP pcnv_reference_snapshot_age_seconds Time since the serving snapshot went live.\n";
  out += "# TYPE pcnv_reference_snapshot_age_seconds gauge\n";
  if (snapshot != nullptr) {
    absl::StrAppend(
        &out, "pcnv_reference_snapshot_age_seconds ",
        absl::StrFormat("%.3f", absl::ToDoubleSeconds(absl::Now() - snapshot->loaded_at)), "\n");
  }
  out += "# HELP pcnv_reference_snapshot_generation 1 at start-up, +1 per successful reload.\n";
  out += "# TYPE pcnv_reference_snapshot_generation gauge\n";
  absl::StrAppend(&out, "pcnv_reference_snapshot_generation ",
                  snapshot == nullptr ? 0 : snapshot->generation, "\n");
  // The store the snapshot came from, as a label: a fleet whose replicas report more than one
  // sha256 for long is a roll-out that stopped halfway (deploy/monitoring/alerts.yml).
  out +=
      "# HELP pcnv_reference_snapshot_info The serving snapshot's store (SHA-256 of its file).\n";
  out += "# TYPE pcnv_reference_snapshot_info gauge\n";
  if (snapshot != nullptr) {
    absl::StrAppend(&out, "pcnv_reference_snapshot_info{sha256=\"", snapshot->data->store_sha256(),
                    "\"} 1\n");
  }
  out += "# HELP pcnv_heavy_calls_in_use Heavy calls running now.\n";
  out += "# TYPE pcnv_heavy_calls_in_use gauge\n";
  absl::StrAppend(&out, "pcnv_heavy_calls_in_use ", service.heavy_slots().in_use(), "\n");
  out += "# HELP pcnv_heavy_calls_capacity Heavy calls allowed at once (0: unlimited).\n";
  out += "# TYPE pcnv_heavy_calls_capacity gauge\n";
  absl::StrAppend(&out, "pcnv_heavy_calls_capacity ", service.heavy_slots().capacity(), "\n");
  out += "# HELP pcnv_tokens_reload_failures_total SIGHUP reloads of --tokens-file that failed.\n";
  out += "# TYPE pcnv_tokens_reload_failures_total counter\n";
  absl::StrAppend(&out, "pcnv_tokens_reload_failures_total ", token_reload_failures, "\n");
  return out;
}

}  // namespace pcnv::server
