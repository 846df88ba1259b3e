// Ruleset and waiver files (JSON). Strict: an unknown key is an error naming it, so a typo never
// silently leaves a default in force.
//
// Ruleset:
//   {"name": "my-icb-2026",
//    "rules": {"POP001": {"severity": "ERROR", "enabled": true, "minimum": 30000},
//              "POP002": {"usual_maximum": 50000}, "POP003": {"tolerance": 0.01},
//              "CON001": {"min_share": 0.02}, "CON004": {"buffer_m": 500},
//              "NEST001": {"max_outside": 0.05}, "NEST003": {"max_outside": 0.05},
//              "COM001": {"max_outside": 0.10}, "OVL001": {"tolerance_m2": 100},
//              "OVL002": {"tolerance_m2": 100}, "OVL003": {"min_iou": 0.6},
//              "CMP001": {"min_polsby_popper": 0.1}, "CMP002": {"max_distance_m": 15000},
//              "GEO001": {"repair": true}},
//    "contiguity": {"adjacency": "edge|point", "bridge_distance_m": 0,
//                   "bridges": [["E01018463", "E01018464"]]}}
// Every rule accepts "severity" (INFO|WARNING|ERROR) and "enabled".
//
// Waivers: [{"rule": "POP001", "pcn": "U12345", "reason": "...", "approved_by": "...",
//            "expires": "2027-03-31"}, ...]
#ifndef PCNV_GEO_IO_RULESET_JSON_H_
#define PCNV_GEO_IO_RULESET_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/options.h"

namespace pcnv::io {

absl::StatusOr<Ruleset> ReadRuleset(const std::string& path);
absl::StatusOr<Ruleset> ParseRuleset(const std::string& text, const std::string& source);

absl::StatusOr<std::vector<Waiver>> ReadWaivers(const std::string& path);
absl::StatusOr<std::vector<Waiver>> ParseWaivers(const std::string& text,
                                                 const std::string& source);

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_RULESET_JSON_H_
