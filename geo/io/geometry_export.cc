#include "geo/io/geometry_export.h"

#include <cpl_string.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "geo/io/gdal_util.h"

namespace pcnv::io {
namespace {

// Making the transformation searches PROJ's database (about 13 ms); cloning the made one takes
// about 0.4 ms. So one is made per process and each exporter clones it, under a lock since PROJ
// objects are not to be shared between threads.
struct TransformPrototype {
  std::mutex mu;
  std::unique_ptr<OGRCoordinateTransformation> ct;
  std::string error;
};

TransformPrototype& Prototype() {
  static TransformPrototype* p = [] {
    auto* made = new TransformPrototype;
    // The readers' spatial references (geo/io/gdal_util.h): traditional GIS axis order.
    gdal::SrsPtr bng = gdal::BritishNationalGrid();
    gdal::SrsPtr wgs84 = gdal::Wgs84LonLat();
    gdal::QuietErrors quiet;
    made->ct.reset(OGRCoordinateTransformation::FromHandle(
        OCTNewCoordinateTransformation(bng.get(), wgs84.get())));
    if (!made->ct) {
      made->error = absl::StrCat("cannot create the EPSG:27700 -> EPSG:4326 transformation: ",
                                 gdal::LastError());
    }
    return made;
  }();
  return *p;
}

// RFC 7946 section 3.1.6: exterior rings counterclockwise, holes clockwise. Reprojection from
// British National Grid to longitude/latitude keeps east and north the same way round, so the
// rule can be applied either side of it.
void WindRightHand(OGRGeometry& g) {
  switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon: {
      OGRPolygon* polygon = g.toPolygon();
      for (int i = 0; i < polygon->getNumInteriorRings() + 1; ++i) {
        OGRLinearRing* ring = i == 0 ? polygon->getExteriorRing() : polygon->getInteriorRing(i - 1);
        if (ring == nullptr) continue;
        const bool want_clockwise = i > 0;
        if (ring->isClockwise() != want_clockwise) ring->reverseWindingOrder();
      }
      break;
    }
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
      OGRGeometryCollection* parts = g.toGeometryCollection();
      for (int i = 0; i < parts->getNumGeometries(); ++i) WindRightHand(*parts->getGeometryRef(i));
      break;
    }
    default:
      break;
  }
}

}  // namespace

int Srid(OutputCrs crs) { return crs == OutputCrs::kWgs84 ? 4326 : 27700; }

int GeoJsonDecimals(OutputCrs crs) { return crs == OutputCrs::kWgs84 ? 6 : 3; }

GeometryExporter::GeometryExporter(GeometryFormat format) : format_(format) {}
GeometryExporter::GeometryExporter(GeometryExporter&&) noexcept = default;
GeometryExporter& GeometryExporter::operator=(GeometryExporter&&) noexcept = default;
GeometryExporter::~GeometryExporter() = default;

absl::StatusOr<GeometryExporter> GeometryExporter::Create(GeometryFormat format) {
  GeometryExporter exporter(format);
  if (format.crs == OutputCrs::kWgs84) {
    TransformPrototype& p = Prototype();
    if (!p.ct) return absl::InternalError(p.error);
    std::lock_guard<std::mutex> lock(p.mu);
    exporter.to_wgs84_.reset(p.ct->Clone());
    if (!exporter.to_wgs84_) {
      return absl::InternalError("cannot copy the EPSG:27700 -> EPSG:4326 transformation");
    }
  }
  return exporter;
}

absl::Status GeometryExporter::Prepare(OGRGeometry& geometry) const {
  if (to_wgs84_ && geometry.transform(to_wgs84_.get()) != OGRERR_NONE) {
    return absl::InvalidArgumentError(absl::StrCat("cannot reproject to EPSG:4326: ",
                                                   gdal::LastError("a point PROJ cannot map")));
  }
  if (format_.encoding == GeometryEncoding::kGeoJson) WindRightHand(geometry);
  return absl::OkStatus();
}

absl::Status GeometryExporter::TransformPoint(double& x, double& y) const {
  if (to_wgs84_ && !to_wgs84_->Transform(1, &x, &y)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot reproject (", x, ", ", y, ") to EPSG:4326"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GeometryExporter::Encode(absl::string_view wkb) const {
  gdal::QuietErrors quiet;
  OGRGeometry* raw = nullptr;
  if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &raw, wkb.size()) != OGRERR_NONE) {
    delete raw;
    return absl::InvalidArgumentError(
        absl::StrCat("not a WKB geometry: ", gdal::LastError("GDAL could not read it")));
  }
  std::unique_ptr<OGRGeometry> g(raw);
  if (absl::Status s = Prepare(*g); !s.ok()) return s;
  if (format_.encoding == GeometryEncoding::kWkb) {
    std::string out(g->WkbSize(), '\0');
    g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(out.data()), wkbVariantIso);
    return out;
  }
  CPLStringList options;
  options.SetNameValue("COORDINATE_PRECISION", absl::StrCat(GeoJsonDecimals(format_.crs)).c_str());
  char* json = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(g.get()), options.List());
  if (json == nullptr) {
    return absl::InternalError(absl::StrCat("cannot write the geometry as GeoJSON: ",
                                            gdal::LastError("GDAL gave no reason")));
  }
  std::string out(json);
  CPLFree(json);
  return out;
}

}  // namespace pcnv::io
