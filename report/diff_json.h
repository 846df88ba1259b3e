// A release diff (geo/report_diff.h) as JSON for machines: `pcnv diff --out`.
#ifndef PCNV_REPORT_DIFF_JSON_H_
#define PCNV_REPORT_DIFF_JSON_H_

#include <string>

#include "geo/report_diff.h"

namespace pcnv::report {

// Counts, policy, and each finding with its status (new, fixed, unchanged); patient counts go
// through disclosure control like every other export.
std::string DiffToJson(const ReportDiff& diff);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_DIFF_JSON_H_
