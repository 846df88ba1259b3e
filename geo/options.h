// Validation options: method, thresholds and severities in force. An options struct, not
// globals; front doors fill it from flags or the request and record it in provenance.
#ifndef PCNV_GEO_OPTIONS_H_
#define PCNV_GEO_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "geo/contiguity.h"
#include "geo/disclosure.h"
#include "geo/report.h"

namespace pcnv {

enum class CatchmentMethod { kMajority, kShare };
std::string_view CatchmentMethodName(CatchmentMethod m);  // majority | share

// Defaults are docs/DOMAIN.md section 5's.
struct Ruleset {
  std::string name = "default";
  int64_t pop_min = 30000;            // POP001 below this
  int64_t pop_usual_max = 50000;      // POP002 above this
  double list_size_tolerance = 0.01;  // POP003 relative difference

  // Severities this ruleset sets, by rule code; every other rule has its registry default
  // (geo/rules/registry.h). Read them through SeverityOf.
  std::map<std::string, Severity> severity;
  std::set<std::string> disabled;        // rule codes switched off by the ruleset
  double con_detached_min_share = 0.02;  // CON001 at or above, CON002 below
  double con004_buffer_m = 500;
  double nest001_max_outside = 0.05;  // ICB
  double nest003_max_outside = 0.05;  // sub-ICB and STP
  double com001_max_outside = 0.10;   // community footprints
  double ovl001_tolerance_m2 = 100;   // overlaps smaller than this are ignored
  double ovl002_tolerance_m2 = 100;   // gaps smaller than this are ignored
  double ovl003_min_iou = 0.6;
  double cmp001_min_polsby_popper = 0.1;
  double cmp002_max_distance_m = 15000;
  bool repair_geometry = true;  // GEO001: repair (WARNING) or refuse (ERROR)
  ContiguityOptions contiguity;

  // The severity in force for a rule: `severity`, else the registry default (INFO for a code
  // the registry does not know).
  Severity SeverityOf(std::string_view rule) const;
  bool Enabled(std::string_view rule) const { return !disabled.contains(std::string(rule)); }
};

// A recorded exception: a matching finding (same rule and PCN) becomes WAIVED until `expires`.
struct Waiver {
  std::string rule;
  std::string pcn;
  std::string reason;
  std::string approved_by;
  std::string expires;  // YYYY-MM-DD, inclusive
};

struct ValidationOptions {
  CatchmentMethod method = CatchmentMethod::kMajority;
  double share_threshold = 0.05;  // MINPCT for the share catchment
  Ruleset ruleset;
  std::vector<Waiver> waivers;
  std::string as_of;  // YYYY-MM-DD against which waivers expire; empty: no waiver expires
  // Small-number suppression of everything the report publishes (geo/disclosure.h).
  DisclosurePolicy disclosure;

  // Optional interruption hook for front doors with deadlines (the gRPC server). Validate calls
  // it between its steps (after digesting inputs, after catchments, per PCN while building
  // geometries, between rules) and, once it returns true, stops with absl::CancelledError. GEOS
  // 3.11 only has process-global interrupts, so these checkpoints are what bounds the latency of
  // a cancellation: the longest single step. Not part of the report or its provenance; empty:
  // never interrupted.
  std::function<bool()> cancelled;

  // Optional: called once per PCN as soon as its entry and every finding about it (`pcn` is its
  // code) are final, with those findings in report order and waivers applied: the gRPC stream
  // sends each PCN's result from here while the rest are still being checked. Called from the
  // engine's worker threads, several at once and in no particular order: it must be
  // thread-safe. The report still holds everything.
  std::function<void(const PcnEntry& pcn, const std::vector<Finding>& findings)> on_pcn_ready;

  // Whether each PcnEntry gets the geometry of the catchment the checks do not use (the share
  // catchment under the majority method, the majority territory under the share method). Only
  // outputs that draw both need it (--geo-out, --html, the gRPC Pcn message); it is one more
  // union per PCN, so a batch run that draws nothing skips it.
  bool other_catchment_geometry = true;

  // Optional: run the per-PCN checks (union, contiguity, per-PCN rules) only for these PCN
  // codes; every other PCN gets an entry with its code, name, population and practices only,
  // and no per-PCN finding. Catchments and whole-configuration rules still cover everything.
  // The fix-suggestion engine (geo/suggest.h) re-validates the PCNs a change can affect this
  // way. Not part of the report's provenance; empty: every PCN.
  std::optional<std::set<std::string>> only_pcns;
};

}  // namespace pcnv

#endif  // PCNV_GEO_OPTIONS_H_
