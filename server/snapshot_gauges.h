// The gauges pcnv-server adds to /metrics, read from the service at scrape time: the serving
// snapshot's age and generation, heavy-call slots, and failed token reloads.
#ifndef PCNV_SERVER_SNAPSHOT_GAUGES_H_
#define PCNV_SERVER_SNAPSHOT_GAUGES_H_

#include <cstdint>
#include <string>

#include "server/service.h"

namespace pcnv::server {

// Prometheus text exposition lines (HELP, TYPE, value) for each gauge.
std::string SnapshotGauges(const BoundaryValidatorService& service, int64_t token_reload_failures);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_SNAPSHOT_GAUGES_H_
