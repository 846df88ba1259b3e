// MEM001-MEM004: every practice in exactly one PCN, and every distribution row's practice known.
#include "absl/strings/str_join.h"
#include "geo/rules/context.h"
#include "geo/rules/messages.h"

namespace pcnv {

void CheckMem001(const ValidationContext& ctx, RuleRun& run) {
  run.Evaluated();
  for (const auto& [code, p] : ctx.practices) {
    if (!p.pcns.empty()) continue;
    Finding& f = run.Add(ctx, "", code, msg::Mem001NoPcn(code, p.name));
    f.values["row"] = static_cast<int64_t>(p.rows.front());
    if (p.list_size) f.values["list_size"] = *p.list_size;
  }
}

void CheckMem002(const ValidationContext& ctx, RuleRun& run) {
  run.Evaluated();
  for (const auto& [code, p] : ctx.practices) {
    if (p.pcns.size() < 2) continue;
    Finding& f = run.Add(ctx, "", code, msg::Mem002ManyPcns(code, p.name, p.pcns, p.rows, p.pcn));
    f.values["pcns"] = absl::StrJoin(p.pcns, ",");
    f.values["counted_in"] = p.pcn;
  }
}

void CheckMem003(const ValidationContext& ctx, RuleRun& run) {
  run.Evaluated();
  for (const PcnInfo& p : ctx.pcns) {
    if (p.practices.size() != 1) continue;
    Finding& f =
        run.Add(ctx, p.code, "", msg::Mem003SinglePractice(p.code, p.name, p.practices.front()));
    f.values["practice"] = p.practices.front();
  }
}

void CheckMem004(const ValidationContext& ctx, RuleRun& run) {
  if (!ctx.has_distribution()) {
    run.NotEvaluated("needs a distribution (--distribution)");
    return;
  }
  run.Evaluated();
  for (const auto& [code, counts] : ctx.unlisted_practices) {
    Finding& f = run.Add(
        ctx, "", code,
        msg::Mem004UnlistedPractice(code, counts.first, counts.second, ctx.options.disclosure));
    f.values["rows"] = static_cast<int64_t>(counts.first);
    f.values["patients"] = counts.second;
  }
}

}  // namespace pcnv
