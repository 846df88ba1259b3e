// Comparing two validation reports of the same configuration at different releases: which
// findings are new in the candidate, fixed since the base, or unchanged.
//
// Matching: two findings are the same finding when rule, PCN, practice and stable key agree.
// The stable key is values["key"] when a rule records one (e.g. the areas of a detached part),
// else empty; several findings sharing all four are paired in report order. The message is not
// part of the identity: a POP001 whose population moves from 24,100 to 24,000 is unchanged
// (SARIF "updated"), not one fixed and one new.
#ifndef PCNV_GEO_REPORT_DIFF_H_
#define PCNV_GEO_REPORT_DIFF_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/options.h"
#include "geo/report_view.h"

namespace pcnv {

enum class FailOn {
  kNewErrors,    // a new ERROR finding (default): fail only on regressions
  kAnyErrors,    // any ERROR finding in the candidate, new or not
  kNewWarnings,  // a new WARNING or ERROR finding
};
absl::StatusOr<FailOn> ParseFailOn(
    std::string_view text);  // new-errors | any-errors | new-warnings
std::string_view FailOnName(FailOn f);

struct DiffCounts {
  int new_findings = 0;  // in the candidate only (waived ones included)
  int fixed = 0;         // in the base only
  int unchanged = 0;     // in both (numbers may differ)
  int waived = 0;        // current findings a waiver covers (new or unchanged)
  int failing = 0;       // findings that fail under the policy
};

struct ReportDiff {
  // The candidate's report with the base's fixed findings appended, and a mark per finding.
  ReportView view;
  DiffCounts counts;
};

// Waived findings never fail. A finding is failing when, under `fail_on`, it is new (or, for
// any-errors, current) and at the policy's severity.
//
// `waivers` are applied to candidate findings that carry none yet (a side read from a saved
// report was validated without them), with the engine's rule (geo/waivers.h): same rule and
// PCN, unexpired on `today`, and a waived POP001 becomes a WARNING. Findings validated with the
// waivers already carry them.
ReportDiff DiffReports(const Report& base, Report candidate, FailOn fail_on,
                       const std::vector<Waiver>& waivers, const std::string& today);

}  // namespace pcnv

#endif  // PCNV_GEO_REPORT_DIFF_H_
