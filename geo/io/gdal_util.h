// Internal to geo/io: RAII handles over the GDAL/OGR C API, GDAL error capture, and the
// EPSG:27700 target CRS. Only .cc files in geo/io include this (it pulls in gdal.h).
#ifndef PCNV_GEO_IO_GDAL_UTIL_H_
#define PCNV_GEO_IO_GDAL_UTIL_H_

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pcnv::io::gdal {

struct DatasetCloser {
  void operator()(void* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;

struct FeatureDeleter {
  void operator()(OGRFeatureH f) const { OGR_F_Destroy(f); }
};
using FeaturePtr = std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDeleter>;

struct GeometryDeleter {
  void operator()(OGRGeometryH g) const { OGR_G_DestroyGeometry(g); }
};
using OgrGeometryPtr = std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, GeometryDeleter>;

struct SrsReleaser {
  void operator()(OGRSpatialReferenceH s) const { OSRRelease(s); }
};
using SrsPtr = std::unique_ptr<std::remove_pointer_t<OGRSpatialReferenceH>, SrsReleaser>;

struct TransformDeleter {
  void operator()(OGRCoordinateTransformationH t) const { OCTDestroyCoordinateTransformation(t); }
};
using TransformPtr =
    std::unique_ptr<std::remove_pointer_t<OGRCoordinateTransformationH>, TransformDeleter>;

struct FieldDefnDeleter {
  void operator()(OGRFieldDefnH f) const { OGR_Fld_Destroy(f); }
};
using FieldDefnPtr = std::unique_ptr<std::remove_pointer_t<OGRFieldDefnH>, FieldDefnDeleter>;

// While alive, GDAL errors on this thread are not printed to stderr (GDAL's default) but kept,
// so that the caller can put them into a Status that names the file.
class QuietErrors {
 public:
  QuietErrors();
  ~QuietErrors();
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;
};

// GDAL's last error message on this thread, or `fallback` when there is none.
std::string LastError(absl::string_view fallback = "unknown GDAL error");

// EPSG:27700 with traditional GIS axis order (easting, northing).
SrsPtr BritishNationalGrid();
// EPSG:4326 with traditional GIS axis order (lon, lat), so arrays are passed as x=lon, y=lat.
SrsPtr Wgs84LonLat();

// Transformation from `source` to EPSG:27700; `source` gets traditional GIS axis order first.
// Returns a null pointer (and OK) when `source` already is British National Grid.
absl::StatusOr<TransformPtr> TransformToBng(OGRSpatialReferenceH source);

// Reprojects WGS84 lon/lat arrays to EPSG:27700 in place, in one PROJ call (national files
// have millions of points). `ok[i]` is false where PROJ could not transform point i.
absl::Status LonLatToBng(std::vector<double>& x, std::vector<double>& y, std::vector<int>& ok);

// "EPSG:4326" when the CRS can be identified, else its name.
std::string DescribeCrs(OGRSpatialReferenceH srs);

}  // namespace pcnv::io::gdal

#endif  // PCNV_GEO_IO_GDAL_UTIL_H_
