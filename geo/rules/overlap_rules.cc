// OVL001-OVL003: declared PCN boundaries against each other and against computed territories.
#include <algorithm>
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/catchment.h"
#include "geo/geos_handle.h"
#include "geo/rules/context.h"
#include "geo/rules/messages.h"
#include "geo/spatial_index.h"
#include "geo/stop_token.h"

namespace pcnv {
namespace {

// Declared boundaries the checks may use: repaired ones only when repair is on.
bool IsUsable(const ValidationContext& ctx, const DeclaredBoundary& d) {
  if (d.geometry.IsEmpty()) return false;
  return d.invalid_reason.empty() || ctx.options.ruleset.repair_geometry;
}

// Declared boundaries given, and at least `min_usable` of them usable: a file whose every
// feature is empty (or invalid with repair off) cannot show an overlap, a gap or a mismatch.
bool NeedDeclared(const ValidationContext& ctx, RuleRun& run, size_t min_usable = 1) {
  if (!ctx.input.declared) {
    run.NotEvaluated("needs declared PCN boundaries (--declared FILE[:FIELD])");
    return false;
  }
  const size_t usable = static_cast<size_t>(
      std::count_if(ctx.input.declared->begin(), ctx.input.declared->end(),
                    [&](const DeclaredBoundary& d) { return IsUsable(ctx, d); }));
  if (usable < min_usable) {
    run.NotEvaluated(absl::StrCat(
        "needs ", min_usable == 1 ? "a usable declared boundary" : "two usable declared boundaries",
        "; the declared file has ",
        Count(static_cast<int64_t>(ctx.input.declared->size()), "feature"), ", ",
        Count(static_cast<int64_t>(usable), "usable one", "usable ones"),
        " (not empty, and valid or repaired)"));
    return false;
  }
  run.Evaluated();
  return true;
}

std::vector<const DeclaredBoundary*> Usable(const ValidationContext& ctx) {
  std::vector<const DeclaredBoundary*> out;
  for (const DeclaredBoundary& d : *ctx.input.declared) {
    if (IsUsable(ctx, d)) out.push_back(&d);
  }
  return out;
}

// The polygons of `g` with their holes filled: their shells.
std::vector<Geometry> Shells(const GEOSGeometry* g) {
  auto gctx = geos::Context();
  const int n = g == nullptr ? 0 : geos::NumGeometries(g).value_or(0);
  std::vector<Geometry> shells;
  for (int i = 0; i < n; ++i) {
    const GEOSGeometry* poly = GEOSGetGeometryN_r(gctx, g, i);
    if (poly == nullptr || GEOSGeomTypeId_r(gctx, poly) != GEOS_POLYGON) continue;
    // A shell GEOS cannot copy is left out.
    absl::StatusOr<geos::GeomPtr> ring = geos::RingCopy(GEOSGetExteriorRing_r(gctx, poly));
    if (!ring.ok()) continue;
    absl::StatusOr<geos::GeomPtr> shell = geos::MakePolygon(*std::move(ring), {});
    if (shell.ok()) shells.push_back(Geometry::Adopt(shell->release()));
  }
  return shells;
}

// Whether `piece` lies inside the outline of `boundary`: a hole in that one boundary rather than
// a notch along its edge. A test GEOS cannot make says no.
bool InsideOutline(const Geometry& piece, const Geometry& boundary) {
  auto gctx = geos::Context();
  for (const Geometry& s : Shells(boundary.raw())) {
    if (geos::Test(GEOSCoveredBy_r(gctx, piece.raw(), s.raw()), "covered by").value_or(false)) {
      return true;
    }
  }
  return false;
}

// Polygonal parts of g with area above `min_m2`, as separate geometries.
std::vector<Geometry> PiecesAbove(const GEOSGeometry* g, double min_m2) {
  auto ctx = geos::Context();
  std::vector<Geometry> out;
  if (g == nullptr) return out;
  // A part GEOS cannot give or measure is no piece above the size.
  const int n = geos::NumGeometries(g).value_or(0);
  for (int i = 0; i < n; ++i) {
    const GEOSGeometry* p = GEOSGetGeometryN_r(ctx, g, i);
    if (p == nullptr) continue;
    int type = GEOSGeomTypeId_r(ctx, p);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
      for (Geometry& q : PiecesAbove(p, min_m2)) out.push_back(std::move(q));
      continue;
    }
    if (type == GEOS_POLYGON && geos::Area(p).value_or(0) > min_m2) {
      out.push_back(Geometry::Adopt(geos::Clone(p).release()));
    }
  }
  return out;
}

}  // namespace

void CheckOvl001(const ValidationContext& ctx, RuleRun& run) {
  if (!NeedDeclared(ctx, run, 2)) return;
  auto gctx = geos::Context();
  std::vector<const DeclaredBoundary*> ds = Usable(ctx);
  std::vector<const Geometry*> geoms;
  geoms.reserve(ds.size());
  for (const DeclaredBoundary* d : ds) geoms.push_back(&d->geometry);
  SpatialIndex index(geoms);  // cost grows with neighbours, not with the square of PCNs
  const double tol = ctx.options.ruleset.ovl001_tolerance_m2;
  for (size_t i = 0; i < ds.size(); ++i) {
    if (StopRequested()) return;  // the engine returns CANCELLED at its next checkpoint
    for (int j : index.Candidates(ds[i]->geometry)) {
      if (j <= static_cast<int>(i)) continue;
      // An overlap GEOS cannot compute is not reported (no finding on what was not measured).
      absl::StatusOr<geos::GeomPtr> overlap = geos::Made(
          GEOSIntersection_r(gctx, ds[i]->geometry.raw(), ds[j]->geometry.raw()), "intersection");
      if (!overlap.ok()) continue;
      std::vector<Geometry> pieces = PiecesAbove(overlap->get(), 0);
      double area = 0;
      for (const Geometry& p : pieces) area += p.Area();
      if (area <= tol) continue;
      Finding& f = run.Add(ctx, ds[i]->pcn_code, "",
                           msg::Ovl001Overlap(ds[i]->pcn_code, ds[i]->feature, ds[j]->pcn_code,
                                              ds[j]->feature, area, tol));
      f.values["other_pcn"] = ds[j]->pcn_code;
      f.values["overlap_m2"] = std::round(area * 10) / 10;
      f.values["feature"] = static_cast<int64_t>(ds[i]->feature);
      f.values["other_feature"] = static_cast<int64_t>(ds[j]->feature);
      f.geometry = Geometry::Adopt(overlap->release());
    }
  }
}

void CheckOvl002(const ValidationContext& ctx, RuleRun& run) {
  if (!NeedDeclared(ctx, run)) return;
  auto gctx = geos::Context();
  std::vector<const DeclaredBoundary*> ds = Usable(ctx);
  if (ds.empty()) return;
  std::vector<const Geometry*> geoms;
  geoms.reserve(ds.size());
  for (const DeclaredBoundary* d : ds) geoms.push_back(&d->geometry);
  Geometry declared_union = UnionAreas(geoms);
  // Boundaries reach here valid (geo/repair.h), but GEOS can still fail a union (robustness,
  // interruption): then there is no gap to measure, and the outcome says so rather than PASS.
  if (declared_union.is_null()) {
    run.NotEvaluated(
        absl::StrCat("GEOS could not union the declared boundaries (", geos::LastError(), ")"));
    return;
  }
  // The parent region the declared boundaries claim to cover: the reference areas whose interior
  // point falls inside them (or, without areas, the union's own outline). Gaps are what of that
  // region no declared boundary covers, plus holes enclosed by the declared boundaries.
  geos::PreparedPtr prepared(GEOSPrepare_r(gctx, declared_union.raw()));
  std::vector<const Geometry*> parent_areas;
  for (const Area& a : ctx.ref.areas()) {
    if (StopRequested()) return;         // the engine returns CANCELLED at its next checkpoint
    if (a.geometry.IsEmpty()) continue;  // nothing to place
    // An area GEOS cannot place is left out of the parent region.
    absl::StatusOr<geos::GeomPtr> pt =
        geos::Made(GEOSPointOnSurface_r(gctx, a.geometry.raw()), "point on surface");
    if (prepared && pt.ok() &&
        geos::Test(GEOSPreparedIntersects_r(gctx, prepared.get(), pt->get()), "prepared intersects")
            .value_or(false)) {
      parent_areas.push_back(&a.geometry);
    }
  }
  std::vector<const Geometry*> parent_parts = parent_areas;
  // Filling the union's holes: its shells alone.
  std::vector<Geometry> shells = Shells(declared_union.raw());
  for (const Geometry& s : shells) parent_parts.push_back(&s);
  Geometry parent = UnionOverlapping(parent_parts);
  if (parent.is_null()) {
    run.NotEvaluated(absl::StrCat("GEOS could not union the region the declared boundaries cover (",
                                  geos::LastError(), ")"));
    return;
  }
  // Gaps GEOS cannot compute: not evaluated (no finding, and no PASS, on what was not measured).
  absl::StatusOr<geos::GeomPtr> gaps =
      geos::Made(GEOSDifference_r(gctx, parent.raw(), declared_union.raw()), "difference");
  if (!gaps.ok()) {
    run.NotEvaluated(std::string(gaps.status().message()));
    return;
  }
  const double tol = ctx.options.ruleset.ovl002_tolerance_m2;
  std::vector<Geometry> pieces = PiecesAbove(gaps->get(), tol);
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (StopRequested()) return;  // the engine returns CANCELLED at its next checkpoint
    const double area = pieces[i].Area();
    // Name the declared boundaries the gap touches, nearest first, so a reader knows where.
    std::vector<std::tuple<double, std::string, const DeclaredBoundary*>> near;
    for (const DeclaredBoundary* d : ds) {
      // A boundary GEOS cannot measure the distance to is not named.
      absl::StatusOr<double> dist = geos::Distance(pieces[i].raw(), d->geometry.raw());
      if (dist.ok() && *dist < 1.0) near.push_back({*dist, d->pcn_code, d});
    }
    std::sort(near.begin(), near.end());
    std::vector<std::string> names;
    std::vector<const DeclaredBoundary*> touching;
    for (const auto& [dist, code, d] : near) {
      if (std::find(names.begin(), names.end(), code) == names.end()) names.push_back(code);
      touching.push_back(d);
    }
    // Touching one PCN's boundary only: a hole inside it, or a notch along its edge.
    bool hole = false;
    if (names.size() == 1) {
      for (const DeclaredBoundary* d : touching) hole |= InsideOutline(pieces[i], d->geometry);
    }
    Finding& f = run.Add(ctx, names.empty() ? "" : names.front(), "",
                         msg::Ovl002Gap(area, tol, names, hole));
    f.values["gap_m2"] = std::round(area * 10) / 10;
    f.values["adjacent_pcns"] = absl::StrJoin(names, ",");
    f.geometry = std::move(pieces[i]);
  }
}

namespace {

bool Ovl003Applies(const ValidationContext& ctx, RuleRun& run) {
  if (!NeedDeclared(ctx, run)) return false;
  if (!ctx.has_distribution()) {
    run.NotEvaluated("needs a distribution (--distribution) to compare with computed territories");
    return false;
  }
  return NeedTerritories(ctx, run);
}

// Every usable declared boundary of PCN k against its computed territory.
void CheckOvl003One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  const PcnInfo& pcn = ctx.pcns[k];
  const Geometry& territory = ctx.contiguity[k].union_geometry;
  auto gctx = geos::Context();
  const double min_iou = ctx.options.ruleset.ovl003_min_iou;
  for (const DeclaredBoundary& d : *ctx.input.declared) {
    if (d.pcn_code != pcn.code || !IsUsable(ctx, d)) continue;
    double inter = 0;
    if (!territory.IsEmpty()) {
      // An intersection GEOS cannot compute is not a poor match: nothing to report.
      absl::StatusOr<geos::GeomPtr> i =
          geos::Made(GEOSIntersection_r(gctx, d.geometry.raw(), territory.raw()), "intersection");
      if (!i.ok()) continue;
      absl::StatusOr<double> area = geos::Area(i->get());
      if (!area.ok()) continue;
      inter = *area;
    }
    const double uni = d.geometry.Area() + territory.Area() - inter;
    const double iou = uni > 0 ? inter / uni : 0;
    if (iou >= min_iou) continue;
    Finding& f = run.Add(ctx, d.pcn_code, "",
                         msg::Ovl003PoorMatch(d.pcn_code, pcn.name, d.feature, iou, min_iou));
    f.values["iou"] = std::round(iou * 1e4) / 1e4;
    f.values["threshold"] = min_iou;
    f.values["declared_km2"] = std::round(d.geometry.Area() / 1e6 * 1e4) / 1e4;
    f.values["territory_km2"] = std::round(territory.Area() / 1e6 * 1e4) / 1e4;
    f.geometry = d.geometry;
  }
}

}  // namespace

const PcnRule kOvl003{Ovl003Applies, CheckOvl003One};

}  // namespace pcnv
