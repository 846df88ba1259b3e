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
        // A footprint GEOS cannot prepare or test is compared by the exact intersection below.
        if (prepared[f] && geos::Test(GEOSPreparedContains_r(ctx, prepared[f].get(), area.raw()),
                                      "prepared contains")
                               .value_or(false)) {
          out[a] = {{f, 1.0}};  // wholly inside: no other footprint of a partition shares it
          break;
        }
        if (prepared[f] && !geos::Test(GEOSPreparedIntersects_r(ctx, prepared[f].get(), area.raw()),
                                       "prepared intersects")
                                .value_or(true)) {
          continue;
        }
        // Footprints (ICBs, local authorities) have tens of thousands of vertices; clip one to
        // the area's bounding box before the exact intersection so the cost follows the area.
        const GEOSGeometry* against = footprints[f]->raw();
        geos::GeomPtr clipped_footprint;
        double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
        if (GEOSGeom_getXMin_r(ctx, area.raw(), &xmin) == 1 &&
            GEOSGeom_getYMin_r(ctx, area.raw(), &ymin) == 1 &&
            GEOSGeom_getXMax_r(ctx, area.raw(), &xmax) == 1 &&
            GEOSGeom_getYMax_r(ctx, area.raw(), &ymax) == 1) {
          // ClipByRect may return an invalid polygon (GEOS documents it; found on the 2024 local
          // authorities, where it turned a 1% overlap into 36%): then intersect the whole
          // footprint, as when it fails.
          absl::StatusOr<geos::GeomPtr> clipped = geos::Made(
              GEOSClipByRect_r(ctx, footprints[f]->raw(), xmin, ymin, xmax, ymax), "clip by rect");
          if (clipped.ok() &&
              geos::Test(GEOSisValid_r(ctx, clipped->get()), "is valid").value_or(false)) {
            clipped_footprint = *std::move(clipped);
            against = clipped_footprint.get();
          }
        }
        // A share GEOS cannot compute is left out, as one too small to count.
        absl::StatusOr<geos::GeomPtr> piece =
            geos::Made(GEOSIntersection_r(ctx, area.raw(), against), "intersection");
        if (!piece.ok()) continue;
        absl::StatusOr<double> part = geos::Area(piece->get());
        if (part.ok() && *part / total > 1e-6) {
          out[a].push_back({f, std::min(1.0, *part / total)});
        }
      }
      std::sort(out[a].begin(), out[a].end(), InShareOrder);
    }
  });
  return out;
}

}  // namespace pcnv
