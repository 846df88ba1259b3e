// The union steps of pcnv's UnionAreas (geo/catchment.cc), one at a time, for contrast in the
// micro-benchmarks. geo/ has no wrapper for these (UnionAreas is the wrapper: coverage union,
// validity check, unary-union fallback), so this file calls the GEOS C API itself, on its own
// per-thread context; geos_c.h stays inside geos_contrast.cc.
#ifndef PCNV_BENCH_MICRO_GEOS_CONTRAST_H_
#define PCNV_BENCH_MICRO_GEOS_CONTRAST_H_

#include <vector>

#include "geo/geometry.h"

namespace pcnv::bench {

// Each one builds the GeometryCollection of clones exactly as UnionAreas does, then:
Geometry PlainCoverageUnion(const std::vector<const Geometry*>& parts);  // GEOSCoverageUnion
Geometry PlainUnaryUnion(const std::vector<const Geometry*>& parts);     // GEOSUnaryUnion
// GEOSisValid, the check UnionAreas runs on the coverage union's result.
bool IsValid(const Geometry& g);
// Coordinates in the geometry (GEOSGetNumCoordinates), to say how heavy a set of polygons is.
int NumCoordinates(const Geometry& g);

}  // namespace pcnv::bench

#endif  // PCNV_BENCH_MICRO_GEOS_CONTRAST_H_
