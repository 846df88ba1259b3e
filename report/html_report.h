// The report a person reads: one self-contained HTML file (inline CSS, SVG and one small inline
// script; a Content-Security-Policy allows that script by its hash and forbids every fetch) with
// a summary, a map (territories coloured apart from their neighbours, the verdict as outline and
// hatching, PCN labels, footprints as outlines, a legend, zoom), a PCN table with a search box
// and a "failing only" filter, a section per PCN, and every finding in plain English with the
// numbers behind it.
#ifndef PCNV_REPORT_HTML_REPORT_H_
#define PCNV_REPORT_HTML_REPORT_H_

#include <span>
#include <string>

#include "absl/status/status.h"
#include "geo/reference.h"
#include "geo/report_view.h"
#include "geo/suggest.h"

namespace pcnv::report {

struct HtmlReportOptions {
  // The reference data's footprint layers, drawn on the map as context outlines (ICB, sub-ICB,
  // community). Empty when the caller has no reference at hand (a report read back from JSON,
  // a run on a server): the map then has territories only.
  std::span<const FootprintLayer> footprints;
  // Fix suggestions for the report's failing PCNs (geo/suggest.h), shown in each PCN's section
  // as "What would fix it" (report/html_fixes.h). Null: no such section.
  const SuggestResult* suggestions = nullptr;
};

std::string RenderHtmlReport(const ReportView& view, const HtmlReportOptions& options = {});
absl::Status WriteHtmlReport(const ReportView& view, const std::string& path,
                             const HtmlReportOptions& options = {});

}  // namespace pcnv::report

#endif  // PCNV_REPORT_HTML_REPORT_H_
