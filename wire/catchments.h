// ComputeCatchments' request and reply: the threshold and input it needs, and one PCN's
// catchments with its per-area share table under small-number disclosure control.
#ifndef PCNV_WIRE_CATCHMENTS_H_
#define PCNV_WIRE_CATCHMENTS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "geo/catchments_api.h"
#include "geo/model.h"
#include "geo/reference.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire {

// The request's share threshold (0.05 when absent), checked as the engine checks it.
absl::StatusOr<double> ShareThresholdFromProto(const v1::ComputeCatchmentsRequest& request);
// The input; a distribution is required. Field paths start "input.".
absl::StatusOr<ValidationInput> CatchmentsInputFromProto(
    const v1::ComputeCatchmentsRequest& request);

// One PCN's reply. Counts of 1 to 4 patients in an area are "<5" (report/disclosure.h), and
// their share, which with the area total would give the count away, is left out with them.
v1::PcnCatchments CatchmentsToProto(const PcnCatchment& catchment, const std::vector<Area>& areas,
                                    double share_threshold);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_CATCHMENTS_H_
