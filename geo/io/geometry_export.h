// Geometries as they leave pcnv: in EPSG:27700 as computed, or reprojected to WGS84 for web
// maps, as ISO WKB or as RFC 7946 GeoJSON. One piece of code serves the server's replies (every
// pcnv.v1.Geometry, wire/geometry_output.h) and the CLI's GeoJSON layers (report/geo_layers.h),
// so a territory drawn from either lands on the same spot.
#ifndef PCNV_GEO_IO_GEOMETRY_EXPORT_H_
#define PCNV_GEO_IO_GEOMETRY_EXPORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

class OGRGeometry;
class OGRCoordinateTransformation;

namespace pcnv::io {

enum class OutputCrs {
  kBritishNationalGrid,  // EPSG:27700, metres: what pcnv computes in
  kWgs84,                // EPSG:4326, longitude then latitude in degrees (RFC 7946 order)
};

enum class GeometryEncoding { kWkb, kGeoJson };

struct GeometryFormat {
  GeometryEncoding encoding = GeometryEncoding::kWkb;
  OutputCrs crs = OutputCrs::kBritishNationalGrid;

  bool is_default() const {
    return encoding == GeometryEncoding::kWkb && crs == OutputCrs::kBritishNationalGrid;
  }
};

// The EPSG code of a CRS: 27700 or 4326.
int Srid(OutputCrs crs);

// Decimal places of GeoJSON coordinates: 6 in degrees (about 0.1 m, RFC 7946 section 11.2's
// advice) and 3 in metres (1 mm). WKB keeps full double precision.
int GeoJsonDecimals(OutputCrs crs);

// Turns EPSG:27700 geometries into one format. Reprojection uses PROJ through GDAL with the
// transformation PROJ picks for EPSG:27700 -> EPSG:4326, the inverse of the one the readers use
// for WGS84 inputs (geo/io/gdal_util.h), so a WGS84 boundary read in and written out again comes
// back where it was. GeoJSON polygons follow RFC 7946's right-hand rule (exterior rings
// counterclockwise, holes clockwise). Not thread-safe (a PROJ transformation keeps state): one
// exporter per call or thread; making one costs a fraction of a millisecond.
class GeometryExporter {
 public:
  static absl::StatusOr<GeometryExporter> Create(GeometryFormat format);
  GeometryExporter(GeometryExporter&&) noexcept;
  GeometryExporter& operator=(GeometryExporter&&) noexcept;
  ~GeometryExporter();

  const GeometryFormat& format() const { return format_; }

  // ISO WKB in EPSG:27700 (as pcnv makes it) -> the format's encoding and CRS: WKB bytes, or
  // the text of a GeoJSON geometry object. INVALID_ARGUMENT when the bytes are not WKB.
  absl::StatusOr<std::string> Encode(absl::string_view wkb) const;

  // In place, for writers that hand OGR geometries to a GDAL driver: reprojected, and for
  // GeoJSON with its rings wound by the right-hand rule.
  absl::Status Prepare(OGRGeometry& geometry) const;

  // One point (x, y in EPSG:27700) into the format's CRS, in place: x longitude, y latitude for
  // EPSG:4326. Not rounded.
  absl::Status TransformPoint(double& x, double& y) const;

 private:
  explicit GeometryExporter(GeometryFormat format);

  GeometryFormat format_;
  std::unique_ptr<OGRCoordinateTransformation> to_wgs84_;  // null: no reprojection
};

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_GEOMETRY_EXPORT_H_
