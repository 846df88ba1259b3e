// The rule registry: every rule pcnv knows, in catalogue order, with everything the rest of pcnv
// needs about it in one place: its stable code, title, default severity, a one-line
// description, and the code that produces its findings. The engine runs rules from here, the
// ruleset reader checks codes and defaults against it, and the writers take titles and SARIF
// metadata from it; docs/RULES.md's table is checked against it by a test.
#ifndef PCNV_GEO_RULES_REGISTRY_H_
#define PCNV_GEO_RULES_REGISTRY_H_

#include <span>
#include <string_view>

#include "geo/report.h"

namespace pcnv {

// Defined in geo/rules/context.h: readers of titles and severities need not see the engine.
struct ValidationContext;
class RuleRun;
struct PcnRule;

// A rule over the whole configuration (memberships, distribution rows, declared boundaries,
// the snapshot): it runs once, before any PCN's own checks.
using RuleFn = void (*)(const ValidationContext&, RuleRun&);

struct RuleInfo {
  std::string_view code;  // stable: never renumbered or reused
  std::string_view title;
  Severity default_severity;     // what a ruleset that says nothing about the rule gets
  std::string_view description;  // one sentence: what it checks and against which threshold
  // What produces its findings: `whole` runs once over the configuration, `per_pcn` once per
  // PCN. Neither: a known rule this version does not implement (reported NOT_EVALUATED).
  RuleFn whole = nullptr;
  const PcnRule* per_pcn = nullptr;
};

// Every rule pcnv knows, in catalogue order (the order of report.summary.rules). Never
// renumber; only append.
std::span<const RuleInfo> RuleCatalogue();

// Null for a code pcnv does not know.
const RuleInfo* FindRule(std::string_view code);

}  // namespace pcnv

#endif  // PCNV_GEO_RULES_REGISTRY_H_
