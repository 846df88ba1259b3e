// JUnit XML for CI dashboards: one <testsuite> per PCN (plus one for findings about no PCN:
// practices and input files), one <testcase> per evaluated rule in each, a <failure> when a
// failing finding (see ReportView) belongs to it, <skipped> for rules not evaluated. Findings
// that do not fail (lower severity, waived, unchanged in a diff, fixed) are listed in the
// testcase's <system-out>. Validates against the Jenkins xUnit junit-10.xsd
// (tests/schemas/README.md).
#ifndef PCNV_REPORT_JUNIT_H_
#define PCNV_REPORT_JUNIT_H_

#include <string>

#include "absl/status/status.h"
#include "geo/report_view.h"

namespace pcnv::report {

std::string RenderJunit(const ReportView& view);
absl::Status WriteJunit(const ReportView& view, const std::string& path);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_JUNIT_H_
