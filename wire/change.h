// ValidateChange's enums and reply: the fail-on policy, each finding's change status, and the
// counts of a release diff (geo/report_diff.h).
#ifndef PCNV_WIRE_CHANGE_H_
#define PCNV_WIRE_CHANGE_H_

#include "absl/status/statusor.h"
#include "geo/report.h"
#include "geo/report_diff.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire {

// UNSPECIFIED is new-errors, the default; an unknown value is INVALID_ARGUMENT on `fail_on`.
absl::StatusOr<FailOn> FailOnFromProto(int fail_on);
v1::ChangeStatus ChangeStatusToProto(Baseline baseline);

// Fills everything but `candidate` and `candidate_report_id`: the base's summary, every finding
// of the diff (the candidate's, then the fixed ones) with its status, and the counts.
void ChangeToProto(const Summary& base_summary, const ReportDiff& diff,
                   v1::ValidateChangeResponse* out);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_CHANGE_H_
