#include "geo/overlay.h"

#include <algorithm>

#include "geo/parallel.h"
#include "geo/spatial_index.h"

namespace pcnv {

bool InShareOrder(const AreaShare& x, const AreaShare& y) {
  return x.fraction != y.fraction ? x.fraction > y.fraction : x.footprint < y.footprint;
}

std::vector<std::vector<AreaShare>> OverlayAreas(const std::vector<const Geometry*>& areas,
                                                 const std::vector<const Geometry*>& footprints) {
  SpatialIndex index(footprints);
  std::vector<std::vector<AreaShare>> out(areas.size());
  // Prepared geometries build their indexes lazily, so each thread prepares its own, on demand.
  std::vector<std::vector<geos::PreparedPtr>> prepared_by_thread(ThreadCount());
  ParallelFor(areas.size(), 256, [&](int thread, size_t begin, size_t end) {
    auto ctx = geos::Context();
    std::vector<geos::PreparedPtr>& prepared = prepared_by_thread[thread];
    if (prepared.empty()) prepared.resize(footprints.size());
    for (size_t a = begin; a < end; ++a) {
      const Geometry& area = *areas[a];
      if (area.IsEmpty()) continue;
      const double total = area.Area();
      if (total <= 0) continue;
      for (int f : index.Candidates(area)) {
        if (footprints[f]->is_null()) continue;
        if (!prepared[f]) prepared[f].reset(GEOSPrepare_r(ctx, footprints[f]->raw()));
        if (GEOSPreparedContains_r(ctx, prepared[f].get(), area.raw()) == 1) {
          out[a] = {{f, 1.0}};  // wholly inside: no other footprint of a partition shares it
          break;
        }
        if (GEOSPreparedIntersects_r(ctx, prepared[f].get(), area.raw()) != 1) continue;
        // Footprints (ICBs, local authorities) have tens of thousands of vertices; clip one to
        // the area's bounding box before the exact intersection so the cost follows the area.
        double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
        GEOSGeom_getXMin_r(ctx, area.raw(), &xmin);
        GEOSGeom_getYMin_r(ctx, area.raw(), &ymin);
        GEOSGeom_getXMax_r(ctx, area.raw(), &xmax);
        GEOSGeom_getYMax_r(ctx, area.raw(), &ymax);
        // ClipByRect may return an invalid polygon (GEOS documents it; found on the 2024 local
        // authorities, where it turned a 1% overlap into 36%): then intersect the whole footprint.
        geos::GeomPtr clipped(GEOSClipByRect_r(ctx, footprints[f]->raw(), xmin, ymin, xmax, ymax));
        const GEOSGeometry* against = footprints[f]->raw();
        if (clipped && GEOSisValid_r(ctx, clipped.get()) == 1) against = clipped.get();
        geos::GeomPtr piece(GEOSIntersection_r(ctx, area.raw(), against));
        double part = 0;
        if (piece && GEOSArea_r(ctx, piece.get(), &part) == 1 && part / total > 1e-6) {
          out[a].push_back({f, std::min(1.0, part / total)});
        }
      }
      std::sort(out[a].begin(), out[a].end(), InShareOrder);
    }
  });
  return out;
}

}  // namespace pcnv
