#include "geo/io/gdal_util.h"

#include <cpl_error.h>

#include "absl/strings/str_cat.h"

namespace pcnv::io::gdal {

QuietErrors::QuietErrors() {
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
}
QuietErrors::~QuietErrors() { CPLPopErrorHandler(); }

std::string LastError(absl::string_view fallback) {
  const char* msg = CPLGetLastErrorMsg();
  if (msg == nullptr || *msg == '\0') return std::string(fallback);
  return msg;
}

namespace {
SrsPtr FromEpsg(int code) {
  SrsPtr srs(OSRNewSpatialReference(nullptr));
  OSRImportFromEPSG(srs.get(), code);
  OSRSetAxisMappingStrategy(srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}
}  // namespace

SrsPtr BritishNationalGrid() { return FromEpsg(27700); }
SrsPtr Wgs84LonLat() { return FromEpsg(4326); }

absl::StatusOr<TransformPtr> TransformToBng(OGRSpatialReferenceH source) {
  SrsPtr src(OSRClone(source));
  OSRSetAxisMappingStrategy(src.get(), OAMS_TRADITIONAL_GIS_ORDER);
  SrsPtr bng = BritishNationalGrid();
  // Shapefiles from ONS carry an ESRI .prj that names British National Grid without an EPSG
  // code; IsSame compares the definitions, so such a layer is not pushed through a no-op.
  if (OSRIsSame(src.get(), bng.get())) return TransformPtr();
  QuietErrors quiet;
  TransformPtr ct(OCTNewCoordinateTransformation(src.get(), bng.get()));
  if (!ct) {
    return absl::InvalidArgumentError(absl::StrCat("cannot transform from ", DescribeCrs(source),
                                                   " to EPSG:27700: ", LastError()));
  }
  return ct;
}

absl::Status LonLatToBng(std::vector<double>& x, std::vector<double>& y, std::vector<int>& ok) {
  ok.assign(x.size(), 0);
  if (x.empty()) return absl::OkStatus();
  SrsPtr wgs84 = Wgs84LonLat();
  SrsPtr bng = BritishNationalGrid();
  QuietErrors quiet;
  TransformPtr ct(OCTNewCoordinateTransformation(wgs84.get(), bng.get()));
  if (!ct) {
    return absl::InternalError(
        absl::StrCat("cannot create the EPSG:4326 -> EPSG:27700 transformation: ", LastError()));
  }
  // OCTTransformEx returns FALSE when any point fails; the per-point flags say which.
  OCTTransformEx(ct.get(), static_cast<int>(x.size()), x.data(), y.data(), nullptr, ok.data());
  return absl::OkStatus();
}

std::string DescribeCrs(OGRSpatialReferenceH srs) {
  if (srs == nullptr) return "no CRS";
  SrsPtr copy(OSRClone(srs));
  const char* auth = OSRGetAuthorityName(copy.get(), nullptr);
  const char* code = OSRGetAuthorityCode(copy.get(), nullptr);
  if (auth == nullptr || code == nullptr) {
    QuietErrors quiet;
    if (OSRAutoIdentifyEPSG(copy.get()) == OGRERR_NONE) {
      auth = OSRGetAuthorityName(copy.get(), nullptr);
      code = OSRGetAuthorityCode(copy.get(), nullptr);
    }
  }
  if (auth != nullptr && code != nullptr) return absl::StrCat(auth, ":", code);
  const char* name = OSRGetName(copy.get());
  return name != nullptr ? name : "unnamed CRS";
}

}  // namespace pcnv::io::gdal
