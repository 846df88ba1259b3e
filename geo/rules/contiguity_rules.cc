// CON001-CON004: is each PCN's catchment one piece, and do its practices hang together?
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/adjacency.h"
#include "geo/disjoint_sets.h"
#include "geo/geos_handle.h"
#include "geo/rules/context.h"
#include "geo/rules/messages.h"

namespace pcnv {
namespace {

bool NeedCatchments(const ValidationContext& ctx, RuleRun& run) {
  return NeedTerritories(ctx, run);
}

// CON003 reads the member practices' own share catchments.
bool NeedPracticeCatchments(const ValidationContext& ctx, RuleRun& run) {
  if (!NeedTerritories(ctx, run)) return false;
  const bool any = std::any_of(ctx.practice_catchments.begin(), ctx.practice_catchments.end(),
                               [](const std::vector<int>& a) { return !a.empty(); });
  if (!any) {
    run.NotEvaluated(absl::StrCat("no practice has an area holding at least ",
                                  ShareLimit(ctx.options.share_threshold),
                                  " of its patients, so no practice has a catchment"));
    return false;
  }
  return true;
}

// CON004 places practices against territories: it needs both.
bool NeedCatchmentsAndLocations(const ValidationContext& ctx, RuleRun& run) {
  if (!NeedTerritories(ctx, run)) return false;
  const bool any = std::any_of(ctx.practices.begin(), ctx.practices.end(),
                               [](const auto& p) { return p.second.location.has_value(); });
  if (!any) {
    run.NotEvaluated(
        "needs practice locations (easting/northing or lat/lon in the practice file, or practice "
        "postcodes with a postcode directory)");
    return false;
  }
  return true;
}

std::string AreaCodes(const ValidationContext& ctx, const std::vector<int>& areas) {
  constexpr size_t kShown = 10;
  std::vector<std::string> codes;
  for (size_t i = 0; i < areas.size() && i < kShown; ++i) {
    codes.push_back(ctx.ref.areas()[areas[i]].code);
  }
  std::string s = absl::StrJoin(codes, ",");
  if (areas.size() > kShown) absl::StrAppend(&s, ",... (", areas.size(), " areas)");
  return s;
}

std::string Tolerances(const ContiguityOptions& o) {
  return msg::ContiguityTolerances(AdjacencyName(o.adjacency), o.bridge_distance_m,
                                   static_cast<int64_t>(o.bridges.size()));
}

// CON001 and CON002 differ only in which side of the share threshold a detached part falls.
void CheckDetachedParts(const ValidationContext& ctx, size_t k, RuleRun& run, bool large) {
  const double min_share = ctx.options.ruleset.con_detached_min_share;
  const ContiguityResult& c = ctx.contiguity[k];
  const PcnInfo& pcn = ctx.pcns[k];
  for (size_t i = 1; i < c.components.size(); ++i) {
    const Component& part = c.components[i];
    const double share = PatientShare(c, i);
    if ((share >= min_share) != large) continue;
    const msg::DetachedPart text{.pcn = pcn.code,
                                 .name = pcn.name,
                                 .areas = static_cast<int64_t>(part.areas.size()),
                                 .patients = part.patients,
                                 .share = share,
                                 .threshold = min_share,
                                 .gap_m = part.gap_to_main_m,
                                 .tolerances = Tolerances(ctx.options.ruleset.contiguity)};
    Finding& f = run.Add(ctx, pcn.code, "",
                         large ? msg::Con001DetachedPart(text, ctx.options.disclosure)
                               : msg::Con002SmallFragment(text, ctx.options.disclosure));
    f.values["part"] = static_cast<int64_t>(i);
    f.values["parts"] = static_cast<int64_t>(c.components.size());
    f.values["areas"] = AreaCodes(ctx, part.areas);
    f.values["patients"] = part.patients;
    f.values["share_of_patients"] = share;
    f.values["threshold"] = min_share;
    f.values["gap_to_main_m"] = std::round(part.gap_to_main_m * 10) / 10;
    f.values["area_km2"] = std::round(part.area_m2 / 1e6 * 1e4) / 1e4;
    f.geometry = part.geometry;
  }
  if (large) return;
  // Enclaves: holes in the main part, filled by another PCN's or nobody's areas.
  for (size_t h = 0; h < c.holes.size(); ++h) {
    const double area = c.holes[h].Area();
    Finding& f = run.Add(ctx, pcn.code, "", msg::Con002Enclave(pcn.code, pcn.name, area));
    f.values["enclave"] = static_cast<int64_t>(h + 1);
    f.values["area_km2"] = std::round(area / 1e6 * 1e4) / 1e4;
    f.geometry = c.holes[h];
  }
}

void CheckCon001One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  CheckDetachedParts(ctx, k, run, true);
}
void CheckCon002One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  CheckDetachedParts(ctx, k, run, false);
}

}  // namespace

const PcnRule kCon001{NeedCatchments, CheckCon001One};
const PcnRule kCon002{NeedCatchments, CheckCon002One};

namespace {

// Area -> index of the component holding it.
absl::flat_hash_map<int, int> ComponentOfArea(const std::vector<std::vector<int>>& components) {
  absl::flat_hash_map<int, int> out;
  for (size_t ci = 0; ci < components.size(); ++ci) {
    for (int a : components[ci]) out[a] = static_cast<int>(ci);
  }
  return out;
}

// Components of `areas` (ascending) under the ruleset's adjacency: from the snapshot's adjacency
// graph (docs/ARCHITECTURE.md, "Geometry once per snapshot": connected components, no union)
// unless a bridge distance is set, which needs distances between parts and so the geometry
// (AnalyseContiguity). Named bridges join the components holding their two ends either way.
std::vector<std::vector<int>> AreaComponents(const ValidationContext& ctx,
                                             const std::vector<int>& areas) {
  const ContiguityOptions& o = ctx.options.ruleset.contiguity;
  if (std::optional<std::vector<std::vector<int>>> groups = ComponentAreas(ctx.ref, areas, o)) {
    return *std::move(groups);
  }
  ContiguityResult c = AnalyseContiguity(
      ctx.ref, areas, [](int) { return 1; }, o);
  std::vector<std::vector<int>> out;
  for (Component& comp : c.components) out.push_back(std::move(comp.areas));
  return out;
}

// CON003's result for one PCN: its practices split into groups whose catchments do not touch.
struct PracticeGroups {
  std::vector<std::string> listed;   // "[A, B]" per group
  std::vector<std::string> without;  // practices with an empty catchment
  std::vector<int> areas;            // the practices' catchments, ascending
};

// `practices`: a PCN's, sorted (PcnInfo::practices, or as a fix candidate would make them).
std::optional<PracticeGroups> FindPracticeGroups(const ValidationContext& ctx,
                                                 const std::vector<std::string>& practices) {
  const auto& codes = ctx.practice_codes;
  const std::vector<std::vector<int>>& catchments = ctx.practice_catchments;
  if (practices.size() < 2) return std::nullopt;
  // Practices of this PCN with a non-empty catchment, and the union of their areas.
  std::vector<int> members;
  PracticeGroups out;
  std::vector<int> all_areas;
  for (const std::string& code : practices) {
    int g = static_cast<int>(std::lower_bound(codes.begin(), codes.end(), code) - codes.begin());
    if (catchments[g].empty()) {
      out.without.push_back(code);
      continue;
    }
    members.push_back(g);
    all_areas.insert(all_areas.end(), catchments[g].begin(), catchments[g].end());
  }
  if (members.size() < 2) return std::nullopt;
  std::sort(all_areas.begin(), all_areas.end());
  all_areas.erase(std::unique(all_areas.begin(), all_areas.end()), all_areas.end());
  const std::vector<std::vector<int>> components = AreaComponents(ctx, all_areas);
  if (components.size() < 2) return std::nullopt;
  // Practices sharing a component are connected; one practice in two components joins them.
  const absl::flat_hash_map<int, int> comp_of_area = ComponentOfArea(components);
  DisjointSets sets(components.size());
  std::vector<int> first_comp(members.size());
  for (size_t m = 0; m < members.size(); ++m) {
    first_comp[m] = comp_of_area.at(catchments[members[m]].front());
    for (int a : catchments[members[m]]) sets.Join(comp_of_area.at(a), first_comp[m]);
  }
  std::map<int, std::vector<std::string>> groups;
  for (size_t m = 0; m < members.size(); ++m) {
    groups[sets.Find(first_comp[m])].push_back(codes[members[m]]);
  }
  if (groups.size() < 2) return std::nullopt;
  // Listed by their first practice code (members are in code order), whatever the components'.
  for (const auto& [root, practices] : groups) {
    out.listed.push_back("[" + absl::StrJoin(practices, ", ") + "]");
  }
  std::sort(out.listed.begin(), out.listed.end());
  out.areas = std::move(all_areas);
  return out;
}

void CheckCon003One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  const PcnInfo& pcn = ctx.pcns[k];
  std::optional<PracticeGroups> g = FindPracticeGroups(ctx, pcn.practices);
  if (!g) return;
  Finding& f = run.Add(
      ctx, pcn.code, "",
      msg::Con003PracticeGroups(pcn.code, pcn.name, g->listed, ctx.options.share_threshold));
  f.values["groups"] = static_cast<int64_t>(g->listed.size());
  f.values["practice_groups"] = absl::StrJoin(g->listed, " ");
  if (!g->without.empty()) f.values["practices_without_catchment"] = absl::StrJoin(g->without, ",");
  f.geometry = UnionOfAreas(ctx.ref, g->areas);  // drawn only for a finding
}

void CheckCon004One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  const Geometry& territory = ctx.contiguity[k].union_geometry;
  if (territory.IsEmpty()) return;
  const double buffer = ctx.options.ruleset.con004_buffer_m;
  const PcnInfo& pcn = ctx.pcns[k];
  for (const std::string& code : pcn.practices) {
    const PracticeInfo& p = ctx.practices.at(code);
    if (!p.location) continue;  // counted in the PCN entry; nothing to place
    Geometry pt = Geometry::MakePoint(*p.location);
    // A distance GEOS cannot measure places no practice outside.
    absl::StatusOr<double> distance = geos::Distance(pt.raw(), territory.raw());
    if (!distance.ok() || *distance <= buffer) continue;
    const double d = *distance;
    Finding& f =
        run.Add(ctx, pcn.code, code, msg::Con004PracticeOutside(code, p.name, pcn.code, d, buffer));
    f.values["distance_m"] = std::round(d * 10) / 10;
    f.values["buffer_m"] = buffer;
    f.values["easting"] = std::round(p.location->x);
    f.values["northing"] = std::round(p.location->y);
    f.geometry = pt;
  }
}

}  // namespace

size_t PracticeGroupCount(const ValidationContext& ctx, const std::vector<std::string>& practices) {
  const std::optional<PracticeGroups> g = FindPracticeGroups(ctx, practices);
  return g ? g->listed.size() : 0;
}

const PcnRule kCon003{NeedPracticeCatchments, CheckCon003One};
const PcnRule kCon004{NeedCatchmentsAndLocations, CheckCon004One};

}  // namespace pcnv
