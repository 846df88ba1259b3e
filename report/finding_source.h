// Where a finding points back into the inputs, for SARIF locations and the findings layer.
//
// Findings carry no file of their own; the rule says which input it is about (membership rules
// -> the practice map, DAT001 -> the distribution, ...) and values["row"] / values["feature"]
// say where in it, when the rule records one. The input's path comes from the report's
// provenance (the role the CLI gave it).
#ifndef PCNV_REPORT_FINDING_SOURCE_H_
#define PCNV_REPORT_FINDING_SOURCE_H_

#include <string>

#include "geo/report.h"

namespace pcnv::report {

struct FindingSource {
  std::string role;     // practices, list_sizes, distribution, declared, ...; empty when unknown
  std::string path;     // as recorded in provenance
  int64_t row = 0;      // 1-based data row (header not counted); 0 when none
  int64_t feature = 0;  // 1-based feature of a vector layer; 0 when none
};

FindingSource SourceOf(const Report& report, const Finding& finding);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_FINDING_SOURCE_H_
