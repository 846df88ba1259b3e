// MEM001-MEM004: every practice in exactly one PCN, and every distribution row's practice known.
// MEM005-MEM006: every practice active, and a GP practice, in the practice register.
#include <map>

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

namespace {

// The register's entry for each practice of the practice file (null: not listed), or empty after
// NotEvaluated when there is no register or it lists none of them.
std::map<std::string, const RegisteredPractice*> RegisterEntries(const ValidationContext& ctx,
                                                                 RuleRun& run) {
  std::map<std::string, const RegisteredPractice*> out;
  if (!ctx.input.practice_register) {
    run.NotEvaluated("needs a practice register (--practice-register epraccur.csv)");
    return out;
  }
  std::map<std::string_view, const RegisteredPractice*> by_code;
  for (const RegisteredPractice& p : *ctx.input.practice_register) by_code[p.code] = &p;
  bool any = false;
  for (const auto& [code, p] : ctx.practices) {
    auto it = by_code.find(code);
    out[code] = it == by_code.end() ? nullptr : it->second;
    any = any || it != by_code.end();
  }
  if (!any) {
    out.clear();
    run.NotEvaluated(
        "the practice register lists none of the practice file's practices (is it the "
        "register for the same country and period?)");
    return out;
  }
  run.Evaluated();
  return out;
}

std::string_view StatusName(char status) {
  return status == 'A'   ? "active"
         : status == 'C' ? "closed"
         : status == 'D' ? "dormant"
         : status == 'P' ? "proposed"
                         : "not_in_register";
}

}  // namespace

void CheckMem005(const ValidationContext& ctx, RuleRun& run) {
  const auto entries = RegisterEntries(ctx, run);
  for (const auto& [code, reg] : entries) {
    const char status = reg ? reg->status : '\0';
    if (status == 'A') continue;
    const PracticeInfo& p = ctx.practices.at(code);
    const std::string date = !reg                 ? ""
                             : reg->status == 'C' ? reg->close_date
                             : reg->status == 'P' ? reg->open_date
                                                  : "";
    Finding& f = run.Add(ctx, p.pcn, code,
                         msg::Mem005NotActive(code, p.name.empty() && reg ? reg->name : p.name,
                                              p.pcn, status, date));
    f.values["status"] = std::string(StatusName(status));
    f.values["row"] = static_cast<int64_t>(p.rows.front());
    if (reg) {
      f.values["register_row"] = static_cast<int64_t>(reg->row);
      if (!reg->close_date.empty()) f.values["close_date"] = reg->close_date;
    }
  }
}

void CheckMem006(const ValidationContext& ctx, RuleRun& run) {
  const auto entries = RegisterEntries(ctx, run);
  for (const auto& [code, reg] : entries) {
    if (!reg || reg->prescribing_setting == 4) continue;
    const PracticeInfo& p = ctx.practices.at(code);
    Finding& f = run.Add(ctx, p.pcn, code,
                         msg::Mem006NotGpPractice(code, p.name.empty() ? reg->name : p.name, p.pcn,
                                                  reg->prescribing_setting));
    f.values["prescribing_setting"] = static_cast<int64_t>(reg->prescribing_setting);
    f.values["setting_name"] = msg::PrescribingSettingName(reg->prescribing_setting);
    f.values["row"] = static_cast<int64_t>(p.rows.front());
    f.values["register_row"] = static_cast<int64_t>(reg->row);
  }
}

}  // namespace pcnv
