// Validation options: method, thresholds and severities in force. An options struct, not
// globals; front doors fill it from flags or the request and record it in provenance.
#ifndef PCNV_GEO_OPTIONS_H_
#define PCNV_GEO_OPTIONS_H_

#include <cstdint>
#include <string>

#include "geo/report.h"

namespace pcnv {

enum class CatchmentMethod { kMajority, kShare };
std::string_view CatchmentMethodName(CatchmentMethod m);  // majority | share

// Defaults are DOMAIN.md section 5.
struct Ruleset {
  std::string name = "default";
  int64_t pop_min = 30000;           // POP001 below this
  int64_t pop_usual_max = 50000;     // POP002 above this
  double list_size_tolerance = 0.01; // POP003 relative difference
  Severity pop001 = Severity::kError;
  Severity pop002 = Severity::kWarning;
  Severity pop003 = Severity::kWarning;
  Severity mem001 = Severity::kError;
  Severity mem002 = Severity::kError;
  Severity mem003 = Severity::kInfo;
  Severity mem004 = Severity::kWarning;
  Severity dat001 = Severity::kWarning;
};

struct ValidationOptions {
  CatchmentMethod method = CatchmentMethod::kMajority;
  double share_threshold = 0.05;  // MINPCT for the share catchment
  Ruleset ruleset;
};

}  // namespace pcnv

#endif  // PCNV_GEO_OPTIONS_H_
