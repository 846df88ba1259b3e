#include "geo/suggest_screen.h"

#include <algorithm>

#include "geo/contiguity.h"
#include "geo/digest.h"
#include "geo/waivers.h"

namespace pcnv {

TerritoryScreen::TerritoryScreen(const ReferenceData& ref, const ValidationInput& input,
                                 const ValidationOptions& options, const Report& base)
    : ctx_(ref, input, options) {
  DigestInput(ctx_);
  BuildCatchments(ctx_);
  if (!ctx_.pcn_table) return;  // no distribution: no territories, nothing to screen
  for (size_t k = 0; k < ctx_.pcns.size(); ++k) group_[ctx_.pcns[k].code] = static_cast<int>(k);
  const std::vector<DistributionRow>& rows = input.distribution->rows;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (ctx_.resolved[i].area < 0) continue;
    placed_[rows[i].practice_code].emplace_back(ctx_.resolved[i].area, rows[i].patients);
  }
  for (const RuleOutcome& o : base.summary.rules) {
    if (o.state == RuleState::kEvaluated) evaluated_.push_back(o.rule);
  }
  con001_errors_ = ErrorsBefore("CON001", base);
  con003_errors_ = ErrorsBefore("CON003", base);
  new_group_ = ctx_.pcn_table->AddGroup("");
  ctx_.catchment_areas.emplace_back();  // it has no catchment before the split
  con001_errors_.push_back(-1);
  con003_errors_.push_back(-1);
}

std::vector<int> TerritoryScreen::ErrorsBefore(const std::string& rule, const Report& base) const {
  std::vector<int> errors(ctx_.pcns.size());
  for (size_t k = 0; k < ctx_.pcns.size(); ++k) errors[k] = ErrorsOfNewPcn(rule, ctx_.pcns[k].code);
  for (const Finding& f : base.findings) {
    auto g = f.rule == rule ? group_.find(f.pcn) : group_.end();
    if (g != group_.end() && errors[g->second] >= 0) errors[g->second]++;
  }
  return errors;
}

int TerritoryScreen::ErrorsOfNewPcn(const std::string& rule, const std::string& code) const {
  if (std::find(evaluated_.begin(), evaluated_.end(), rule) == evaluated_.end() ||
      ctx_.options.ruleset.SeverityOf(rule) != Severity::kError) {
    return -1;
  }
  Finding probe;
  probe.rule = rule;
  probe.pcn = code;
  return Waivers(ctx_.options).Apply(probe) ? -1 : 0;
}

int TerritoryScreen::GroupOf(const std::string& pcn, const Candidate* c) {
  if (auto it = group_.find(pcn); it != group_.end()) return it->second;
  if (c == nullptr || c->kind != SuggestionKind::kSplit || pcn != c->new_pcn) return -1;
  // The new PCN: every finding about it is new, so one CON001 or CON003 ERROR rejects the split.
  ctx_.pcn_table->RenameGroup(new_group_, pcn);
  con001_errors_[new_group_] = ErrorsOfNewPcn("CON001", pcn);
  con003_errors_[new_group_] = ErrorsOfNewPcn("CON003", pcn);
  return new_group_;
}

int TerritoryScreen::DetachedParts(int g, const std::vector<int>& touched) const {
  const ShareTable& table = *ctx_.pcn_table;
  const bool share_method = ctx_.options.method == CatchmentMethod::kShare;
  std::vector<int> areas;
  for (int a : ctx_.catchment_areas[g]) {
    if (!std::binary_search(touched.begin(), touched.end(), a)) areas.push_back(a);
  }
  for (int a : touched) {
    if (share_method ? table.InShareCatchment(g, a, ctx_.options.share_threshold)
                     : table.MajorityOwner(a) == g) {
      areas.push_back(a);
    }
  }
  std::sort(areas.begin(), areas.end());
  const ContiguityOptions& options = ctx_.options.ruleset.contiguity;
  auto patients = [&](int a) { return table.Patients(g, a); };
  ContiguityResult result;
  if (std::optional<std::vector<std::vector<int>>> groups =
          ComponentAreas(ctx_.ref, areas, options)) {
    for (std::vector<int>& group : *groups) {
      Component& c = result.components.emplace_back();
      for (int a : group) c.patients += patients(a);
    }
  } else {
    result = AnalyseContiguity(ctx_.ref, areas, patients, options);
  }
  // The main component holds the most patients, so it is at or above any share another is:
  // the detached parts at or above are those at or above but one.
  int at_or_above = 0;
  for (size_t i = 0; i < result.components.size(); ++i) {
    if (PatientShare(result, i) >= ctx_.options.ruleset.con_detached_min_share) ++at_or_above;
  }
  return std::max(0, at_or_above - 1);
}

bool TerritoryScreen::RulesOut(const Candidate& c, const std::string& rule,
                               const std::string& pcn) {
  if (!ctx_.pcn_table || c.kind == SuggestionKind::kMerge) return false;
  // Each move as the table sees it: the practice's rows from one PCN group to another. A
  // practice listed in several PCNs counts in its first; a move of it is left to re-validation.
  struct TableMove {
    const std::vector<std::pair<int, int64_t>>* rows;
    int from, to;
  };
  std::vector<TableMove> moves;
  std::vector<int> ends;                                   // groups that lose or gain practices
  absl::flat_hash_map<int, std::vector<std::string>> out;  // practices leaving each group
  absl::flat_hash_map<int, std::vector<std::string>> in;   // and joining
  for (const SuggestedMove& m : c.moves) {
    auto p = ctx_.practices.find(m.practice);
    if (p == ctx_.practices.end() || p->second.pcns.size() != 1 || p->second.pcn != m.from_pcn) {
      return false;
    }
    const int from = GroupOf(m.from_pcn), to = GroupOf(m.to_pcn, &c);
    if (from < 0 || to < 0) return false;
    ends.push_back(from);
    ends.push_back(to);
    out[from].push_back(m.practice);
    in[to].push_back(m.practice);
    auto rows = placed_.find(m.practice);
    moves.push_back({rows == placed_.end() ? nullptr : &rows->second, from, to});
  }
  std::sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  const int target = GroupOf(pcn, &c);

  // CON003 reads memberships only: each end's practices after the moves; one finding for a PCN
  // whose practices fall into groups.
  auto con003_findings = [&](int g) {
    std::vector<std::string> practices;
    if (g != new_group_) {
      for (const std::string& p : ctx_.pcns[g].practices) {
        if (std::find(out[g].begin(), out[g].end(), p) == out[g].end()) practices.push_back(p);
      }
    }
    practices.insert(practices.end(), in[g].begin(), in[g].end());
    std::sort(practices.begin(), practices.end());
    return PracticeGroupCount(ctx_, practices) > 0 ? 1 : 0;
  };
  if (rule == "CON003" && target >= 0 && con003_findings(target) > 0) return true;
  for (int g : ends) {
    if (con003_errors_[g] >= 0 && con003_findings(g) > con003_errors_[g]) return true;
  }

  // CON001 reads the catchments: the ends' and those of every touched area's owner before and
  // after the moves.
  ShareTable& table = *ctx_.pcn_table;
  std::vector<int> touched;
  for (const TableMove& m : moves) {
    if (m.rows == nullptr) continue;
    for (const auto& [area, patients] : *m.rows) touched.push_back(area);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  std::vector<int> changed = ends;
  auto owners = [&] {
    for (int a : touched) {
      if (const int owner = table.MajorityOwner(a); owner >= 0) changed.push_back(owner);
    }
  };
  auto move_all = [&](bool back) {
    for (const TableMove& m : moves) {
      if (m.rows == nullptr) continue;
      for (const auto& [area, patients] : *m.rows) {
        table.Move(back ? m.to : m.from, back ? m.from : m.to, area, patients);
      }
    }
  };
  owners();
  move_all(false);
  owners();
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  bool ruled_out = rule == "CON001" && target >= 0 && DetachedParts(target, touched) > 0;
  for (size_t i = 0; i < changed.size() && !ruled_out; ++i) {
    const int g = changed[i];
    ruled_out = con001_errors_[g] >= 0 && DetachedParts(g, touched) > con001_errors_[g];
  }
  move_all(true);
  return ruled_out;
}

}  // namespace pcnv
