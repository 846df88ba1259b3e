// A quick and exact test that spares the re-validation of fix candidates that could not be kept
// (geo/suggest.h). Most candidates fail on contiguity: a CON001 or CON003 target left as it was,
// or a new detached part or practice group somewhere. Each re-validation digests the whole
// neighbourhood of the change; this asks only what CON001 and CON003 ask.
//
// The catchments after a candidate's moves are decided by the engine's own share table, built
// by the engine's digest of the whole input (geo/digest.h), with the moved practices' patients
// moved between PCN groups; contiguity by the engine's own components (geo/contiguity.h) and
// CON001's own test (a detached part holding at least the ruleset's share of the patients);
// practice groups by CON003's own test on the PCNs' practices after the moves. A candidate is
// ruled out only when the re-validation would certainly reject it: its CON001 or CON003 target
// still reported, or more unwaived CON001 or CON003 ERRORs on some PCN than it has now (the
// re-validation compares findings per rule and PCN, geo/suggest.cc). What the screen cannot
// decide exactly (a merge, a practice listed in several PCNs) goes on to re-validation.
#ifndef PCNV_GEO_SUGGEST_SCREEN_H_
#define PCNV_GEO_SUGGEST_SCREEN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/reference.h"
#include "geo/report.h"
#include "geo/rules/context.h"
#include "geo/suggest_candidates.h"

namespace pcnv {

class TerritoryScreen {
 public:
  // `input` and `options` must outlive the screen (the engine's context refers to them);
  // `base` is the engine's report of them.
  TerritoryScreen(const ReferenceData& ref, const ValidationInput& input,
                  const ValidationOptions& options, const Report& base);

  // True when re-validating the candidate could only reject it for `target` (a finding's rule
  // and PCN). Not thread-safe: it moves patients in its table and back.
  bool RulesOut(const Candidate& c, const std::string& rule, const std::string& pcn);

 private:
  // The group of a PCN in the table, or of the PCN a split creates; -1 for neither.
  int GroupOf(const std::string& pcn, const Candidate* c = nullptr);
  // Detached parts at or above CON001's share in group g's catchment, with the table as it now
  // is and the catchment decided afresh in the `touched` areas (ascending).
  int DetachedParts(int g, const std::vector<int>& touched) const;
  // Per group, its findings of `rule` in the base report when a new one would be an unwaived
  // ERROR; -1 when it would not (the rule not evaluated, the ruleset's severity, a waiver).
  std::vector<int> ErrorsBefore(const std::string& rule, const Report& base) const;
  // The same for the PCN a split creates, under the code it is given: 0 or -1.
  int ErrorsOfNewPcn(const std::string& rule, const std::string& code) const;

  ValidationContext ctx_;
  absl::flat_hash_map<std::string, int> group_;  // PCN code -> its group in ctx_.pcn_table
  // Per practice, its placed distribution rows as (area, patients).
  absl::flat_hash_map<std::string, std::vector<std::pair<int, int64_t>>> placed_;
  int new_group_ = -1;  // the PCN a split creates, renamed for each split
  std::vector<int> con001_errors_, con003_errors_;  // ErrorsBefore, and the new group last
  std::vector<std::string> evaluated_;              // rules the base report evaluated
};

}  // namespace pcnv

#endif  // PCNV_GEO_SUGGEST_SCREEN_H_
