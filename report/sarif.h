// SARIF 2.1.0 for code-scanning dashboards: one run, the tool's rules from the catalogue
// (with the severity in force as their default level), one result per finding with its PCN
// and practice as logical locations and, where the rule records one, the input file and row
// as its physical location. In a diff, results carry baselineState (new / unchanged / updated /
// absent for fixed) and waived findings carry an accepted external suppression.
#ifndef PCNV_REPORT_SARIF_H_
#define PCNV_REPORT_SARIF_H_

#include <string>

#include "absl/status/status.h"
#include "geo/report_view.h"

namespace pcnv::report {

std::string RenderSarif(const ReportView& view);
absl::Status WriteSarif(const ReportView& view, const std::string& path);

// "build/sample/x.csv" stays a relative URI reference; "/abs/x y.csv" -> "file:///abs/x%20y.csv".
std::string PathToUri(const std::string& path);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_SARIF_H_
