// Internal to geo/: walking the rings of a GEOS (multi)polygon as flat coordinate buffers, and
// the one robust orientation and point-in-ring test that code on those buffers shares.
#ifndef PCNV_GEO_RINGS_H_
#define PCNV_GEO_RINGS_H_

#include <cstddef>
#include <vector>

#include "geo/geometry.h"
#include "geo/geos_handle.h"

namespace pcnv {

// Calls fn(xy, n, shell) for every ring of every polygon of g, xy holding its n vertices as
// x0, y0, x1, y1, ... (closed: the last vertex repeats the first). Parts that are not polygons
// have no area and are skipped, and so is a ring GEOS cannot give (its accessors fail only on
// a corrupt geometry, which validity checks report). `xy` is the caller's reusable buffer.
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

// Orientation of c relative to a->b (1 left, -1 right, 0 collinear): GEOS's own floating-point
// filter (CGAlgorithmsDD::orientationIndexFilter) and, when that cannot decide, GEOS's
// double-double predicate, so that "collinear" here means what it means to GEOS's overlay.
// Inline: the adjacency sweep calls it for every pair of nearby segments.
inline int Orientation(GEOSContextHandle_t ctx, double ax, double ay, double bx, double by,
                       double cx, double cy) {
  auto sign = [](double v) { return (v > 0) - (v < 0); };
  const double detleft = (ax - cx) * (by - cy);
  const double detright = (ay - cy) * (bx - cx);
  const double det = detleft - detright;
  double detsum = 0;
  if (detleft > 0) {
    if (detright <= 0) return sign(det);
    detsum = detleft + detright;
  } else if (detleft < 0) {
    if (detright >= 0) return sign(det);
    detsum = -detleft - detright;
  } else {
    return sign(det);
  }
  const double errbound = 1e-15 * detsum;
  if (det >= errbound || -det >= errbound) return sign(det);
  const int o = GEOSOrientationIndex_r(ctx, ax, ay, bx, by, cx, cy);
  // 2: GEOS failed. "Collinear" sends every caller to its careful path: the exact GEOS fallback
  // for segment contacts, "on the boundary" for point location.
  return o == 2 ? 0 : o;
}

enum class Location { kOutside, kBoundary, kInside };

// Where a point lies against a polygon given as the segments of its rings, by GEOS's ray
// crossing count (algorithm::RayCrossingCounter): the ray runs from the point towards +x, and
// each segment it crosses flips inside and outside, so shells and holes are fed alike, in any
// order and direction. A point on a segment (a vertex, a horizontal edge, or collinear by
// Orientation) is on the boundary, whatever the other segments say.
class RayCrossingCounter {
 public:
  RayCrossingCounter(GEOSContextHandle_t ctx, Point p) : ctx_(ctx), p_(p) {}

  // One segment of a ring, from (x0, y0) to (x1, y1).
  void Add(double x0, double y0, double x1, double y1);
  // A closed ring of n vertices, v[n - 1] joined back to v[0] (a repeated closing vertex adds
  // only a zero-length segment, which changes nothing).
  void AddRing(const Point* v, size_t n);

  Location location() const {
    if (on_boundary_) return Location::kBoundary;
    return crossings_ % 2 == 1 ? Location::kInside : Location::kOutside;
  }

 private:
  GEOSContextHandle_t ctx_;
  Point p_;
  int crossings_ = 0;
  bool on_boundary_ = false;
};

// Where p lies against the closed ring of n vertices (see RayCrossingCounter::AddRing).
Location LocateInRing(GEOSContextHandle_t ctx, const Point* v, size_t n, Point p);

}  // namespace pcnv

#endif  // PCNV_GEO_RINGS_H_
