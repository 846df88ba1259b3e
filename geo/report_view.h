// What every writer draws: a report plus, per finding, how it counts. `pcnv validate` marks a
// finding failing when its severity is at or above the failing severity and no waiver covers
// it; `pcnv diff` also records whether it is new, unchanged or fixed against the base release.
#ifndef PCNV_GEO_REPORT_VIEW_H_
#define PCNV_GEO_REPORT_VIEW_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/report.h"

namespace pcnv {

// SARIF's baselineState values, which are exactly what a release diff needs.
enum class Baseline {
  kNone,       // not a diff
  kNew,        // in the candidate only
  kUnchanged,  // in both, same message
  kUpdated,    // in both, same key, different numbers
  kAbsent,     // in the base only: fixed by the candidate
};
std::string_view BaselineName(Baseline b);  // "", new, unchanged, updated, absent
// What a person calls it: "", NEW, UNCHANGED, CHANGED, FIXED.
std::string_view BaselineLabel(Baseline b);

// Waivers are the engine's (Finding::waiver): a waived finding is never failing.
struct FindingMark {
  Baseline baseline = Baseline::kNone;
  bool failing = false;  // counts towards exit code 1 (and a JUnit failure)
};

struct ReportView {
  Report report;                   // for a diff: the candidate plus the base's fixed findings
  std::vector<FindingMark> marks;  // one per report.findings, same order
  std::string fail_policy;         // "findings at ERROR or above", "new ERROR findings", ...
  bool is_diff = false;

  bool AnyFailing() const;
  // A PCN's verdict for colouring: FAIL (a current ERROR), WARN (a current WARNING), PASS.
  // Fixed and waived findings do not count.
  std::string PcnVerdict(const std::string& pcn) const;
  // True unless the finding is fixed (absent) or waived.
  bool IsCurrent(size_t i) const;
};

// `pcnv validate`: failing = severity >= fail_at and not waived.
ReportView ViewForValidate(Report report, Severity fail_at);

// Today's date in UTC as YYYY-MM-DD: the date waivers expire against.
std::string TodayUtc();

}  // namespace pcnv

#endif  // PCNV_GEO_REPORT_VIEW_H_
