// Area x footprint overlay, computed once per reference snapshot: for each area, the fraction of
// its surface inside each footprint of a layer. Nesting rules then need only sums over areas
// (docs/ARCHITECTURE.md, "Geometry once per snapshot": arithmetic per request).
#ifndef PCNV_GEO_OVERLAY_H_
#define PCNV_GEO_OVERLAY_H_

#include <vector>

#include "geo/geometry.h"

namespace pcnv {

struct AreaShare {
  int footprint = -1;   // index into the layer's footprints
  double fraction = 0;  // of the area's surface, in (0, 1]
};

// The order an area's shares are listed in: descending fraction, then ascending footprint.
bool InShareOrder(const AreaShare& x, const AreaShare& y);

// result[a] lists the footprints area a overlaps, by descending fraction (InShareOrder). Areas
// wholly inside one footprint (the common case) cost one prepared-geometry test; only areas
// crossing a boundary pay for an intersection. Slivers below 1e-6 of an area are dropped.
std::vector<std::vector<AreaShare>> OverlayAreas(const std::vector<const Geometry*>& areas,
                                                 const std::vector<const Geometry*>& footprints);

}  // namespace pcnv

#endif  // PCNV_GEO_OVERLAY_H_
