// A walk over WKB bytes without GEOS: their shape (vertices, parts, nesting) before anything is
// parsed. GEOS's WKB reader recurses once per nested collection and allocates what a count says
// before it has read the coordinates, so hostile bytes (a GeometryCollection nested 200,000 deep
// in 2 MB, a ring claiming four billion points) overflow its stack or exhaust memory. Every WKB
// that reaches GEOS is walked here first (Geometry::FromWkb), and the server counts its limits
// with the same walk (server/limits.h).
#ifndef PCNV_GEO_WKB_SCAN_H_
#define PCNV_GEO_WKB_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "absl/status/statusor.h"

namespace pcnv {

// Collections nested deeper than this are refused. A PCN boundary is a MultiPolygon (depth 1);
// no map needs more than a few levels.
inline constexpr int kMaxWkbNesting = 32;

struct WkbShape {
  int64_t vertices = 0;  // coordinates, over every ring and part
  int64_t parts = 0;     // geometries (collections and their members) and rings
  int depth = 0;         // deepest collection nesting; 0 for a single geometry
  // The box of every finite x and y read (valid when vertices > 0 and some were finite), and
  // whether any x or y was NaN or infinite: so that a front door can refuse coordinates no map
  // has (geo/input_limits.h) before GEOS computes with them.
  double min_x = std::numeric_limits<double>::infinity();
  double min_y = std::numeric_limits<double>::infinity();
  double max_x = -std::numeric_limits<double>::infinity();
  double max_y = -std::numeric_limits<double>::infinity();
  bool non_finite = false;
};

// The shape of one ISO or extended (PostGIS) WKB geometry, 2D, Z, M or ZM, either byte order,
// any geometry type, filling `wkb` exactly. INVALID_ARGUMENT saying what is wrong and at which
// byte: truncated bytes, an unknown type, a count larger than the bytes left could hold,
// nesting deeper than kMaxWkbNesting, bytes after the end of the geometry.
absl::StatusOr<WkbShape> ScanWkb(std::string_view wkb);

}  // namespace pcnv

#endif  // PCNV_GEO_WKB_SCAN_H_
