#include "geo/contiguity.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "geo/catchment.h"
#include "geo/disjoint_sets.h"
#include "geo/geos_handle.h"

namespace pcnv {
namespace {

// Copies of the non-empty polygons of g. A part GEOS cannot read is left out, as an empty one.
std::vector<geos::GeomPtr> PartsOf(const Geometry& g) {
  auto ctx = geos::Context();
  std::vector<geos::GeomPtr> parts;
  if (g.IsEmpty()) return parts;
  const int n = geos::NumGeometries(g.raw()).value_or(0);
  for (int i = 0; i < n; ++i) {
    const GEOSGeometry* p = GEOSGetGeometryN_r(ctx, g.raw(), i);
    if (p != nullptr && GEOSGeomTypeId_r(ctx, p) == GEOS_POLYGON &&
        !geos::Test(GEOSisEmpty_r(ctx, p), "is empty").value_or(true)) {
      parts.push_back(geos::Clone(p));
    }
  }
  return parts;
}

// The part an area belongs to: the part containing a point on the area's surface; -1 when
// there is none (or GEOS cannot find the point or test it).
int PartOfArea(const std::vector<geos::PreparedPtr>& prepared, const Geometry& area) {
  auto ctx = geos::Context();
  absl::StatusOr<geos::GeomPtr> pt =
      geos::Made(GEOSPointOnSurface_r(ctx, area.raw()), "point on surface");
  if (!pt.ok()) return -1;
  for (size_t i = 0; i < prepared.size(); ++i) {
    if (!prepared[i]) continue;
    if (geos::Test(GEOSPreparedIntersects_r(ctx, prepared[i].get(), pt->get()), "intersects")
            .value_or(false)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// The polygons as one geometry: the polygon itself when there is one, else a MultiPolygon
// (null when GEOS cannot make it).
Geometry Collect(std::vector<geos::GeomPtr> polygons) {
  if (polygons.size() == 1) return Geometry::Adopt(polygons[0].release());
  absl::StatusOr<geos::GeomPtr> multi = geos::Collect(GEOS_MULTIPOLYGON, std::move(polygons));
  return multi.ok() ? Geometry::Adopt(multi->release()) : Geometry();
}

// The components from the adjacency graph (ComponentAreas), each one's geometry its areas'
// union (UnionOfAreas: joined from rings where they allow): no union of the whole set, no
// point-in-polygon. nullopt as ComponentAreas.
std::optional<std::vector<Component>> ComponentsFromGraph(const ReferenceData& ref,
                                                          const std::vector<int>& areas,
                                                          const ContiguityOptions& options) {
  std::optional<std::vector<std::vector<int>>> groups = ComponentAreas(ref, areas, options);
  if (!groups) return std::nullopt;
  std::vector<Component> comps(groups->size());
  for (size_t c = 0; c < groups->size(); ++c) {
    comps[c].geometry = UnionOfAreas(ref, (*groups)[c]);
    comps[c].areas = std::move((*groups)[c]);
  }
  return comps;
}

// The components from the union of the areas, made by GEOS: its polygon parts, each area placed
// in the part holding a point on its surface, parts joined by distance and by named bridges.
std::vector<Component> ComponentsFromUnion(const ReferenceData& ref, const std::vector<int>& areas,
                                           const ContiguityOptions& options,
                                           Geometry& union_geometry) {
  auto ctx = geos::Context();
  std::vector<const Geometry*> polys;
  polys.reserve(areas.size());
  for (int a : areas) polys.push_back(&ref.areas()[a].geometry);
  union_geometry = UnionAreas(polys);
  std::vector<geos::GeomPtr> parts = PartsOf(union_geometry);
  const int n = static_cast<int>(parts.size());
  if (n == 0) return {};

  // Which part each area lies in; with one part (the usual case) there is nothing to find.
  std::vector<int> part_of(areas.size(), 0);
  if (n > 1) {
    std::vector<geos::PreparedPtr> prepared;
    // A part GEOS cannot prepare (null) holds no area's point (PartOfArea skips it).
    prepared.reserve(parts.size());
    for (const auto& p : parts) prepared.emplace_back(GEOSPrepare_r(ctx, p.get()));
    for (size_t i = 0; i < areas.size(); ++i) {
      int p = PartOfArea(prepared, ref.areas()[areas[i]].geometry);
      part_of[i] = p < 0 ? 0 : p;  // only for degenerate areas; keeps every area counted
    }
  }

  DisjointSets sets(n);
  // A part no area's point on surface falls in is a detached piece of a multi-part area (an
  // island of a coastal LSOA): it belongs with that area, so join it to the area's part rather
  // than leave a component without areas.
  std::vector<bool> has_area(n, false);
  for (int p : part_of) has_area[p] = true;
  for (int p = 0; p < n; ++p) {
    if (has_area[p]) continue;
    absl::StatusOr<geos::GeomPtr> pt =
        geos::Made(GEOSPointOnSurface_r(ctx, parts[p].get()), "point on surface");
    if (!pt.ok()) continue;  // the part stays a component of its own
    for (size_t i = 0; i < areas.size(); ++i) {
      if (geos::Test(GEOSIntersects_r(ctx, ref.areas()[areas[i]].geometry.raw(), pt->get()),
                     "intersects")
              .value_or(false)) {
        sets.Join(p, part_of[i]);
        break;
      }
    }
  }
  // Distance-based joins: touching at a point (distance 0 between separate parts), or within the
  // bridge distance. Parts of one territory are few, so all pairs are affordable.
  const bool by_distance = options.adjacency == Adjacency::kPoint || options.bridge_distance_m > 0;
  if (by_distance) {
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        // Parts GEOS cannot measure are not joined by distance.
        absl::StatusOr<double> d = geos::Distance(parts[i].get(), parts[j].get());
        if (d.ok() && *d <= options.bridge_distance_m) sets.Join(i, j);
      }
    }
  }
  for (const auto& [a_code, b_code] : options.bridges) {
    int a = ref.FindArea(a_code), b = ref.FindArea(b_code);
    auto ia = std::find(areas.begin(), areas.end(), a);
    auto ib = std::find(areas.begin(), areas.end(), b);
    if (a < 0 || b < 0 || ia == areas.end() || ib == areas.end()) continue;
    sets.Join(part_of[ia - areas.begin()], part_of[ib - areas.begin()]);
  }

  // Group parts and areas by component root.
  std::vector<int> comp_of_root(n, -1);
  std::vector<std::vector<int>> comp_parts;
  for (int i = 0; i < n; ++i) {
    int r = sets.Find(i);
    if (comp_of_root[r] < 0) {
      comp_of_root[r] = static_cast<int>(comp_parts.size());
      comp_parts.emplace_back();
    }
    comp_parts[comp_of_root[r]].push_back(i);
  }
  std::vector<Component> comps(comp_parts.size());
  for (size_t i = 0; i < areas.size(); ++i) {
    comps[comp_of_root[sets.Find(part_of[i])]].areas.push_back(areas[i]);
  }
  for (size_t c = 0; c < comps.size(); ++c) {
    std::vector<geos::GeomPtr> polygons;
    for (int p : comp_parts[c]) polygons.push_back(geos::Clone(parts[p].get()));
    comps[c].geometry = Collect(std::move(polygons));
    std::sort(comps[c].areas.begin(), comps[c].areas.end());
  }
  return comps;
}

// All the components' polygons as one geometry: their union, as components do not overlap.
Geometry CollectComponents(const std::vector<Component>& comps) {
  if (comps.size() == 1) return comps[0].geometry;
  std::vector<geos::GeomPtr> polygons;
  for (const Component& c : comps) {
    for (geos::GeomPtr& p : PartsOf(c.geometry)) polygons.push_back(std::move(p));
  }
  if (polygons.empty()) return Geometry();
  return Collect(std::move(polygons));
}

}  // namespace

std::string_view AdjacencyName(Adjacency a) { return a == Adjacency::kPoint ? "point" : "edge"; }

std::optional<std::vector<std::vector<int>>> ComponentAreas(const ReferenceData& ref,
                                                            const std::vector<int>& areas,
                                                            const ContiguityOptions& options) {
  if (options.bridge_distance_m > 0 || ref.adjacency().areas() != ref.areas().size()) {
    return std::nullopt;
  }
  std::vector<std::vector<int>> groups =
      ConnectedComponents(ref.adjacency(), areas, options.adjacency == Adjacency::kPoint);
  if (options.bridges.empty() || groups.size() < 2) return groups;
  absl::flat_hash_map<int, int> group_of;
  for (size_t g = 0; g < groups.size(); ++g) {
    for (int a : groups[g]) group_of[a] = static_cast<int>(g);
  }
  DisjointSets sets(groups.size());
  for (const auto& [a_code, b_code] : options.bridges) {
    auto ga = group_of.find(ref.FindArea(a_code));
    auto gb = group_of.find(ref.FindArea(b_code));
    if (ga != group_of.end() && gb != group_of.end()) sets.Join(ga->second, gb->second);
  }
  // Joined groups in the order of their roots, each sorted.
  std::vector<std::vector<int>> joined(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<int>& into = joined[sets.Find(static_cast<int>(g))];
    into.insert(into.end(), groups[g].begin(), groups[g].end());
  }
  groups.clear();
  for (std::vector<int>& g : joined) {
    if (g.empty()) continue;
    std::sort(g.begin(), g.end());
    groups.push_back(std::move(g));
  }
  return groups;
}

double PatientShare(const ContiguityResult& c, size_t i) {
  int64_t total = 0;
  for (const Component& comp : c.components) total += comp.patients;
  return total > 0 ? static_cast<double>(c.components[i].patients) / total : 0;
}

ContiguityResult AnalyseContiguity(const ReferenceData& ref, const std::vector<int>& areas,
                                   const std::function<int64_t(int)>& patients,
                                   const ContiguityOptions& options) {
  auto ctx = geos::Context();
  ContiguityResult result;
  if (areas.empty()) return result;
  std::optional<std::vector<Component>> from_graph = ComponentsFromGraph(ref, areas, options);
  // Read before the components are moved out (use-after-move checks cannot tell the flag apart).
  const bool found_from_graph = from_graph.has_value();
  std::vector<Component> comps =
      found_from_graph ? *std::move(from_graph)
                       : ComponentsFromUnion(ref, areas, options, result.union_geometry);
  if (comps.empty()) return result;
  for (Component& c : comps) {
    for (int a : c.areas) {
      c.patients += patients(a);
      c.area_m2 += ref.areas()[a].area_m2;
    }
  }
  // Main = most patients; ties by larger area, then by lowest first area (deterministic).
  // A component can still hold no area (a union artefact no area covers): it sorts last.
  auto first_area = [](const Component& c) {
    return c.areas.empty() ? std::numeric_limits<int>::max() : c.areas.front();
  };
  std::sort(comps.begin(), comps.end(), [&](const Component& x, const Component& y) {
    return std::make_tuple(-x.patients, -x.area_m2, first_area(x)) <
           std::make_tuple(-y.patients, -y.area_m2, first_area(y));
  });
  if (found_from_graph) result.union_geometry = CollectComponents(comps);
  if (comps.size() > 1) {
    // The main component prepared once (an index of its segments) for all the others. A
    // component's geometry is null when GEOS could not join its areas (a failure, or the call
    // stopped by its deadline mid-union): GEOS's C API does not check for null, so never hand it
    // one.
    geos::PreparedPtr main(
        comps[0].geometry.is_null() ? nullptr : GEOSPrepare_r(ctx, comps[0].geometry.raw()));
    for (size_t c = 1; c < comps.size(); ++c) {
      // A gap GEOS cannot measure stays 0, as for a part that touches the main one.
      if (!main || comps[c].geometry.is_null() ||
          !geos::Succeeded(GEOSPreparedDistance_r(ctx, main.get(), comps[c].geometry.raw(),
                                                  &comps[c].gap_to_main_m),
                           "prepared distance")
               .ok()) {
        comps[c].gap_to_main_m = 0;
      }
    }
  }
  // Enclaves: holes in the main component's polygons.
  const GEOSGeometry* main = comps[0].geometry.raw();
  const int np = main ? geos::NumGeometries(main).value_or(0) : 0;
  for (int i = 0; i < np; ++i) {
    const GEOSGeometry* poly = GEOSGetGeometryN_r(ctx, main, i);
    const int holes = poly ? GEOSGetNumInteriorRings_r(ctx, poly) : 0;
    for (int h = 0; h < holes; ++h) {
      // A hole GEOS cannot copy is left out of the enclaves rather than given as no geometry.
      absl::StatusOr<geos::GeomPtr> shell = geos::RingCopy(GEOSGetInteriorRingN_r(ctx, poly, h));
      if (!shell.ok()) continue;
      absl::StatusOr<geos::GeomPtr> hole = geos::MakePolygon(*std::move(shell), {});
      if (hole.ok()) result.holes.push_back(Geometry::Adopt(hole->release()));
    }
  }
  result.components = std::move(comps);
  return result;
}

}  // namespace pcnv
