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

// The disclosure policy the request asks for (input.options.suppress_below / unsuppressed).
absl::StatusOr<DisclosurePolicy> CatchmentsDisclosureFromProto(
    const v1::ComputeCatchmentsRequest& request);

// One PCN's reply, its table under the suppression CatchmentSet decided (geo/disclosure.h): a
// small count reads "<5", a count withheld so that no subtraction recovers a small one reads
// "withheld", and the share goes with either (with N(a) it would give the count back), as does
// N(a) where nothing else in its area can hide a small count.
v1::PcnCatchments CatchmentsToProto(const PcnCatchment& catchment, const std::vector<Area>& areas,
                                    double share_threshold, const DisclosurePolicy& disclosure);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_CATCHMENTS_H_
