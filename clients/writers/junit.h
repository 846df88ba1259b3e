// JUnit XML for CI dashboards: one <testsuite> per PCN (plus one for findings about no PCN:
// practices and input files), one <testcase> per evaluated rule in each, a <failure> when a
// failing finding (see ReportView) belongs to it, <skipped> for rules not evaluated. Findings
// that do not fail (lower severity, waived, unchanged in a diff, fixed) are listed in the
// testcase's <system-out>. Validates against the Jenkins xUnit junit-10.xsd
// (tests/schemas/README.md).
#ifndef PCNV_CLIENTS_WRITERS_JUNIT_H_
#define PCNV_CLIENTS_WRITERS_JUNIT_H_

#include <string>

#include "absl/status/status.h"
#include "clients/writers/report_view.h"

namespace pcnv::writers {

std::string RenderJunit(const ReportView& view);
absl::Status WriteJunit(const ReportView& view, const std::string& path);

}  // namespace pcnv::writers

#endif  // PCNV_CLIENTS_WRITERS_JUNIT_H_
