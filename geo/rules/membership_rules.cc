// MEM001-MEM004: every practice in exactly one PCN, and every distribution row's practice known.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/rules/context.h"

namespace pcnv {

void CheckMem001(const ValidationContext& ctx, RuleRun& run) {
  run.Evaluated();
  for (const auto& [code, p] : ctx.practices) {
    if (!p.pcns.empty()) continue;
    Finding& f = run.Add(
        ctx, "", code,
        absl::StrCat("Practice ", code, " ", p.name,
                     " is not in any PCN (its PCN code is 'U', unallocated, or blank); every "
                     "active practice must belong to exactly one PCN."));
    f.values["row"] = static_cast<int64_t>(p.rows.front());
    if (p.list_size) f.values["list_size"] = *p.list_size;
  }
}

void CheckMem002(const ValidationContext& ctx, RuleRun& run) {
  run.Evaluated();
  for (const auto& [code, p] : ctx.practices) {
    if (p.pcns.size() < 2) continue;
    std::vector<std::string> rows;
    for (int r : p.rows) rows.push_back(absl::StrCat(r));
    Finding& f = run.Add(
        ctx, "", code,
        absl::StrCat("Practice ", code, " ", p.name, " is listed in ", p.pcns.size(), " PCNs (",
                     absl::StrJoin(p.pcns, ", "), "; rows ", absl::StrJoin(rows, ", "),
                     "); a practice belongs to exactly one. Its patients are counted in ", p.pcn,
                     ", its first listing."));
    f.values["pcns"] = absl::StrJoin(p.pcns, ",");
    f.values["counted_in"] = p.pcn;
  }
}

void CheckMem003(const ValidationContext& ctx, RuleRun& run) {
  run.Evaluated();
  for (const PcnInfo& p : ctx.pcns) {
    if (p.practices.size() != 1) continue;
    Finding& f = run.Add(ctx, p.code, "",
                         absl::StrCat(p.code, " ", p.name, " has a single member practice (",
                                      p.practices.front(), ")."));
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
        absl::StrCat("The distribution has ", Grouped(counts.first), " rows (",
                     Grouped(counts.second), " patients) for practice ", code,
                     ", which is not in the practice list; its patients count in each area's "
                     "total N(a) but in no PCN."));
    f.values["rows"] = static_cast<int64_t>(counts.first);
    f.values["patients"] = counts.second;
  }
}

}  // namespace pcnv
