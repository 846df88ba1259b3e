// The validation engine: inputs + reference snapshot + options -> Report.
// Pure domain code: both the CLI (in-process) and the gRPC server call exactly this.
#ifndef PCNV_GEO_VALIDATE_H_
#define PCNV_GEO_VALIDATE_H_

#include "absl/status/statusor.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/reference.h"
#include "geo/report.h"

namespace pcnv {

// Fails (INVALID_ARGUMENT) only when the request itself cannot be processed, e.g. an option
// out of range; everything wrong with the data is a finding in the report. Provenance gets
// everything but the library versions and the tool name, which the front door adds.
// When options.cancelled is set and returns true at one of the engine's checkpoints, stops with
// CANCELLED (the front door tells a deadline from a client's cancel).
absl::StatusOr<Report> Validate(const ReferenceData& reference, const ValidationInput& input,
                                const ValidationOptions& options);

}  // namespace pcnv

#endif  // PCNV_GEO_VALIDATE_H_
