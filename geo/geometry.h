// Geometry: an owning, copyable handle on a GEOS geometry in EPSG:27700 metres.
//
// geos_c.h stays out of this header (docs/STYLE.md): callers see only this class and plain
// types. geos_handle.h (internal to geo/) gives the raw GEOS pointer to code in geo/ that
// calls the GEOS C API directly.
#ifndef PCNV_GEO_GEOMETRY_H_
#define PCNV_GEO_GEOMETRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

struct GEOSGeom_t;  // GEOS's own opaque type (GEOSGeometry).

namespace pcnv {

struct WkbShape;  // geo/wkb_scan.h

struct Point {
  double x = 0;  // easting, metres
  double y = 0;  // northing, metres
};

class Geometry {
 public:
  Geometry() = default;  // empty (no geometry at all)
  Geometry(const Geometry& other);
  Geometry& operator=(const Geometry& other);
  Geometry(Geometry&&) noexcept = default;
  Geometry& operator=(Geometry&&) noexcept = default;
  ~Geometry() = default;

  static absl::StatusOr<Geometry> FromWkt(std::string_view wkt);
  // Walks the bytes first (ScanWkb), then parses them with GEOS.
  static absl::StatusOr<Geometry> FromWkb(std::string_view wkb);
  // For a caller that has walked `wkb` with ScanWkb already (and read its shape): parses it
  // without walking it again. `walked` is the proof asked for, not used otherwise.
  static absl::StatusOr<Geometry> FromWalkedWkb(std::string_view wkb, const WkbShape& walked);
  static Geometry MakePoint(Point p);
  // Takes ownership of a GEOS geometry (may be null for "no geometry").
  static Geometry Adopt(GEOSGeom_t* raw);

  bool is_null() const { return geom_ == nullptr; }
  bool IsEmpty() const;  // true for null too
  std::string ToWkt(int decimals = 2) const;
  std::string ToWkb() const;  // ISO WKB, little endian, no SRID
  double Area() const;        // square metres
  int NumParts() const;       // polygons in a (multi)polygon; 0 for null/empty
  std::string TypeName() const;
  // Empty string when valid, else GEOS's reason with its location.
  std::string InvalidReason() const;

  const GEOSGeom_t* raw() const { return geom_.get(); }

 private:
  struct Deleter {
    void operator()(GEOSGeom_t* g) const;
  };
  std::unique_ptr<GEOSGeom_t, Deleter> geom_;
};

// GEOS's version string, for report provenance.
std::string GeosVersion();

}  // namespace pcnv

#endif  // PCNV_GEO_GEOMETRY_H_
