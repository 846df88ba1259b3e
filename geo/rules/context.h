// What every rule reads: the inputs digested once (practices, PCNs, populations, resolved
// distribution, catchments) plus the options in force. Built by geo/digest.h.
#ifndef PCNV_GEO_RULES_CONTEXT_H_
#define PCNV_GEO_RULES_CONTEXT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "geo/catchment.h"
#include "geo/contiguity.h"
#include "geo/format.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/reference.h"
#include "geo/report.h"
#include "geo/resolve.h"
#include "geo/rules/registry.h"

namespace pcnv {

struct PracticeInfo {
  std::string code;
  std::string name;
  std::string pcn;                // PCN it counts in (first real membership row); empty if none
  std::vector<std::string> pcns;  // every distinct real PCN code it is listed in, in row order
  std::vector<int> rows;          // its membership rows
  bool unallocated_row = false;   // listed with PCN code U or empty
  std::optional<int64_t> list_size;
  std::string postcode;            // normalised, from its first membership row
  std::optional<Point> location;   // from the practice file, else geocoded by its postcode
  int64_t distribution_total = 0;  // all its distribution rows, placed or not
  int distribution_rows = 0;
};

struct PcnInfo {
  std::string code;
  std::string name;
  std::vector<std::string> practices;  // sorted
  int64_t population = 0;
  std::string population_basis;  // list_sizes | distribution | mixed | none
  // Member practices with neither a list size nor distribution rows: they add nothing to the
  // population, and findings say so rather than hide it.
  std::vector<std::string> practices_without_counts;
};

struct ValidationContext {
  ValidationContext(const ReferenceData& r, const ValidationInput& i, const ValidationOptions& o)
      : ref(r), input(i), options(o) {}

  const ReferenceData& ref;
  const ValidationInput& input;
  const ValidationOptions& options;

  std::map<std::string, PracticeInfo> practices;  // every practice in the memberships
  std::vector<PcnInfo> pcns;                      // sorted by code
  std::vector<ResolvedRow> resolved;              // parallel to input.distribution->rows
  // Distribution rows whose practice is not in the memberships: code -> (rows, patients).
  std::map<std::string, std::pair<int, int64_t>> unlisted_practices;
  // PCN-level share table (groups = pcns, in order) and the catchment each PCN's checks use.
  std::optional<ShareTable> pcn_table;
  std::vector<std::vector<int>> catchment_areas;  // per PCN: the method's catchment
  std::vector<std::vector<int>> majority_areas;   // per PCN: majority territory
  std::vector<std::vector<int>> share_areas;      // per PCN: share catchment
  std::vector<std::vector<int>> patient_areas;    // per PCN: every area with its patients
  std::vector<ContiguityResult> contiguity;       // per PCN, of catchment_areas
  // Every practice in the memberships, sorted, and each one's share catchment at
  // options.share_threshold (CON003), from a practice-level share table.
  std::vector<std::string> practice_codes;
  std::vector<std::vector<int>> practice_catchments;  // as practice_codes

  bool has_distribution() const { return input.distribution.has_value(); }
  bool has_list_sizes() const;  // a list-size file, or list sizes in the practice file
};

// How a PCN's patients (or, without a distribution, its practices weighted by list size) fall
// across the footprints of one layer.
struct FootprintSplit {
  std::string basis;             // patients | practice_locations
  std::map<int, double> weight;  // footprint -> patients (or list size) inside it
  double total_weight = 0;
  std::map<int, double> area_m2;  // footprint -> m2 of the PCN's catchment inside it
  double total_area_m2 = 0;
  int dominant = -1;                            // footprint with the largest weight
  double outside_share = 0;                     // 1 - dominant weight / total
  double outside_area_share = 0;                // same by catchment area (0 without a distribution)
  std::vector<std::string> unplaced_practices;  // practice-location basis: no location / outside
};
FootprintSplit SplitAcrossFootprints(const ValidationContext& ctx, size_t pcn, int layer);

// Why rules over computed territories (catchments) cannot be evaluated meaningfully, or empty
// when they can: no distribution, no area polygons, no row placed in an area, or no PCN with
// any area in its catchment. Every territory would be empty, and "no finding" would read as
// "contiguous", "compact" or "inside its footprint".
std::string WhyNoTerritories(const ValidationContext& ctx);
// The same for footprint shares weighted by patients (a distribution given): empty when at
// least one PCN has patients placed in an area.
std::string WhyNoPlacedPatients(const ValidationContext& ctx);
// Evaluated() when WhyNoTerritories is empty, else NotEvaluated with it; returns which.
bool NeedTerritories(const ValidationContext& ctx, RuleRun& run);

// Collects one rule's outcome and findings. A rule calls exactly one of Evaluated() or
// NotEvaluated() (the runner checks), then Add() for each finding.
class RuleRun {
 public:
  explicit RuleRun(std::string rule) { outcome_.rule = std::move(rule); }
  void Evaluated() { decided_ = true; }
  void NotEvaluated(std::string reason) {
    decided_ = true;
    outcome_.state = RuleState::kNotEvaluated;
    outcome_.reason = std::move(reason);
  }
  Finding& Add(Severity severity, std::string pcn, std::string practice, std::string message);
  // With the rule's severity from the ruleset.
  Finding& Add(const ValidationContext& ctx, std::string pcn, std::string practice,
               std::string message) {
    return Add(ctx.options.ruleset.SeverityOf(outcome_.rule), std::move(pcn), std::move(practice),
               std::move(message));
  }

  bool decided() const { return decided_; }
  bool evaluated() const { return decided_ && outcome_.state == RuleState::kEvaluated; }
  RuleOutcome& outcome() { return outcome_; }
  std::vector<Finding>& findings() { return findings_; }
  const std::vector<Finding>& findings() const { return findings_; }

 private:
  bool decided_ = false;
  RuleOutcome outcome_;
  std::vector<Finding> findings_;
};

// A rule that looks at one PCN at a time. `applies` runs once and decides (Evaluated or
// NotEvaluated, from what was given); when it returns true, `check` runs for each PCN as soon as
// that PCN's catchment and contiguity are ready, on several threads at once, each with a RuleRun
// of its own. It may read ctx.contiguity[k] and ctx.pcns[k] only for its own k.
struct PcnRule {
  bool (*applies)(const ValidationContext& ctx, RuleRun& run);
  void (*check)(const ValidationContext& ctx, size_t k, RuleRun& run);
};

// The rules implemented in this version, each in the file of its family; the registry
// (geo/rules/registry.cc) says which code each one produces findings for.
extern const PcnRule kPop001, kPop002;  // population_rules.cc
void CheckPop003(const ValidationContext& ctx, RuleRun& run);
void CheckMem001(const ValidationContext& ctx, RuleRun& run);  // membership_rules.cc
void CheckMem002(const ValidationContext& ctx, RuleRun& run);
void CheckMem003(const ValidationContext& ctx, RuleRun& run);
void CheckMem004(const ValidationContext& ctx, RuleRun& run);
void CheckMem005(const ValidationContext& ctx, RuleRun& run);
void CheckMem006(const ValidationContext& ctx, RuleRun& run);
void CheckDat001(const ValidationContext& ctx, RuleRun& run);  // data_rules.cc
extern const PcnRule kCon001, kCon002, kCon003, kCon004;       // contiguity_rules.cc
// CON003's test on a PCN's practices (sorted): the groups they fall into whose share catchments
// do not touch, or 0 when they hang together (or fewer than two have a catchment). The fix
// search asks it of a PCN's practices as a change would make them.
size_t PracticeGroupCount(const ValidationContext& ctx, const std::vector<std::string>& practices);
extern const PcnRule kNest001, kNest003, kCom001;  // nesting_rules.cc
void CheckNest002(const ValidationContext& ctx, RuleRun& run);
void CheckOvl001(const ValidationContext& ctx, RuleRun& run);  // overlap_rules.cc
void CheckOvl002(const ValidationContext& ctx, RuleRun& run);
extern const PcnRule kOvl003;
void CheckGeo001(const ValidationContext& ctx, RuleRun& run);  // geometry_rules.cc
extern const PcnRule kCmp001, kCmp002;                         // shape_rules.cc

}  // namespace pcnv

#endif  // PCNV_GEO_RULES_CONTEXT_H_
