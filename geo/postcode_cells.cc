#include "geo/postcode_cells.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/geos_handle.h"
#include "geo/spatial_index.h"
#include "geo/status_macros.h"

namespace pcnv {
namespace {

// One Voronoi site: a location and the postcodes there (several postcodes can share a
// centroid, and GEOS gives shared sites one cell).
struct Site {
  Point location;
  std::vector<std::string> postcodes;  // sorted
};

std::vector<Site> SitesOf(const ReferenceData& ref, const Distribution& d) {
  std::map<std::pair<int64_t, int64_t>, Site> by_metre;  // keyed to the metre: deterministic
  for (const DistributionRow& row : d.rows) {
    const PostcodeEntry* pc = ref.FindPostcode(row.place);
    if (pc == nullptr) continue;
    const auto key = std::make_pair(std::llround(pc->location.x), std::llround(pc->location.y));
    Site& s = by_metre[key];
    s.location = {static_cast<double>(key.first), static_cast<double>(key.second)};
    if (std::find(s.postcodes.begin(), s.postcodes.end(), row.place) == s.postcodes.end()) {
      s.postcodes.push_back(row.place);
    }
  }
  std::vector<Site> sites;
  for (auto& [key, s] : by_metre) {
    std::sort(s.postcodes.begin(), s.postcodes.end());
    sites.push_back(std::move(s));
  }
  // In code order, so the areas' order does not depend on coordinates.
  std::sort(sites.begin(), sites.end(),
            [](const Site& a, const Site& b) { return a.postcodes[0] < b.postcodes[0]; });
  return sites;
}

absl::StatusOr<geos::GeomPtr> MultiPointOf(const std::vector<Site>& sites) {
  std::vector<geos::GeomPtr> points;
  points.reserve(sites.size());
  for (const Site& s : sites) {
    points.push_back(geos::MustMake(
        GEOSGeom_createPointFromXY_r(geos::Context(), s.location.x, s.location.y), "point"));
  }
  return geos::Collect(GEOS_MULTIPOINT, std::move(points));
}

// The outline the cells are clipped to, and what it is, for the layer's description.
absl::StatusOr<std::pair<geos::GeomPtr, std::string>> Outline(const ReferenceData& ref,
                                                              const std::vector<Site>& sites,
                                                              const GEOSGeometry* points) {
  GEOSContextHandle_t ctx = geos::Context();
  for (FootprintKind kind : {FootprintKind::kIcb, FootprintKind::kSubIcb, FootprintKind::kStp,
                             FootprintKind::kCommunity}) {
    const int layer = ref.footprint_layer_index(kind);
    if (layer < 0) continue;
    std::vector<bool> used(ref.footprint_layers()[layer].footprints.size(), false);
    bool all_inside = true;
    for (const Site& s : sites) {
      const int f = ref.FootprintContaining(layer, s.location);
      if (f < 0) {
        all_inside = false;
        break;
      }
      used[f] = true;
    }
    if (!all_inside) break;  // the hull below covers every postcode
    std::vector<geos::GeomPtr> parts;
    std::vector<std::string> codes;
    for (size_t f = 0; f < used.size(); ++f) {
      if (!used[f]) continue;
      const Footprint& fp = ref.footprint_layers()[layer].footprints[f];
      parts.push_back(geos::Clone(fp.geometry.raw()));
      codes.push_back(fp.code);
    }
    PCNV_ASSIGN_OR_RETURN(geos::GeomPtr collection,
                          geos::Collect(GEOS_GEOMETRYCOLLECTION, std::move(parts)));
    PCNV_ASSIGN_OR_RETURN(geos::GeomPtr outline, geos::Made(GEOSUnaryUnion_r(ctx, collection.get()),
                                                            "union of footprints"));
    return std::make_pair(std::move(outline),
                          absl::StrCat(std::string(FootprintKindName(kind)), " footprints ",
                                       absl::StrJoin(codes, ",")));
  }
  PCNV_ASSIGN_OR_RETURN(geos::GeomPtr hull,
                        geos::Made(GEOSConvexHull_r(ctx, points), "convex hull"));
  PCNV_ASSIGN_OR_RETURN(geos::GeomPtr outline,
                        geos::Made(GEOSBuffer_r(ctx, hull.get(), kHullMarginM, 8), "buffer"));
  return std::make_pair(std::move(outline),
                        absl::StrCat("the postcodes' convex hull grown by ", kHullMarginM, " m"));
}

}  // namespace

bool NeedsPostcodeCells(const ReferenceData& reference, const ValidationInput& input) {
  return reference.areas().empty() && reference.postcode_count() > 0 && input.distribution &&
         input.distribution->level == DistributionLevel::kPostcode;
}

absl::StatusOr<std::shared_ptr<const ReferenceData>> PostcodeCellReference(
    const ReferenceData& reference, const Distribution& distribution) {
  const std::vector<Site> sites = SitesOf(reference, distribution);
  if (sites.empty()) {
    return absl::InvalidArgumentError(
        "distribution: none of its postcodes is in the postcode directory, so no postcode cells "
        "can be built");
  }
  GEOSContextHandle_t ctx = geos::Context();
  absl::StatusOr<geos::GeomPtr> points = MultiPointOf(sites);
  if (!points.ok()) return points.status();
  auto outline = Outline(reference, sites, points->get());
  if (!outline.ok()) return outline.status();
  const GEOSGeometry* clip = outline->first.get();

  // The Voronoi cells, over an envelope that holds the outline, then matched to their sites
  // (GEOS 3.11 returns them in no particular order) and clipped.
  std::vector<Geometry> raw_cells;
  if (sites.size() == 1) {
    raw_cells.push_back(Geometry::Adopt(geos::Clone(clip).release()));
  } else {
    auto envelope = geos::Made(GEOSEnvelope_r(ctx, clip), "envelope");
    if (!envelope.ok()) return envelope.status();
    auto diagram = geos::Made(GEOSVoronoiDiagram_r(ctx, points->get(), envelope->get(), 0, 0),
                              "Voronoi diagram");
    if (!diagram.ok()) return diagram.status();
    absl::StatusOr<int> n = geos::NumGeometries(diagram->get());
    if (!n.ok()) return n.status();
    for (int i = 0; i < *n; ++i) {
      raw_cells.push_back(
          Geometry::Adopt(geos::Clone(GEOSGetGeometryN_r(ctx, diagram->get(), i)).release()));
    }
  }
  std::vector<const Geometry*> cell_ptrs;
  cell_ptrs.reserve(raw_cells.size());
  for (const Geometry& g : raw_cells) cell_ptrs.push_back(&g);
  const SpatialIndex index(cell_ptrs);

  std::vector<Area> areas;
  absl::flat_hash_map<std::string, PostcodeEntry> postcodes = reference.postcodes();
  for (const Site& s : sites) {
    const int cell = sites.size() == 1 ? 0 : index.Containing(s.location);
    if (cell < 0) {
      return absl::InternalError(
          absl::StrCat("postcode ", s.postcodes[0], " lies in no Voronoi cell of its own diagram"));
    }
    auto clipped = geos::Made(GEOSIntersection_r(ctx, raw_cells[cell].raw(), clip), "clip cell");
    if (!clipped.ok()) return clipped.status();
    Area a;
    a.code = s.postcodes[0];
    a.name = absl::StrJoin(s.postcodes, " ");
    a.geometry = Geometry::Adopt(clipped->release());
    for (const std::string& pc : s.postcodes) postcodes[pc].area_code = a.code;
    areas.push_back(std::move(a));
  }
  std::vector<LayerInfo> layers = reference.layers();
  layers.push_back({"areas",
                    absl::StrCat("Voronoi cells of the distribution's ", sites.size(),
                                 " postcode locations, clipped to ", outline->second),
                    "", static_cast<int64_t>(areas.size()), ""});
  return std::make_shared<const ReferenceData>(
      std::move(areas), reference.footprint_layers(), std::move(postcodes), std::move(layers),
      reference.store_path(), reference.store_sha256(), reference.repairs());
}

}  // namespace pcnv
