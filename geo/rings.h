// Internal to geo/: walking the rings of a GEOS (multi)polygon as flat coordinate buffers.
#ifndef PCNV_GEO_RINGS_H_
#define PCNV_GEO_RINGS_H_

#include <cstddef>
#include <vector>

#include "geo/geos_handle.h"

namespace pcnv {

// Calls fn(xy, n, shell) for every ring of every polygon of g, xy holding its n vertices as
// x0, y0, x1, y1, ... (closed: the last vertex repeats the first). Parts that are not polygons
// have no area and are skipped. `xy` is the caller's reusable buffer.
template <typename Fn>
void ForEachRing(GEOSContextHandle_t ctx, const GEOSGeometry* g, std::vector<double>& xy,
                 const Fn& fn) {
  if (g == nullptr || GEOSisEmpty_r(ctx, g) != 0) return;
  const int type = GEOSGeomTypeId_r(ctx, g);
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int parts = GEOSGetNumGeometries_r(ctx, g);
    for (int p = 0; p < parts; ++p) ForEachRing(ctx, GEOSGetGeometryN_r(ctx, g, p), xy, fn);
    return;
  }
  if (type != GEOS_POLYGON) return;
  const int holes = GEOSGetNumInteriorRings_r(ctx, g);
  for (int r = -1; r < holes; ++r) {
    const GEOSGeometry* ring =
        r < 0 ? GEOSGetExteriorRing_r(ctx, g) : GEOSGetInteriorRingN_r(ctx, g, r);
    const GEOSCoordSequence* seq = ring ? GEOSGeom_getCoordSeq_r(ctx, ring) : nullptr;
    unsigned size = 0;
    if (seq == nullptr || GEOSCoordSeq_getSize_r(ctx, seq, &size) == 0 || size == 0) continue;
    xy.resize(2 * size_t{size});
    if (GEOSCoordSeq_copyToBuffer_r(ctx, seq, xy.data(), 0, 0) == 0) continue;
    fn(xy.data(), size, r < 0);
  }
}

}  // namespace pcnv

#endif  // PCNV_GEO_RINGS_H_
