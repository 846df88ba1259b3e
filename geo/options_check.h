// Checks on ValidationOptions that every front door needs, in one place so that the CLI, the
// server and the engine refuse the same values with the same words.
//
// The ruleset's numeric settings are listed once (RulesetSettings): their names in the ruleset
// file and in the request, their ranges, and where they live in Ruleset. The ruleset file
// reader (geo/io/ruleset_json.cc) sets values through this table, and CheckValidationOptions
// checks a whole Ruleset against it, so a value the CLI refuses the server refuses too.
#ifndef PCNV_GEO_OPTIONS_CHECK_H_
#define PCNV_GEO_OPTIONS_CHECK_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "geo/options.h"

namespace pcnv {

// The share catchment's MINPCT must be in (0, 1]. INVALID_ARGUMENT "FIELD: X is outside (0, 1]",
// with FIELD as the caller names it ("share_threshold", "--share-threshold").
absl::Status CheckShareThreshold(double threshold, absl::string_view field = "share_threshold");

// The small-number threshold (geo/disclosure.h) must be in [2, 1000]: suppressing below 1 would
// suppress nothing, and turning suppression off is its own explicit flag (--unsuppressed).
absl::Status CheckSuppressBelow(int64_t suppress_below, absl::string_view field = "suppress_below");

// How a check names a field: as the ruleset and waivers files do ("rules.OVL003.min_iou",
// "waiver 2.expires"), or as the gRPC request does ("options.ruleset.ovl003_min_iou",
// "options.waivers[1].expires").
enum class OptionNames { kFiles, kRequest };

// One numeric ruleset setting.
struct RulesetSetting {
  std::string_view rule;     // "OVL003"; "contiguity" for the contiguity section
  std::string_view key;      // in the ruleset file, under rules.RULE (or contiguity): "min_iou"
  std::string_view request;  // the v1.Ruleset field: "ovl003_min_iou"
  double lo, hi;             // the range, inclusive
  bool whole;                // a whole number (a population)
  std::string_view what;     // what the value is, for errors: "a fraction (0.6 = 60%)"
  double (*get)(const Ruleset&);
  void (*set)(Ruleset&, double);  // only with a value CheckRulesetValue accepted
};
std::span<const RulesetSetting> RulesetSettings();
// The setting a ruleset file names as rules.RULE.KEY (or contiguity.KEY); null if none.
const RulesetSetting* FindRulesetSetting(std::string_view rule, std::string_view key);

// A value for `setting`: finite, whole where it must be, within its range. INVALID_ARGUMENT
// whose message is the reason only ("1.5 is more than 1: OVL003's min_iou is a fraction").
absl::Status CheckRulesetValue(const RulesetSetting& setting, double value);

// YYYY-MM-DD and a real calendar date (no 2026-02-30, no month 13). INVALID_ARGUMENT whose
// message is the reason only.
absl::Status CheckDate(std::string_view text);

// Every ruleset setting in range, every rule code named (severities, disabled rules) known,
// every bridge naming two areas; every waiver complete, for a known rule, expiring on a real
// date; as_of empty or a real date. Errors are FieldErrors named as `names` says. The share
// threshold is not checked here: the engine checks it (CheckShareThreshold) whatever the door.
absl::Status CheckRuleset(const Ruleset& ruleset, OptionNames names);
absl::Status CheckWaivers(const std::vector<Waiver>& waivers, OptionNames names);
absl::Status CheckValidationOptions(const ValidationOptions& options, OptionNames names);

}  // namespace pcnv

#endif  // PCNV_GEO_OPTIONS_CHECK_H_
