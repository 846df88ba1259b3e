// The JSON report: top-level summary, pcns, findings, provenance (issue 2 spec).
#ifndef PCNV_REPORT_REPORT_JSON_H_
#define PCNV_REPORT_REPORT_JSON_H_

#include <string>

#include "absl/status/status.h"
#include "geo/report.h"

namespace pcnv::report {

// Deterministic: keys sorted, findings and PCNs in report order, 2-space indent: the layout of
// nlohmann::json's dump(2). WriteReportJson writes it piece by piece (io::WriteFileInPieces).
std::string ReportToJson(const Report& report);
absl::Status WriteReportJson(const Report& report, const std::string& path);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_REPORT_JSON_H_
