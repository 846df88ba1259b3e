#include "geo/overlay.h"

#include <algorithm>

#include "geo/spatial_index.h"

namespace pcnv {

std::vector<std::vector<AreaShare>> OverlayAreas(const std::vector<const Geometry*>& areas,
                                                 const std::vector<const Geometry*>& footprints) {
  auto ctx = geos::Context();
  SpatialIndex index(footprints);
  std::vector<geos::PreparedPtr> prepared;
  prepared.reserve(footprints.size());
  for (const Geometry* f : footprints) {
    prepared.emplace_back(f->is_null() ? nullptr : GEOSPrepare_r(ctx, f->raw()));
  }
  std::vector<std::vector<AreaShare>> out(areas.size());
  for (size_t a = 0; a < areas.size(); ++a) {
    const Geometry& area = *areas[a];
    if (area.IsEmpty()) continue;
    const double total = area.Area();
    if (total <= 0) continue;
    std::vector<int> candidates = index.Candidates(area);
    for (int f : candidates) {
      if (!prepared[f]) continue;
      if (GEOSPreparedContains_r(ctx, prepared[f].get(), area.raw()) == 1) {
        out[a] = {{f, 1.0}};  // wholly inside: no other footprint of a partition can share it
        break;
      }
      if (GEOSPreparedIntersects_r(ctx, prepared[f].get(), area.raw()) != 1) continue;
      geos::GeomPtr piece(GEOSIntersection_r(ctx, area.raw(), footprints[f]->raw()));
      double part = 0;
      if (piece && GEOSArea_r(ctx, piece.get(), &part) == 1 && part / total > 1e-6) {
        out[a].push_back({f, std::min(1.0, part / total)});
      }
    }
    std::sort(out[a].begin(), out[a].end(), [](const AreaShare& x, const AreaShare& y) {
      return x.fraction != y.fraction ? x.fraction > y.fraction : x.footprint < y.footprint;
    });
  }
  return out;
}

}  // namespace pcnv
