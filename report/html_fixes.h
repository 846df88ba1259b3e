// The HTML report's "What would fix it" (issue 16): for a failing PCN, the fix suggestions the
// search found for its findings (geo/suggest.h), best first, each in plain English with the
// before and after of every PCN it touches, the findings it clears, adds and removes, and a
// small before/after map of their territories.
#ifndef PCNV_REPORT_HTML_FIXES_H_
#define PCNV_REPORT_HTML_FIXES_H_

#include <string>

#include "geo/report.h"
#include "geo/suggest.h"

namespace pcnv::report {

// The section for PCN `pcn`, or empty when the search targeted none of its findings. `report`
// is the one the search started from (practice locations, disclosure threshold).
std::string FixSection(const Report& report, const SuggestResult& suggestions,
                       const std::string& pcn);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_HTML_FIXES_H_
