// The report a person reads: one self-contained HTML file (inline CSS and SVG, no scripts, no
// fetches; a Content-Security-Policy forbids any) with a summary, a map of the territories
// coloured by verdict with finding geometries highlighted, a table per PCN, and every finding
// in plain English with the numbers behind it.
#ifndef PCNV_REPORT_HTML_REPORT_H_
#define PCNV_REPORT_HTML_REPORT_H_

#include <string>

#include "absl/status/status.h"
#include "geo/report_view.h"

namespace pcnv::report {

std::string RenderHtmlReport(const ReportView& view);
absl::Status WriteHtmlReport(const ReportView& view, const std::string& path);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_HTML_REPORT_H_
