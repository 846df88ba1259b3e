// The report a person reads: one self-contained HTML file (inline CSS and SVG, no scripts, no
// fetches; a Content-Security-Policy forbids any) with a summary, a map of the territories
// coloured by verdict with finding geometries highlighted, a table per PCN, and every finding
// in plain English with the numbers behind it.
#ifndef PCNV_CLIENTS_WRITERS_HTML_REPORT_H_
#define PCNV_CLIENTS_WRITERS_HTML_REPORT_H_

#include <string>

#include "absl/status/status.h"
#include "clients/writers/report_view.h"

namespace pcnv::writers {

std::string RenderHtmlReport(const ReportView& view);
absl::Status WriteHtmlReport(const ReportView& view, const std::string& path);

}  // namespace pcnv::writers

#endif  // PCNV_CLIENTS_WRITERS_HTML_REPORT_H_
