#include "geo/validate.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "geo/parallel.h"
#include "geo/rules/catalogue.h"
#include "geo/rules/context.h"

namespace pcnv {
namespace {

bool IsRealPcn(const std::string& code) { return !code.empty() && code != kUnallocatedPcn; }

// Practices from the membership rows, with list sizes and distribution totals attached.
void DigestPractices(ValidationContext& ctx) {
  for (const Membership& m : ctx.input.memberships) {
    PracticeInfo& p = ctx.practices[m.practice_code];
    if (p.code.empty()) {
      p.code = m.practice_code;
      p.name = m.practice_name;
      p.postcode = m.practice_postcode;
      if (m.list_size) p.list_size = m.list_size;
    }
    if (!p.location && m.location) p.location = m.location;
    p.rows.push_back(m.row);
    if (!IsRealPcn(m.pcn_code)) {
      p.unallocated_row = true;
    } else if (std::find(p.pcns.begin(), p.pcns.end(), m.pcn_code) == p.pcns.end()) {
      p.pcns.push_back(m.pcn_code);
    }
  }
  for (auto& [code, p] : ctx.practices) {
    if (!p.pcns.empty()) p.pcn = p.pcns.front();
    if (!p.location && !p.postcode.empty()) {
      if (const PostcodeEntry* pc = ctx.ref.FindPostcode(p.postcode)) p.location = pc->location;
    }
  }
  if (ctx.input.list_sizes) {
    for (const ListSize& ls : *ctx.input.list_sizes) {
      auto it = ctx.practices.find(ls.practice_code);
      if (it != ctx.practices.end()) it->second.list_size = ls.patients;
    }
  }
  if (ctx.input.distribution) {
    // Rows come grouped by practice (NHS Digital's files are): look a practice up once per run.
    auto it = ctx.practices.end();
    const std::string* last = nullptr;
    for (const DistributionRow& r : ctx.input.distribution->rows) {
      if (last == nullptr || *last != r.practice_code) {
        it = ctx.practices.find(r.practice_code);
        last = &r.practice_code;
      }
      if (it == ctx.practices.end()) {
        auto& u = ctx.unlisted_practices[r.practice_code];
        u.first++;
        u.second += r.patients;
        continue;
      }
      it->second.distribution_total += r.patients;
      it->second.distribution_rows++;
    }
  }
}

void DigestPcns(ValidationContext& ctx) {
  std::map<std::string, PcnInfo> by_code;
  // Names from the first membership row that names the PCN.
  for (const Membership& m : ctx.input.memberships) {
    if (!IsRealPcn(m.pcn_code)) continue;
    PcnInfo& k = by_code[m.pcn_code];
    k.code = m.pcn_code;
    if (k.name.empty()) k.name = m.pcn_name;
  }
  for (const auto& [code, p] : ctx.practices) {
    if (!p.pcn.empty()) by_code[p.pcn].practices.push_back(code);  // map order: sorted
  }
  for (auto& [code, k] : by_code) {
    bool any_list = false, any_dist = false;
    for (const std::string& pc : k.practices) {
      const PracticeInfo& p = ctx.practices.at(pc);
      if (p.list_size) {
        k.population += *p.list_size;
        any_list = true;
      } else if (ctx.has_distribution() && p.distribution_rows > 0) {
        k.population += p.distribution_total;
        any_dist = true;
      } else {
        k.practices_without_counts.push_back(pc);
      }
    }
    k.population_basis = any_list && any_dist ? "mixed"
                         : any_list           ? "list_sizes"
                         : any_dist           ? "distribution"
                                              : "none";
    ctx.pcns.push_back(std::move(k));
  }
}

void BuildCatchments(ValidationContext& ctx) {
  if (!ctx.has_distribution()) return;
  const Distribution& d = *ctx.input.distribution;
  ctx.resolved = ResolveDistribution(ctx.ref, d);
  std::vector<std::string> codes;
  absl::flat_hash_map<std::string, int> group_of_pcn;
  for (const PcnInfo& k : ctx.pcns) {
    group_of_pcn[k.code] = static_cast<int>(codes.size());
    codes.push_back(k.code);
  }
  // Each practice's group in the PCN table (-1: outside every PCN) and in the practice table
  // (CON003: every practice in the memberships is a group; -1 for practices not listed).
  absl::flat_hash_map<std::string, std::pair<int, int>> groups_of_practice;
  for (const auto& [code, p] : ctx.practices) {
    const int pcn_group = p.pcn.empty() ? -1 : group_of_pcn[p.pcn];
    groups_of_practice[code] = {pcn_group, static_cast<int>(ctx.practice_codes.size())};
    ctx.practice_codes.push_back(code);
  }
  ShareTable table(std::move(codes), static_cast<int>(ctx.ref.areas().size()));
  ShareTable practices(ctx.practice_codes, static_cast<int>(ctx.ref.areas().size()));
  std::pair<int, int> groups{-1, -1};
  const std::string* last = nullptr;  // rows come grouped by practice: one lookup per run
  for (size_t i = 0; i < d.rows.size(); ++i) {
    if (ctx.resolved[i].area < 0) continue;
    const DistributionRow& row = d.rows[i];
    if (last == nullptr || *last != row.practice_code) {
      auto g = groups_of_practice.find(row.practice_code);
      groups = g == groups_of_practice.end() ? std::pair{-1, -1} : g->second;
      last = &row.practice_code;
    }
    table.Add(groups.first, ctx.resolved[i].area, row.patients);
    practices.Add(groups.second, ctx.resolved[i].area, row.patients);
  }
  ctx.majority_areas = table.MajorityTerritories();
  ctx.share_areas = table.ShareCatchments(ctx.options.share_threshold);
  ctx.catchment_areas =
      ctx.options.method == CatchmentMethod::kShare ? ctx.share_areas : ctx.majority_areas;
  ctx.patient_areas = table.AreasByGroup();
  ctx.pcn_table = std::move(table);
  ctx.practice_catchments = practices.ShareCatchments(ctx.options.share_threshold);
}

// The geometry work of one PCN (its union and contiguity), done as part of its own checks.
void AnalysePcn(ValidationContext& ctx, size_t k) {
  if (!ctx.pcn_table) return;
  const int group = static_cast<int>(k);
  ctx.contiguity[k] = AnalyseContiguity(
      ctx.ref, ctx.catchment_areas[k], [&](int a) { return ctx.pcn_table->Patients(group, a); },
      ctx.options.ruleset.contiguity);
}

PcnEntry MakePcnEntry(const ValidationContext& ctx, size_t k) {
  const PcnInfo& info = ctx.pcns[k];
  PcnEntry e;
  e.code = info.code;
  e.name = info.name;
  e.population = info.population;
  e.population_basis = info.population_basis;
  e.practices = info.practices;
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

std::map<std::string, Value> RulesetValues(const ValidationOptions& o) {
  const Ruleset& r = o.ruleset;
  auto sev = [](Severity s) { return std::string(SeverityName(s)); };
  return {
      {"name", r.name},
      {"POP001.minimum", r.pop_min},
      {"POP001.severity", sev(r.pop001)},
      {"POP002.usual_maximum", r.pop_usual_max},
      {"POP002.severity", sev(r.pop002)},
      {"POP003.tolerance", r.list_size_tolerance},
      {"POP003.severity", sev(r.pop003)},
      {"MEM001.severity", sev(r.mem001)},
      {"MEM002.severity", sev(r.mem002)},
      {"MEM003.severity", sev(r.mem003)},
      {"MEM004.severity", sev(r.mem004)},
      {"DAT001.severity", sev(r.dat001)},
      {"CON001.min_share", r.con_detached_min_share},
      {"CON004.buffer_m", r.con004_buffer_m},
      {"NEST001.max_outside", r.nest001_max_outside},
      {"NEST003.max_outside", r.nest003_max_outside},
      {"COM001.max_outside", r.com001_max_outside},
      {"OVL001.tolerance_m2", r.ovl001_tolerance_m2},
      {"OVL002.tolerance_m2", r.ovl002_tolerance_m2},
      {"OVL003.min_iou", r.ovl003_min_iou},
      {"CMP001.min_polsby_popper", r.cmp001_min_polsby_popper},
      {"CMP002.max_distance_m", r.cmp002_max_distance_m},
      {"GEO001.repair", std::string(r.repair_geometry ? "yes" : "no")},
      {"disabled", absl::StrJoin(r.disabled, ",")},
  };
}

std::map<std::string, Value> ToleranceValues(const ValidationOptions& o) {
  const ContiguityOptions& c = o.ruleset.contiguity;
  std::vector<std::string> bridges;
  for (const auto& [a, b] : c.bridges) bridges.push_back(absl::StrCat(a, "-", b));
  return {
      {"share_threshold", o.share_threshold},
      {"adjacency", std::string(AdjacencyName(c.adjacency))},
      {"bridge_distance_m", c.bridge_distance_m},
      {"bridges", absl::StrJoin(bridges, ",")},
      {"con004_buffer_m", o.ruleset.con004_buffer_m},
      {"overlap_tolerance_m2", o.ruleset.ovl001_tolerance_m2},
      {"gap_tolerance_m2", o.ruleset.ovl002_tolerance_m2},
  };
}

// A waiver matches a finding by rule and PCN. Expired waivers (as_of after expires) are ignored
// and listed. A waived POP001 becomes a WARNING (DOMAIN.md 5: a commissioner's exception).
class Waivers {
 public:
  explicit Waivers(const ValidationOptions& o) {
    for (const Waiver& w : o.waivers) {
      if (!o.as_of.empty() && w.expires < o.as_of) {
        expired_.push_back(absl::StrCat(w.rule, " ", w.pcn, " expired ", w.expires));
      } else {
        live_.push_back(&w);
      }
    }
  }
  const std::vector<std::string>& expired() const { return expired_; }

  // Applies the first live waiver that matches; returns whether one did.
  bool Apply(Finding& f) const {
    for (const Waiver* w : live_) {
      if (w->rule != f.rule || w->pcn != f.pcn || f.pcn.empty()) continue;
      f.waiver = AppliedWaiver{w->reason, w->approved_by, w->expires};
      if (f.rule == "POP001") f.severity = Severity::kWarning;
      return true;
    }
    return false;
  }

 private:
  std::vector<const Waiver*> live_;
  std::vector<std::string> expired_;
};

// The report's order of findings.
bool FindingBefore(const Finding& a, const Finding& b) {
  return std::tie(a.rule, a.pcn, a.practice, a.message) <
         std::tie(b.rule, b.pcn, b.practice, b.message);
}

// Each implemented rule: over the whole configuration, or one PCN at a time.
struct RuleImpl {
  std::string_view code;
  RuleFn whole = nullptr;
  const PcnRule* per_pcn = nullptr;
};
const RuleImpl kImplemented[] = {
    {"POP001", nullptr, &kPop001},   {"POP002", nullptr, &kPop002}, {"POP003", CheckPop003},
    {"MEM001", CheckMem001},         {"MEM002", CheckMem002},       {"MEM003", CheckMem003},
    {"MEM004", CheckMem004},         {"DAT001", CheckDat001},       {"CON001", nullptr, &kCon001},
    {"CON002", nullptr, &kCon002},   {"CON003", nullptr, &kCon003}, {"CON004", nullptr, &kCon004},
    {"NEST001", nullptr, &kNest001}, {"NEST002", CheckNest002},     {"NEST003", nullptr, &kNest003},
    {"COM001", nullptr, &kCom001},   {"OVL001", CheckOvl001},       {"OVL002", CheckOvl002},
    {"OVL003", nullptr, &kOvl003},   {"GEO001", CheckGeo001},       {"CMP001", nullptr, &kCmp001},
    {"CMP002", nullptr, &kCmp002},
};

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
                                   const Waivers& waivers) {
  std::vector<Finding> out;
  if (about != nullptr) {
    for (const Finding* f : *about) out.push_back(*f);
  }
  for (const RuleSlot& slot : slots) {
    if (slot.per_pcn == nullptr) continue;
    out.insert(out.end(), slot.pcn_findings[k].begin(), slot.pcn_findings[k].end());
  }
  for (Finding& f : out) waivers.Apply(f);
  std::stable_sort(out.begin(), out.end(), FindingBefore);
  return out;
}

}  // namespace

bool ValidationContext::has_list_sizes() const {
  if (input.list_sizes) return true;
  for (const Membership& m : input.memberships) {
    if (m.list_size) return true;
  }
  return false;
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

std::string Grouped(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string Percent(double fraction, int decimals) {
  return absl::StrFormat("%.*f%%", decimals, fraction * 100);
}

absl::StatusOr<Report> Validate(const ReferenceData& reference, const ValidationInput& input,
                                const ValidationOptions& options) {
  if (!(options.share_threshold > 0 && options.share_threshold <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("share_threshold: ", options.share_threshold, " is outside (0, 1]"));
  }
  if (input.memberships.empty()) {
    return absl::InvalidArgumentError("memberships: no practice rows given");
  }
  // Checkpoints for ValidationOptions::cancelled: `step` names where the engine stopped.
  auto interrupted = [&](const std::string& step) -> absl::Status {
    if (options.cancelled && options.cancelled()) {
      return absl::CancelledError(absl::StrCat("validation interrupted ", step));
    }
    return absl::OkStatus();
  };
  ValidationContext ctx(reference, input, options);
  DigestPractices(ctx);
  DigestPcns(ctx);
  if (absl::Status s = interrupted("after reading the inputs"); !s.ok()) return s;
  BuildCatchments(ctx);
  if (absl::Status s = interrupted("after building catchments"); !s.ok()) return s;
  const Waivers waivers(options);

  // Whole-configuration rules first: their findings about a PCN are final before its own checks
  // start, so each PCN's result can go out (on_pcn_ready) as soon as those are done.
  std::vector<RuleSlot> slots;
  for (const RuleInfo& rule : RuleCatalogue()) {
    if (absl::Status s = interrupted("before rule " + std::string(rule.code)); !s.ok()) return s;
    RuleSlot& slot = slots.emplace_back(RuleSlot{RuleRun{std::string(rule.code)}});
    RuleRun& run = slot.run;
    auto impl = std::find_if(std::begin(kImplemented), std::end(kImplemented),
                             [&](const RuleImpl& e) { return e.code == rule.code; });
    if (impl == std::end(kImplemented)) {
      run.NotEvaluated("not implemented in this version of pcnv");
    } else if (!options.ruleset.Enabled(rule.code)) {
      run.NotEvaluated("disabled by the ruleset");
    } else if (impl->whole != nullptr) {
      impl->whole(ctx, run);
    } else if (impl->per_pcn->applies(ctx, run)) {
      slot.per_pcn = impl->per_pcn;
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
  const bool done = ParallelFor(
      ctx.pcns.size(), 4,
      [&](int, size_t begin, size_t end) {
        for (size_t k = begin; k < end; ++k) {
          report.pcns[k] = CheckPcn(ctx, k, slots);
          if (!options.on_pcn_ready) continue;
          auto it = about_pcn.find(ctx.pcns[k].code);
          options.on_pcn_ready(
              report.pcns[k],
              FindingsOfPcn(it == about_pcn.end() ? nullptr : &it->second, slots, k, waivers));
        }
      },
      options.cancelled);
  if (!done) return absl::CancelledError("validation interrupted while checking PCNs");
  for (const auto& [code, p] : ctx.practices) {
    report.practices.push_back({code, p.name, p.pcn,
                                p.pcns.empty()      ? "unallocated"
                                : p.pcns.size() > 1 ? "multiple_pcns"
                                                    : "ok",
                                p.location, p.list_size});
  }

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

  Provenance& p = report.provenance;
  p.inputs = input.sources;
  p.reference_path = reference.store_path();
  p.reference_sha256 = reference.store_sha256();
  for (const LayerInfo& l : reference.layers()) {
    p.reference_layers.push_back({l.name, l.source, l.sha256, l.vintage, l.features});
  }
  p.method = std::string(CatchmentMethodName(options.method));
  p.ruleset = RulesetValues(options);
  // Which waivers applied depends on the date they were checked against.
  if (!options.waivers.empty()) p.ruleset["waivers.as_of"] = options.as_of;
  p.tolerances = ToleranceValues(options);
  return report;
}

}  // namespace pcnv
