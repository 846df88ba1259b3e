// NEST001-NEST003 and COM001: does each PCN sit inside one ICB, sub-ICB, STP and community
// footprint? Shares come from the per-snapshot area x footprint overlay: sums, not overlays.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/rules/context.h"
#include "geo/rules/messages.h"

namespace pcnv {

FootprintSplit SplitAcrossFootprints(const ValidationContext& ctx, size_t k, int layer) {
  FootprintSplit s;
  if (ctx.has_distribution()) {
    s.basis = "patients";
    const int group = static_cast<int>(k);
    for (int a : ctx.patient_areas[k]) {
      const double n = static_cast<double>(ctx.pcn_table->Patients(group, a));
      for (const AreaShare& sh : ctx.ref.FootprintSharesOf(layer, a)) {
        s.weight[sh.footprint] += n * sh.fraction;
      }
      s.total_weight += n;  // area outside every footprint still counts as outside
    }
    for (int a : ctx.catchment_areas[k]) {
      const double m2 = ctx.ref.areas()[a].area_m2;
      for (const AreaShare& sh : ctx.ref.FootprintSharesOf(layer, a)) {
        s.area_m2[sh.footprint] += m2 * sh.fraction;
      }
      s.total_area_m2 += m2;
    }
  } else {
    s.basis = "practice_locations";
    for (const std::string& code : ctx.pcns[k].practices) {
      const PracticeInfo& p = ctx.practices.at(code);
      const int f = p.location ? ctx.ref.FootprintContaining(layer, *p.location) : -1;
      const double w = p.list_size ? static_cast<double>(*p.list_size) : 1.0;
      if (f < 0) {
        s.unplaced_practices.push_back(code);
        continue;  // unplaced practices neither count inside nor outside
      }
      s.weight[f] += w;
      s.total_weight += w;
    }
  }
  double best = -1;
  for (const auto& [f, w] : s.weight) {
    if (w > best) {  // map order: ties go to the lower footprint index, deterministically
      best = w;
      s.dominant = f;
    }
  }
  if (s.dominant >= 0 && s.total_weight > 0) s.outside_share = 1 - best / s.total_weight;
  if (s.dominant >= 0 && s.total_area_m2 > 0) {
    auto it = s.area_m2.find(s.dominant);
    s.outside_area_share = 1 - (it == s.area_m2.end() ? 0 : it->second) / s.total_area_m2;
  }
  return s;
}

namespace {

std::vector<std::string> Shares(const FootprintLayer& layer, const FootprintSplit& s) {
  std::vector<std::pair<double, int>> order;
  for (const auto& [f, w] : s.weight) order.push_back({-w, f});
  std::sort(order.begin(), order.end());
  std::vector<std::string> parts;
  parts.reserve(order.size());
  for (const auto& [neg, f] : order) {
    parts.push_back(msg::FootprintShare(layer.footprints[f].code, -neg / s.total_weight));
  }
  return parts;
}

// The `shares` value (not the message): every footprint's share with one decimal.
std::string ShareList(const FootprintLayer& layer, const FootprintSplit& s) {
  std::vector<std::pair<double, int>> order;
  for (const auto& [f, w] : s.weight) order.push_back({-w, f});
  std::sort(order.begin(), order.end());
  std::vector<std::string> parts;
  parts.reserve(order.size());
  for (const auto& [neg, f] : order) {
    parts.push_back(absl::StrCat(layer.footprints[f].code, " ", Percent(-neg / s.total_weight)));
  }
  return absl::StrJoin(parts, ", ");
}

// How a footprint kind is written in messages.
std::string KindText(FootprintKind kind) {
  switch (kind) {
    case FootprintKind::kIcb:
      return "ICB";
    case FootprintKind::kSubIcb:
      return "sub-ICB";
    case FootprintKind::kStp:
      return "STP";
    case FootprintKind::kCommunity:
      return "community-service footprint";
  }
  return std::string(FootprintKindName(kind));
}

// One footprint kind against a maximum outside share; used by NEST001, NEST003 and COM001.
void CheckSpread(const ValidationContext& ctx, size_t k, RuleRun& run, FootprintKind kind,
                 double max_outside) {
  const std::string what = KindText(kind);
  const int layer = ctx.ref.footprint_layer_index(kind);
  const FootprintLayer& fl = ctx.ref.footprint_layers()[layer];
  FootprintSplit s = SplitAcrossFootprints(ctx, k, layer);
  // The epsilon keeps an exact threshold (19 of 20 areas inside = 5%) on the allowed side
  // despite floating-point sums.
  if (s.dominant < 0 || s.outside_share <= max_outside + 1e-12) return;
  const PcnInfo& pcn = ctx.pcns[k];
  const Footprint& dom = fl.footprints[s.dominant];
  Finding& f = run.Add(ctx, pcn.code, "",
                       msg::SpreadAcrossFootprints({.pcn = pcn.code,
                                                    .name = pcn.name,
                                                    .kind = what,
                                                    .outside_share = s.outside_share,
                                                    .max_outside = max_outside,
                                                    .basis = s.basis,
                                                    .dominant = dom.code,
                                                    .dominant_name = dom.name,
                                                    .shares = Shares(fl, s)}));
  f.values["layer"] = std::string(FootprintKindName(kind));
  f.values["dominant"] = dom.code;
  f.values["outside_share"] = s.outside_share;
  f.values["basis"] = s.basis;
  f.values["threshold"] = max_outside;
  f.values["shares"] = ShareList(fl, s);
  if (s.total_area_m2 > 0) f.values["outside_area_share"] = s.outside_area_share;
  if (!s.unplaced_practices.empty()) {
    f.values["unplaced_practices"] = absl::StrJoin(s.unplaced_practices, ",");
  }
  f.geometry = ctx.contiguity.empty() ? Geometry() : ctx.contiguity[k].union_geometry;
}

bool NeedLayers(const ValidationContext& ctx, RuleRun& run,
                std::initializer_list<FootprintKind> kinds) {
  std::vector<std::string> names;
  bool any = false, any_polygons = false;
  for (FootprintKind k : kinds) {
    names.push_back(std::string(FootprintKindName(k)));
    const FootprintLayer* layer = ctx.ref.footprint_layer(k);
    any |= layer != nullptr;
    any_polygons |= layer != nullptr && !layer->footprints.empty();
  }
  if (!any) {
    run.NotEvaluated(absl::StrCat("needs a footprint layer of kind ", absl::StrJoin(names, " or "),
                                  " (--footprint KIND=FILE or the reference store)"));
    return false;
  }
  if (!any_polygons) {
    run.NotEvaluated(
        absl::StrCat("the ", absl::StrJoin(names, " and "), " footprint layer holds no polygons"));
    return false;
  }
  // What the shares are weighted by must be placeable: patients in areas with a distribution,
  // else practice locations.
  if (ctx.has_distribution()) {
    if (std::string why = WhyNoPlacedPatients(ctx); !why.empty()) {
      run.NotEvaluated(why + ", so no PCN's patients can be placed in footprints");
      return false;
    }
  } else {
    const bool located = std::any_of(ctx.practices.begin(), ctx.practices.end(),
                                     [](const auto& p) { return p.second.location.has_value(); });
    if (!located) {
      run.NotEvaluated(
          "needs a distribution (--distribution) or practice locations to place PCNs in "
          "footprints");
      return false;
    }
  }
  run.Evaluated();
  return true;
}

bool NeedIcb(const ValidationContext& ctx, RuleRun& run) {
  return NeedLayers(ctx, run, {FootprintKind::kIcb});
}
bool NeedSubIcbOrStp(const ValidationContext& ctx, RuleRun& run) {
  return NeedLayers(ctx, run, {FootprintKind::kSubIcb, FootprintKind::kStp});
}
bool NeedCommunity(const ValidationContext& ctx, RuleRun& run) {
  return NeedLayers(ctx, run, {FootprintKind::kCommunity});
}

void CheckNest001One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  CheckSpread(ctx, k, run, FootprintKind::kIcb, ctx.options.ruleset.nest001_max_outside);
}

void CheckNest003One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  if (ctx.ref.footprint_layer(FootprintKind::kSubIcb)) {
    CheckSpread(ctx, k, run, FootprintKind::kSubIcb, ctx.options.ruleset.nest003_max_outside);
  }
  if (ctx.ref.footprint_layer(FootprintKind::kStp)) {
    CheckSpread(ctx, k, run, FootprintKind::kStp, ctx.options.ruleset.nest003_max_outside);
  }
}

void CheckCom001One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  CheckSpread(ctx, k, run, FootprintKind::kCommunity, ctx.options.ruleset.com001_max_outside);
}

}  // namespace

const PcnRule kNest001{NeedIcb, CheckNest001One};
const PcnRule kNest003{NeedSubIcbOrStp, CheckNest003One};
const PcnRule kCom001{NeedCommunity, CheckCom001One};

namespace {

// The code each PCN (by index in ctx.pcns) declares for a layer: the most common among its
// member practices' rows (ONS code when the mapping has one, else the ODS code; a tie to the
// smaller code); "" when none declares one. One pass over the memberships for all PCNs.
std::vector<std::string> DeclaredCodes(const ValidationContext& ctx, FootprintKind kind) {
  std::vector<std::map<std::string, int>> votes(ctx.pcns.size());
  const bool sub = kind == FootprintKind::kSubIcb;
  for (const Membership& m : ctx.input.memberships) {
    const std::string& code =
        sub ? (m.ons_sub_icb_code.empty() ? m.sub_icb_code : m.ons_sub_icb_code)
            : (m.ons_icb_code.empty() ? m.icb_code : m.ons_icb_code);
    if (code.empty()) continue;
    auto pcn = std::lower_bound(ctx.pcns.begin(), ctx.pcns.end(), m.pcn_code,
                                [](const PcnInfo& p, const std::string& c) { return p.code < c; });
    if (pcn == ctx.pcns.end() || pcn->code != m.pcn_code) continue;
    votes[pcn - ctx.pcns.begin()][code]++;
  }
  std::vector<std::string> best(ctx.pcns.size());
  for (size_t k = 0; k < votes.size(); ++k) {
    int best_n = 0;
    for (const auto& [code, n] : votes[k]) {
      if (n > best_n) best[k] = code, best_n = n;
    }
  }
  return best;
}

}  // namespace

void CheckNest002(const ValidationContext& ctx, RuleRun& run) {
  // The mapping must declare something to compare: an ICB or sub-ICB code (ODS or ONS).
  const bool declares = std::any_of(ctx.input.memberships.begin(), ctx.input.memberships.end(),
                                    [](const Membership& m) {
                                      return !m.icb_code.empty() || !m.ons_icb_code.empty() ||
                                             !m.sub_icb_code.empty() || !m.ons_sub_icb_code.empty();
                                    });
  if (!declares) {
    run.NotEvaluated("the practice mapping declares no ICB or sub-ICB codes to compare");
    return;
  }
  if (!NeedLayers(ctx, run, {FootprintKind::kIcb, FootprintKind::kSubIcb, FootprintKind::kStp})) {
    return;
  }
  for (FootprintKind kind : {FootprintKind::kIcb, FootprintKind::kSubIcb, FootprintKind::kStp}) {
    const int layer = ctx.ref.footprint_layer_index(kind);
    if (layer < 0) continue;
    const FootprintLayer& fl = ctx.ref.footprint_layers()[layer];
    std::map<std::string, int> index;
    for (size_t i = 0; i < fl.footprints.size(); ++i) {
      index[fl.footprints[i].code] = static_cast<int>(i);
    }
    // The layer compared with, and what the mapping declares for it: an STP layer is compared
    // with the declared ICB codes (DeclaredCode).
    const std::string layer_kind = KindText(kind);
    const std::string declared_kind = kind == FootprintKind::kSubIcb ? "sub-ICB" : "ICB";
    // Codes the mapping declares that the layer does not hold: a boundary vintage mismatch
    // (e.g. 2026 ICB codes against 2022 polygons), reported once instead of as false errors.
    std::map<std::string, std::vector<std::string>> unmatched;  // code -> PCNs
    const std::vector<std::string> declared_codes = DeclaredCodes(ctx, kind);
    for (size_t k = 0; k < ctx.pcns.size(); ++k) {
      const PcnInfo& pcn = ctx.pcns[k];
      const std::string& declared = declared_codes[k];
      if (declared.empty()) continue;
      auto it = index.find(declared);
      if (it == index.end()) {
        unmatched[declared].push_back(pcn.code);
        continue;
      }
      FootprintSplit s = SplitAcrossFootprints(ctx, k, layer);
      if (s.dominant < 0 || s.dominant == it->second) continue;
      const Footprint& dom = fl.footprints[s.dominant];
      Finding& f =
          run.Add(ctx, pcn.code, "",
                  msg::Nest002DeclaredDiffers({.pcn = pcn.code,
                                               .name = pcn.name,
                                               .declared_kind = declared_kind,
                                               .declared = declared,
                                               .declared_name = fl.footprints[it->second].name,
                                               .layer_kind = layer_kind,
                                               .dominant = dom.code,
                                               .dominant_name = dom.name,
                                               .dominant_share = 1 - s.outside_share,
                                               .basis = s.basis}));
      f.values["layer"] = std::string(FootprintKindName(kind));
      f.values["declared"] = declared;
      f.values["dominant"] = dom.code;
      f.values["dominant_share"] = 1 - s.outside_share;
      f.values["basis"] = s.basis;
    }
    if (unmatched.empty()) continue;
    std::vector<std::string> codes;
    size_t pcns = 0;
    for (const auto& [code, list] : unmatched) {
      codes.push_back(code);
      pcns += list.size();
    }
    Finding& f = run.Add(
        Severity::kWarning, "", "",
        msg::Nest002VintageMismatch(declared_kind, layer_kind, codes, static_cast<int64_t>(pcns)));
    f.values["layer"] = std::string(FootprintKindName(kind));
    f.values["unmatched_codes"] = absl::StrJoin(codes, ",");
    f.values["pcns_not_checked"] = static_cast<int64_t>(pcns);
  }
}

}  // namespace pcnv
