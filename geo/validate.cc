#include "geo/validate.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/digest.h"
#include "geo/disclosure.h"
#include "geo/field_error.h"
#include "geo/options_check.h"
#include "geo/parallel.h"
#include "geo/provenance.h"
#include "geo/repair.h"
#include "geo/resolve.h"
#include "geo/rules/context.h"
#include "geo/rules/registry.h"
#include "geo/stop_token.h"
#include "geo/waivers.h"

namespace pcnv {
namespace {

// The geometry work of one PCN (its union and contiguity), done as part of its own checks.
void AnalysePcn(ValidationContext& ctx, size_t k) {
  if (!ctx.pcn_table) return;
  const int group = static_cast<int>(k);
  ctx.contiguity[k] = AnalyseContiguity(
      ctx.ref, ctx.catchment_areas[k], [&](int a) { return ctx.pcn_table->Patients(group, a); },
      ctx.options.ruleset.contiguity);
}

// What a report says of every PCN, checked or not (ValidationOptions::only_pcns).
PcnEntry PcnHeader(const PcnInfo& info) {
  PcnEntry e;
  e.code = info.code;
  e.name = info.name;
  e.population = info.population;
  e.population_basis = info.population_basis;
  e.practices = info.practices;
  return e;
}

PcnEntry MakePcnEntry(const ValidationContext& ctx, size_t k) {
  PcnEntry e = PcnHeader(ctx.pcns[k]);
  if (!ctx.pcn_table) return e;
  e.territory_areas = ctx.majority_areas[k];
  double area_m2 = 0;
  for (int a : ctx.catchment_areas[k]) {
    area_m2 += ctx.ref.areas()[a].area_m2;
    e.territory.patients_in_territory += ctx.pcn_table->Patients(static_cast<int>(k), a);
  }
  e.territory.areas = static_cast<int>(ctx.catchment_areas[k].size());
  // Areas form a coverage, so the territory's area is the sum of its areas: no overlay needed.
  e.territory.area_km2 = std::round(area_m2 / 1e6 * 1e4) / 1e4;
  // The checked catchment's union is already in the contiguity result; union the other one.
  const Geometry& checked = ctx.contiguity[k].union_geometry;
  // The other catchment is often the very same areas (a PCN alone in its region): then its
  // union is the one already made.
  auto other = [&](const std::vector<int>& areas) {
    if (!ctx.options.other_catchment_geometry) return Geometry();
    return areas == ctx.catchment_areas[k] ? checked : UnionOfAreas(ctx.ref, areas);
  };
  if (ctx.options.method == CatchmentMethod::kShare) {
    e.territory_geometry = other(ctx.majority_areas[k]);
    e.share_catchment_geometry = checked;
  } else {
    e.territory_geometry = checked;
    e.share_catchment_geometry = other(ctx.share_areas[k]);
  }
  e.territory.parts = checked.NumParts();
  e.territory.components = static_cast<int>(ctx.contiguity[k].components.size());
  return e;
}

// The report's order of findings.
bool FindingBefore(const Finding& a, const Finding& b) {
  return std::tie(a.rule, a.pcn, a.practice, a.message) <
         std::tie(b.rule, b.pcn, b.practice, b.message);
}

// One catalogue rule in this run: its outcome, and its findings (for a per-PCN rule, per PCN).
struct RuleSlot {
  RuleRun run;
  const PcnRule* per_pcn = nullptr;  // set when it applies and runs per PCN
  std::vector<std::vector<Finding>> pcn_findings;
};

// One PCN's own work: its union and contiguity, its entry, and its per-PCN rules' findings
// (into each slot's pcn_findings[k]). PCNs are independent: this runs on every core at once.
PcnEntry CheckPcn(ValidationContext& ctx, size_t k, std::vector<RuleSlot>& slots) {
  AnalysePcn(ctx, k);
  PcnEntry entry = MakePcnEntry(ctx, k);
  for (RuleSlot& slot : slots) {
    if (slot.per_pcn == nullptr) continue;
    RuleRun one{slot.run.outcome().rule};
    slot.per_pcn->check(ctx, k, one);
    slot.pcn_findings[k] = std::move(one.findings());
  }
  return entry;
}

// Every finding about PCN k, as the report will hold them: the whole-configuration rules' ones
// (`about`, may be null) and its own, waivers applied, in report order.
std::vector<Finding> FindingsOfPcn(const std::vector<const Finding*>* about,
                                   const std::vector<RuleSlot>& slots, size_t k,
                                   const Waivers& waivers, const ValidationOptions& options) {
  std::vector<Finding> out;
  if (about != nullptr) {
    for (const Finding* f : *about) out.push_back(*f);
  }
  for (const RuleSlot& slot : slots) {
    if (slot.per_pcn == nullptr) continue;
    out.insert(out.end(), slot.pcn_findings[k].begin(), slot.pcn_findings[k].end());
  }
  for (Finding& f : out) {
    waivers.Apply(f);
    SuppressFinding(f, options.disclosure);
  }
  std::stable_sort(out.begin(), out.end(), FindingBefore);
  return out;
}

// A named bridge joins two reference areas; a code the snapshot does not have is a typo or a
// ruleset written for another vintage of the areas, and silently ignoring it would leave the
// territory it was meant to join reported as split.
absl::Status CheckBridges(const ReferenceData& reference, const ContiguityOptions& contiguity) {
  if (reference.areas().empty()) return absl::OkStatus();  // no contiguity to join
  for (size_t i = 0; i < contiguity.bridges.size(); ++i) {
    for (const std::string& code : {contiguity.bridges[i].first, contiguity.bridges[i].second}) {
      if (reference.FindArea(code) >= 0) continue;
      return FieldError(
          absl::StrCat("ruleset.contiguity.bridges[", i, "]"),
          absl::StrCat("area code '", code, "' is not an area of the reference snapshot (",
                       reference.areas().size(), " areas); a bridge joins two of its areas"));
    }
  }
  return absl::OkStatus();
}

// Practice list sizes are the parts of their PCN's published population: suppress the small
// ones, and enough others in the same PCN that no subtraction from the total recovers them.
void SuppressListSizes(const DisclosurePolicy& policy, std::vector<PracticeEntry>& practices) {
  std::map<std::string, std::vector<DisclosureCell*>> lines;
  std::vector<DisclosureCell> cells(practices.size());
  for (size_t i = 0; i < practices.size(); ++i) {
    if (!practices[i].list_size) continue;
    cells[i] = {*practices[i].list_size, policy.IsSmall(*practices[i].list_size)};
    lines[practices[i].pcn].push_back(&cells[i]);
  }
  if (!policy.enabled()) return;
  for (auto& [pcn, line] : lines) {
    if (pcn.empty()) continue;  // outside every PCN: no published total
    while (ProtectLine(line)) {
    }
  }
  for (size_t i = 0; i < practices.size(); ++i) {
    practices[i].list_size_suppressed = cells[i].suppressed;
  }
}

}  // namespace

absl::StatusOr<Report> Validate(const ReferenceData& reference, const ValidationInput& given,
                                const ValidationOptions& options) {
  if (absl::Status s = CheckShareThreshold(options.share_threshold); !s.ok()) return s;
  if (given.memberships.empty()) {
    return FieldError("memberships", "no practice rows given");
  }
  if (absl::Status s = CheckBridges(reference, options.ruleset.contiguity); !s.ok()) return s;
  // Every thread of this validation, and GEOS on it, stops soon after the hook says so.
  const StopToken stop(options.cancelled);
  const ScopedStopToken stop_scope(&stop);
  // Declared boundaries as the rules may use them: an invalid one that came unflagged (a gRPC
  // client sends geometry as it likes) is flagged and repaired as the readers do (geo/repair.h),
  // on a copy of the input, made only then.
  std::optional<ValidationInput> repaired;
  if (given.declared) {
    absl::StatusOr<std::optional<std::vector<DeclaredBoundary>>> fixed =
        RepairDeclared(*given.declared);
    if (!fixed.ok()) return fixed.status();
    if (*fixed) {
      repaired = given;
      repaired->declared = **std::move(fixed);
    }
  }
  const ValidationInput& input = repaired ? *repaired : given;
  // Checkpoints for ValidationOptions::cancelled: `step` names where the engine stopped.
  auto interrupted = [&](const std::string& step) -> absl::Status {
    if (stop.Stopped()) {
      return absl::CancelledError(absl::StrCat("validation interrupted ", step));
    }
    return absl::OkStatus();
  };
  ValidationContext ctx(reference, input, options);
  // Resolving a large distribution's rows to areas needs nothing DigestInput makes: it runs
  // beside it.
  std::future<std::vector<ResolvedRow>> resolving;
  if (input.distribution && WorthASecondThread(input.distribution->rows.size())) {
    resolving = std::async(std::launch::async, [&] {
      const ScopedStopToken scope(&stop);
      return ResolveDistribution(reference, *input.distribution);
    });
  }
  DigestInput(ctx);
  if (resolving.valid()) ctx.resolved = resolving.get();
  if (absl::Status s = interrupted("after reading the inputs"); !s.ok()) return s;
  BuildCatchments(ctx);
  if (absl::Status s = interrupted("after building catchments"); !s.ok()) return s;
  const Waivers waivers(options);

  // Whole-configuration rules first: their findings about a PCN are final before its own checks
  // start, so each PCN's result can go out (on_pcn_ready) as soon as those are done.
  std::vector<RuleSlot> slots;
  for (const RuleInfo& rule : RuleCatalogue()) {
    if (absl::Status s = interrupted("before rule " + std::string(rule.code)); !s.ok()) return s;
    RuleSlot& slot = slots.emplace_back(RuleSlot{RuleRun{std::string(rule.code)}, nullptr, {}});
    RuleRun& run = slot.run;
    if (rule.whole == nullptr && rule.per_pcn == nullptr) {
      run.NotEvaluated("not implemented in this version of pcnv");
    } else if (!options.ruleset.Enabled(rule.code)) {
      run.NotEvaluated("disabled by the ruleset");
    } else if (rule.whole != nullptr) {
      rule.whole(ctx, run);
    } else if (rule.per_pcn->applies(ctx, run)) {
      slot.per_pcn = rule.per_pcn;
      slot.pcn_findings.resize(ctx.pcns.size());
    }
    if (!run.decided()) run.NotEvaluated("internal: the rule reported no outcome");
  }
  // Whole-configuration findings about each PCN, for its result.
  absl::flat_hash_map<std::string, std::vector<const Finding*>> about_pcn;
  for (const RuleSlot& slot : slots) {
    for (const Finding& f : slot.run.findings()) {
      if (!f.pcn.empty()) about_pcn[f.pcn].push_back(&f);
    }
  }

  // Then each PCN on its own, spread over the cores: its union and contiguity, its entry, its
  // per-PCN rules, and its result.
  Report report;
  report.pcns.resize(ctx.pcns.size());
  ctx.contiguity.resize(ctx.pcns.size());
  const bool done = ParallelFor(ctx.pcns.size(), 4, [&](int, size_t begin, size_t end) {
    for (size_t k = begin; k < end; ++k) {
      if (options.only_pcns && !options.only_pcns->contains(ctx.pcns[k].code)) {
        report.pcns[k] = PcnHeader(ctx.pcns[k]);
        continue;
      }
      report.pcns[k] = CheckPcn(ctx, k, slots);
      PcnEntry& entry = report.pcns[k];
      entry.population_suppressed = options.disclosure.IsSmall(entry.population);
      entry.territory.patients_suppressed =
          options.disclosure.IsSmall(entry.territory.patients_in_territory);
      // A result computed while the token stopped may rest on an interrupted GEOS call.
      if (!options.on_pcn_ready || stop.Stopped()) continue;
      auto it = about_pcn.find(ctx.pcns[k].code);
      options.on_pcn_ready(
          report.pcns[k],
          FindingsOfPcn(it == about_pcn.end() ? nullptr : &it->second, slots, k, waivers, options));
    }
  });
  if (!done) return absl::CancelledError("validation interrupted while checking PCNs");
  for (const auto& [code, p] : ctx.practices) {
    report.practices.push_back({code, p.name, p.pcn,
                                p.pcns.empty()      ? "unallocated"
                                : p.pcns.size() > 1 ? "multiple_pcns"
                                                    : "ok",
                                p.location, p.list_size});
  }
  SuppressListSizes(options.disclosure, report.practices);

  // The report: every rule's outcome in catalogue order, every finding in report order.
  for (RuleSlot& slot : slots) {
    for (std::vector<Finding>& per_pcn : slot.pcn_findings) {
      for (Finding& f : per_pcn) slot.run.findings().push_back(std::move(f));
    }
    slot.run.outcome().findings = static_cast<int>(slot.run.findings().size());
    report.summary.rules.push_back(slot.run.outcome());
    for (Finding& f : slot.run.findings()) report.findings.push_back(std::move(f));
  }
  std::stable_sort(report.findings.begin(), report.findings.end(), FindingBefore);
  report.summary.expired_waivers = waivers.expired();
  for (Finding& f : report.findings) {
    if (waivers.Apply(f)) report.summary.waived++;
    SuppressFinding(f, options.disclosure);
  }

  Summary& s = report.summary;
  s.pcns = static_cast<int>(ctx.pcns.size());
  s.practices = static_cast<int>(ctx.practices.size());
  for (Severity sev : {Severity::kInfo, Severity::kWarning, Severity::kError}) {
    s.findings_by_severity[std::string(SeverityName(sev))] = 0;
  }
  for (const Finding& f : report.findings) {
    if (!f.waiver) s.findings_by_severity[std::string(SeverityName(f.severity))]++;
  }
  s.verdict = HasFindingAtOrAbove(report, Severity::kError) ? "FAIL" : "PASS";

  FillProvenance(reference, input, options, report.provenance);
  // A GEOS operation interrupted by the token failed, and its rule went on as if GEOS had
  // failed on the data: once the token has stopped, no report is trustworthy.
  if (absl::Status s = interrupted("at the end"); !s.ok()) return s;
  return report;
}

}  // namespace pcnv
