#include "geo/rings.h"

namespace pcnv {
void RayCrossingCounter::Add(double x0, double y0, double x1, double y1) {
  if (on_boundary_) return;  // nothing changes that
  const double x = p_.x, y = p_.y;
  // Wholly to the left of the point: the ray cannot cross it.
  if (x0 < x && x1 < x) return;
  if (x == x1 && y == y1) {  // the point is this segment's end vertex
    on_boundary_ = true;
    return;
  }
  // A horizontal segment is never crossed; the point may lie on it.
  if (y0 == y && y1 == y) {
    const double xmin = x0 < x1 ? x0 : x1, xmax = x0 < x1 ? x1 : x0;
    if (xmin <= x && x <= xmax) on_boundary_ = true;
    return;
  }
  // Half-open in y (one end above the ray, the other on or below it), so that a vertex on the
  // ray counts once for the two segments that share it, and not at all where the ring only
  // touches the ray there.
  if ((y0 > y && y1 <= y) || (y1 > y && y0 <= y)) {
    int o = Orientation(ctx_, x0, y0, x1, y1, x, y);
    if (o == 0) {
      on_boundary_ = true;
      return;
    }
    if (y1 < y0) o = -o;
    if (o > 0) ++crossings_;
  }
}

void RayCrossingCounter::AddRing(const Point* v, size_t n) {
  for (size_t i = 0, j = n - 1; i < n; j = i++) Add(v[j].x, v[j].y, v[i].x, v[i].y);
}

Location LocateInRing(GEOSContextHandle_t ctx, const Point* v, size_t n, Point p) {
  RayCrossingCounter counter(ctx, p);
  if (n > 0) counter.AddRing(v, n);
  return counter.location();
}

}  // namespace pcnv
