#include "wire/change.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "geo/field_error.h"
#include "wire/convert.h"
#include "wire/status.h"

namespace pcnv::wire {

absl::StatusOr<FailOn> FailOnFromProto(int fail_on) {
  switch (fail_on) {
    case v1::FAIL_ON_UNSPECIFIED:
    case v1::FAIL_ON_NEW_ERRORS:
      return FailOn::kNewErrors;
    case v1::FAIL_ON_ANY_ERRORS:
      return FailOn::kAnyErrors;
    case v1::FAIL_ON_NEW_WARNINGS:
      return FailOn::kNewWarnings;
  }
  return FieldError("fail_on", absl::StrCat("unknown value ", fail_on));
}

v1::ChangeStatus ChangeStatusToProto(Baseline baseline) {
  switch (baseline) {
    case Baseline::kNew:
      return v1::CHANGE_STATUS_NEW;
    case Baseline::kUnchanged:
      return v1::CHANGE_STATUS_UNCHANGED;
    case Baseline::kUpdated:
      return v1::CHANGE_STATUS_UPDATED;
    case Baseline::kAbsent:
      return v1::CHANGE_STATUS_FIXED;
    case Baseline::kNone:
      break;
  }
  return v1::CHANGE_STATUS_UNSPECIFIED;
}

void ChangeToProto(const Summary& base_summary, const ReportDiff& diff,
                   v1::ValidateChangeResponse* out) {
  {
    v1::Report summary_only;
    ToProto(Report{.summary = base_summary}, &summary_only);
    *out->mutable_base_summary() = std::move(*summary_only.mutable_summary());
  }
  v1::Report marked;  // the candidate's findings then the fixed ones, parallel to the marks
  ToProto(diff.view.report, &marked);
  for (int i = 0; i < marked.findings_size(); ++i) {
    v1::ChangedFinding* changed = out->add_findings();
    *changed->mutable_finding() = std::move(*marked.mutable_findings(i));
    changed->set_status(ChangeStatusToProto(diff.view.marks[i].baseline));
    changed->set_failing(diff.view.marks[i].failing);
  }
  out->set_new_findings(diff.counts.new_findings);
  out->set_fixed(diff.counts.fixed);
  out->set_unchanged(diff.counts.unchanged);
  out->set_failing(diff.counts.failing);
  out->set_regressed(diff.counts.failing > 0);
}

}  // namespace pcnv::wire
