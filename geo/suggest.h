// Fix suggestions (issue 16): for each failing PCN, the smallest membership changes that clear
// its errors without creating new ones, each one verified by re-validation.
//
// Targets are the unwaived ERROR findings of POP001, CON001, CON003 and NEST002 (the NEST rule
// that is an ERROR by default; any NEST rule a ruleset makes an ERROR counts too), and POP002
// (a WARNING) for the split. Candidates (geo/suggest_candidates.h): one practice moved between
// the target PCN and a neighbouring one (territories that touch, or whose territory holds the
// practice's location); up to `max_practices` practices when no single move works; a merge of
// two neighbouring PCNs within the usual maximum; for POP002 a split into two connected groups
// within the bounds. Each candidate is re-validated by the engine's own path (Engine::Validate)
// on the same snapshot, with the per-PCN checks run only for the PCNs whose territories it can
// change (every PCN with patients in an area where a moved practice has patients: territories
// depend on neighbours only through the majority owner of those areas), on the neighbourhood
// that gives those PCNs exactly the whole input's results (docs/RULES.md, "Fix suggestions").
// Kept only if the targeted finding is gone and no ERROR is new anywhere.
#ifndef PCNV_GEO_SUGGEST_H_
#define PCNV_GEO_SUGGEST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "geo/engine.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/report.h"

namespace pcnv {

struct Suggestion;
struct SuggestTarget;

// What a commissioner fixes (docs/RULES.md, "Fix suggestions", has the defaults).
struct SuggestOptions {
  int max_practices = 3;    // practices moved per suggestion (merges and splits excepted)
  int max_per_finding = 3;  // suggestions kept per targeted finding
  int max_candidates = 60;  // candidates evaluated per targeted finding (the search bound)
  std::set<std::string> locked_practices;  // never moved
  std::set<std::string> locked_pcns;       // never gain, lose, merge or split
  // A move must stay inside the declared ICB / sub-ICB of the practice (its mapping row's
  // codes against the target PCN's members' majority) unless allowed.
  bool allow_cross_icb = false;
  bool allow_cross_sub_icb = false;
  // Rule out candidates that could only be rejected before re-validating them
  // (geo/suggest_screen.h). The suggestions are the same either way; false re-validates every
  // candidate, which is slower and there to check that.
  bool screen = true;
  // Called after each targeted finding: (findings done, findings in all). May be empty.
  std::function<void(int, int)> progress;
  // Asked between batches of candidates, from the calling thread only (a front door's deadline
  // or client cancellation); true stops the search with CANCELLED. May be empty.
  std::function<bool()> cancelled;
  // Called after each targeted finding with its target and the suggestions it brought that no
  // earlier target named (so each suggestion is handed over once, before the first target that
  // names it): a front door streams them. A status that is not OK stops the search with it.
  std::function<absl::Status(const SuggestTarget&, const std::vector<const Suggestion*>&)>
      on_target;
};

struct SuggestedMove {
  std::string practice;
  std::string from_pcn;
  std::string to_pcn;
  int64_t patients = 0;
};

enum class SuggestionKind { kMove, kMerge, kSplit };
std::string_view SuggestionKindName(SuggestionKind k);  // move | merge | split

// A PCN's metrics in one configuration; `exists` false when the change removes it (a merge) or
// it does not exist before (a split's new PCN).
struct PcnMetrics {
  std::string code;
  bool exists = false;
  int64_t population = 0;
  int practices = 0;
  int territory_areas = 0;
  double territory_area_km2 = 0;
  int parts = 0;
  int components = 0;
  std::map<std::string, double> icb_shares;  // ICB code -> area share of the territory
  // The catchment the checks use, as drawn by the HTML report's before/after maps; null when
  // there is none. Shared, not copied, as suggestions are; not in the JSON or on the wire.
  std::shared_ptr<const Geometry> territory;
};

struct FindingKey {
  std::string rule;
  std::string pcn;
  std::string practice;
  std::string severity;  // ERROR | WARNING | INFO
  std::string message;
  auto operator<=>(const FindingKey&) const = default;
};

struct Suggestion {
  std::string id;  // stable: a hash of kind and moves
  SuggestionKind kind = SuggestionKind::kMove;
  std::vector<FindingKey> resolves;  // targeted findings it clears (rule, pcn)
  std::vector<SuggestedMove> moves;  // sorted by practice
  // Merge: the PCN absorbed (`moves` take all of its practices into the other). Split: the new
  // PCN's code and name (`moves` take the second group into it).
  std::string merged_pcn;
  std::string new_pcn;
  std::string new_pcn_name;
  int64_t patients_moved = 0;
  std::vector<PcnMetrics> before;  // every PCN it touches, by code
  std::vector<PcnMetrics> after;
  std::vector<FindingKey> added;    // findings of the touched PCNs (and whole-input rules) new
  std::vector<FindingKey> removed;  // and gone
  int errors_after = 0;             // ERROR findings left in the configuration
  int findings_after = 0;
};

struct SuggestTarget {
  FindingKey finding;
  std::vector<std::string> suggestions;  // ids, best first
  int candidates = 0;  // candidates judged for it (re-validated now or for an earlier target)
};

struct SuggestResult {
  std::vector<SuggestTarget> targets;
  std::vector<Suggestion> suggestions;  // in target order, each target's best first; unique ids
  int64_t candidates_evaluated = 0;     // re-validated
  int64_t candidates_screened = 0;      // ruled out without re-validation (geo/suggest_screen.h)
  double seconds = 0;
};

// Whether the report has a finding the search targets (an unwaived ERROR of POP001, CON001,
// CON003 or a NEST rule, or a POP002): without one, Suggest has nothing to do.
bool HasFixTargets(const Report& report);

// `base` is the engine's report of `input` under `options`.
absl::StatusOr<SuggestResult> Suggest(const Engine& engine, const ValidationInput& input,
                                      const ValidationOptions& options, const Report& base,
                                      const SuggestOptions& suggest);

// The memberships with a suggestion's moves applied (a split's new PCN gets its name).
ValidationInput ApplySuggestion(const ValidationInput& input, const Suggestion& s);

}  // namespace pcnv

#endif  // PCNV_GEO_SUGGEST_H_
