// POP001-POP003: registered population against the policy range, and list sizes against the
// distribution totals.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_join.h"
#include "geo/rules/context.h"
#include "geo/rules/messages.h"

namespace pcnv {
namespace {

// POP001/POP002 need a population for each PCN: list sizes or a distribution, and at least one
// PCN with a count (a list-size file matching no practice counts no one).
bool NeedPopulation(const ValidationContext& ctx, RuleRun& run) {
  if (!ctx.has_list_sizes() && !ctx.has_distribution()) {
    run.NotEvaluated("needs list sizes (--list-sizes, or a list_size column) or a distribution");
    return false;
  }
  const bool any_counted =
      ctx.pcns.empty() || std::any_of(ctx.pcns.begin(), ctx.pcns.end(), [](const PcnInfo& p) {
        return p.population_basis != "none";
      });
  if (!any_counted) {
    run.NotEvaluated(
        "no PCN's member practices have a list size or distribution rows, so no population is "
        "known");
    return false;
  }
  run.Evaluated();
  return true;
}

std::string BasisText(const PcnInfo& p) {
  return msg::PopulationBasis(p.population_basis, p.practices_without_counts);
}

void AddPopulationValues(const PcnInfo& p, Finding& f) {
  f.values["population"] = p.population;
  f.values["population_basis"] = p.population_basis;
  if (!p.practices_without_counts.empty()) {
    f.values["practices_without_counts"] = absl::StrJoin(p.practices_without_counts, ",");
  }
}

void CheckPop001One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  const Ruleset& rs = ctx.options.ruleset;
  const PcnInfo& p = ctx.pcns[k];
  if (p.population >= rs.pop_min) return;
  Finding& f = run.Add(ctx, p.code, "",
                       msg::Pop001BelowMinimum(p.code, p.name, p.population, BasisText(p),
                                               rs.pop_min, ctx.options.disclosure));
  AddPopulationValues(p, f);
  f.values["minimum"] = rs.pop_min;
  f.values["shortfall"] = rs.pop_min - p.population;
}

void CheckPop002One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  const Ruleset& rs = ctx.options.ruleset;
  const PcnInfo& p = ctx.pcns[k];
  if (p.population <= rs.pop_usual_max) return;
  Finding& f = run.Add(ctx, p.code, "",
                       msg::Pop002AboveMaximum(p.code, p.name, p.population, BasisText(p),
                                               rs.pop_usual_max, ctx.options.disclosure));
  AddPopulationValues(p, f);
  f.values["usual_maximum"] = rs.pop_usual_max;
  f.values["excess"] = p.population - rs.pop_usual_max;
}

}  // namespace

const PcnRule kPop001{NeedPopulation, CheckPop001One};
const PcnRule kPop002{NeedPopulation, CheckPop002One};

void CheckPop003(const ValidationContext& ctx, RuleRun& run) {
  if (!ctx.has_list_sizes() || !ctx.has_distribution()) {
    run.NotEvaluated(
        "needs both list sizes (--list-sizes, or a list_size column) and a distribution "
        "(--distribution)");
    return;
  }
  run.Evaluated();
  const double tol = ctx.options.ruleset.list_size_tolerance;
  for (const auto& [code, p] : ctx.practices) {
    if (!p.list_size.has_value()) continue;
    const int64_t declared = *p.list_size;
    const int64_t counted = p.distribution_total;
    const int64_t diff = counted - declared;
    // Relative to the declared list size; a practice with no declared patients but some in the
    // distribution differs by 100%.
    const double rel =
        declared > 0 ? std::fabs(static_cast<double>(diff)) / declared : (counted > 0 ? 1.0 : 0.0);
    if (rel <= tol) continue;
    Finding& f = run.Add(ctx, p.pcn, code,
                         msg::Pop003ListSizeDiffers(code, p.name, declared, counted, rel, tol,
                                                    ctx.options.disclosure));
    f.values["list_size"] = declared;
    f.values["distribution_total"] = counted;
    f.values["difference"] = diff;
    f.values["relative_difference"] = rel;
    f.values["tolerance"] = tol;
  }
}

}  // namespace pcnv
