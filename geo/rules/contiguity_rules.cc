// CON001-CON004: is each PCN's catchment one piece, and do its practices hang together?
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "geo/adjacency.h"
#include "geo/disjoint_sets.h"
#include "geo/geos_handle.h"
#include "geo/rules/context.h"

namespace pcnv {
namespace {

bool NeedCatchments(const ValidationContext& ctx, RuleRun& run) {
  if (!ctx.has_distribution()) {
    run.NotEvaluated("needs a distribution (--distribution) to derive catchments");
    return false;
  }
  run.Evaluated();
  return true;
}

std::string Km(double metres) { return absl::StrFormat("%.1f km", metres / 1000); }

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
  return absl::StrCat("adjacency by shared ", std::string(AdjacencyName(o.adjacency)),
                      ", bridge distance ", o.bridge_distance_m, " m, ", o.bridges.size(),
                      " named bridges");
}

// CON001 and CON002 differ only in which side of the share threshold a detached part falls.
void CheckDetachedParts(const ValidationContext& ctx, size_t k, RuleRun& run, bool large) {
  const double min_share = ctx.options.ruleset.con_detached_min_share;
  const ContiguityResult& c = ctx.contiguity[k];
  const PcnInfo& pcn = ctx.pcns[k];
  int64_t total = 0;
  for (const Component& comp : c.components) total += comp.patients;
  for (size_t i = 1; i < c.components.size(); ++i) {
    const Component& part = c.components[i];
    const double share = total > 0 ? static_cast<double>(part.patients) / total : 0;
    if ((share >= min_share) != large) continue;
    Finding& f = run.Add(
        ctx, pcn.code, "",
        absl::StrCat(
            pcn.code, " ", pcn.name,
            large ? "'s territory is not contiguous: a " : " has a small detached fragment: a ",
            "part of ", part.areas.size(), " area(s) holding ", Grouped(part.patients),
            " patients (", Percent(share), " of its territory's patients) lies ",
            Km(part.gap_to_main_m), " from the main part (",
            Tolerances(ctx.options.ruleset.contiguity), ")."));
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
    Finding& f = run.Add(ctx, pcn.code, "",
                         absl::StrCat(pcn.code, " ", pcn.name,
                                      "'s territory surrounds an "
                                      "enclave of ",
                                      absl::StrFormat("%.2f", area / 1e6),
                                      " km2 that belongs to another PCN or to none."));
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

// Components of `areas` (ascending) under the ruleset's adjacency. From the snapshot's adjacency
// graph (docs/ARCHITECTURE.md, "Geometry once per snapshot": connected components, no union) unless
// a bridge distance is set, which needs distances between parts and so the geometry
// (AnalyseContiguity). Named bridges join the components holding their two ends either way.
std::vector<std::vector<int>> AreaComponents(const ValidationContext& ctx,
                                             const std::vector<int>& areas) {
  const ContiguityOptions& o = ctx.options.ruleset.contiguity;
  const AreaAdjacency& graph = ctx.ref.adjacency();
  if (o.bridge_distance_m > 0 || graph.areas() != ctx.ref.areas().size()) {
    ContiguityResult c = AnalyseContiguity(
        ctx.ref, areas, [](int) { return 1; }, o);
    std::vector<std::vector<int>> out;
    for (Component& comp : c.components) out.push_back(std::move(comp.areas));
    return out;
  }
  std::vector<std::vector<int>> comps =
      ConnectedComponents(graph, areas, o.adjacency == Adjacency::kPoint);
  if (o.bridges.empty() || comps.size() < 2) return comps;
  const absl::flat_hash_map<int, int> comp_of_area = ComponentOfArea(comps);
  DisjointSets sets(comps.size());
  for (const auto& [from, to] : o.bridges) {
    auto a = comp_of_area.find(ctx.ref.FindArea(from));
    auto b = comp_of_area.find(ctx.ref.FindArea(to));
    if (a != comp_of_area.end() && b != comp_of_area.end()) sets.Join(a->second, b->second);
  }
  std::map<int, std::vector<int>> joined;  // by root
  for (size_t ci = 0; ci < comps.size(); ++ci) {
    std::vector<int>& into = joined[sets.Find(static_cast<int>(ci))];
    into.insert(into.end(), comps[ci].begin(), comps[ci].end());
  }
  std::vector<std::vector<int>> out;
  for (auto& [root, list] : joined) {
    std::sort(list.begin(), list.end());
    out.push_back(std::move(list));
  }
  return out;
}

// CON003's result for one PCN: its practices split into groups whose catchments do not touch.
struct PracticeGroups {
  std::vector<std::string> listed;   // "[A, B]" per group
  std::vector<std::string> without;  // practices with an empty catchment
  Geometry geometry;                 // union of the practices' catchments
};

std::optional<PracticeGroups> FindPracticeGroups(const ValidationContext& ctx, const PcnInfo& pcn,
                                                 const std::vector<std::vector<int>>& catchments) {
  const auto& codes = ctx.practice_codes;
  if (pcn.practices.size() < 2) return std::nullopt;
  // Practices of this PCN with a non-empty catchment, and the union of their areas.
  std::vector<int> members;
  PracticeGroups out;
  std::vector<int> all_areas;
  for (const std::string& code : pcn.practices) {
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
  // The union is drawn only for a finding.
  out.geometry = UnionOfAreas(ctx.ref, all_areas);
  return out;
}

}  // namespace

namespace {

void CheckCon003One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  const PcnInfo& pcn = ctx.pcns[k];
  std::optional<PracticeGroups> g = FindPracticeGroups(ctx, pcn, ctx.practice_catchments);
  if (!g) return;
  Finding& f = run.Add(
      ctx, pcn.code, "",
      absl::StrCat(pcn.code, " ", pcn.name, "'s member practices form ", g->listed.size(),
                   " separate groups whose catchments (areas with at least ",
                   Percent(ctx.options.share_threshold, 0),
                   " of their patients) do not touch: ", absl::StrJoin(g->listed, " / "), "."));
  f.values["groups"] = static_cast<int64_t>(g->listed.size());
  f.values["practice_groups"] = absl::StrJoin(g->listed, " ");
  if (!g->without.empty()) f.values["practices_without_catchment"] = absl::StrJoin(g->without, ",");
  f.geometry = std::move(g->geometry);
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
    Finding& f = run.Add(ctx, pcn.code, code,
                         absl::StrCat("Practice ", code, " ", p.name, " is ", Km(d),
                                      " outside the territory of its PCN ", pcn.code,
                                      " (allowed: ", buffer, " m)."));
    f.values["distance_m"] = std::round(d * 10) / 10;
    f.values["buffer_m"] = buffer;
    f.values["easting"] = std::round(p.location->x);
    f.values["northing"] = std::round(p.location->y);
    f.geometry = pt;
  }
}

}  // namespace

const PcnRule kCon003{NeedCatchments, CheckCon003One};
const PcnRule kCon004{NeedCatchments, CheckCon004One};

}  // namespace pcnv
