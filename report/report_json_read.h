// Reading a saved JSON report back (the format report/report_json.h writes), for `pcnv diff`
// against a previous release's report. Geometries other than findings' are not in the JSON, so
// territory and share-catchment geometries come back null; practices come back empty.
#ifndef PCNV_REPORT_REPORT_JSON_READ_H_
#define PCNV_REPORT_REPORT_JSON_READ_H_

#include <string>

#include "absl/status/statusor.h"
#include "geo/report.h"

namespace pcnv::report {

// Fails (INVALID_ARGUMENT, naming the file and the JSON path) when the text is not JSON or a
// required member (summary, pcns, findings) is missing or of the wrong type.
absl::StatusOr<Report> ReportFromJson(const std::string& text, const std::string& source);
absl::StatusOr<Report> ReadReportJson(const std::string& path);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_REPORT_JSON_READ_H_
