// Checks on ValidationOptions that every front door needs, in one place so that the CLI, the
// server and the engine refuse the same values with the same words.
#ifndef PCNV_GEO_OPTIONS_CHECK_H_
#define PCNV_GEO_OPTIONS_CHECK_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pcnv {

// The share catchment's MINPCT must be in (0, 1]. INVALID_ARGUMENT "FIELD: X is outside (0, 1]",
// with FIELD as the caller names it ("share_threshold", "--share-threshold").
absl::Status CheckShareThreshold(double threshold, absl::string_view field = "share_threshold");

// The small-number threshold (geo/disclosure.h) must be in [2, 1000]: suppressing below 1 would
// suppress nothing, and turning suppression off is its own explicit flag (--unsuppressed).
absl::Status CheckSuppressBelow(int64_t suppress_below, absl::string_view field = "suppress_below");

}  // namespace pcnv

#endif  // PCNV_GEO_OPTIONS_CHECK_H_
