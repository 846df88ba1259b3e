// What geo/rules/context.h declares for every rule: the run that collects findings. Their
// messages are in geo/rules/messages.h, the number formats in geo/format.h.
#include "geo/rules/context.h"

#include <algorithm>

namespace pcnv {

bool ValidationContext::has_list_sizes() const {
  if (input.list_sizes) return true;
  for (const Membership& m : input.memberships) {
    if (m.list_size) return true;
  }
  return false;
}

std::string WhyNoPlacedPatients(const ValidationContext& ctx) {
  if (!ctx.has_distribution()) return "needs a distribution (--distribution)";
  if (ctx.ref.areas().empty()) {
    return "no area polygons (--areas or --reference) to place the distribution's patients in";
  }
  const bool placed = std::any_of(ctx.resolved.begin(), ctx.resolved.end(),
                                  [](const ResolvedRow& r) { return r.area >= 0; });
  if (!placed) return "no distribution row could be placed in a reference area (see DAT001)";
  const bool any_pcn = std::any_of(ctx.patient_areas.begin(), ctx.patient_areas.end(),
                                   [](const std::vector<int>& a) { return !a.empty(); });
  if (!any_pcn) return "no PCN's practices have distribution rows placed in a reference area";
  return "";
}

std::string WhyNoTerritories(const ValidationContext& ctx) {
  if (!ctx.has_distribution()) return "needs a distribution (--distribution) to derive catchments";
  if (ctx.ref.areas().empty()) {
    return "no area polygons (--areas or --reference), so every territory is empty";
  }
  if (std::string why = WhyNoPlacedPatients(ctx); !why.empty()) {
    return why + ", so every territory is empty";
  }
  const bool any = std::any_of(ctx.catchment_areas.begin(), ctx.catchment_areas.end(),
                               [](const std::vector<int>& a) { return !a.empty(); });
  if (!any) return "no PCN has any area in its catchment, so every territory is empty";
  return "";
}

bool NeedTerritories(const ValidationContext& ctx, RuleRun& run) {
  if (std::string why = WhyNoTerritories(ctx); !why.empty()) {
    run.NotEvaluated(std::move(why));
    return false;
  }
  run.Evaluated();
  return true;
}

Finding& RuleRun::Add(Severity severity, std::string pcn, std::string practice,
                      std::string message) {
  Finding& f = findings_.emplace_back();
  f.rule = outcome_.rule;
  f.severity = severity;
  f.pcn = std::move(pcn);
  f.practice = std::move(practice);
  f.message = std::move(message);
  return f;
}

}  // namespace pcnv
