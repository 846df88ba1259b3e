#include "tests/server/geojson_check.h"

#include <gdal_priv.h>
#include <geos_c.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace pcnv::testing {

double RoundTripDistance(const std::string& geojson, const std::string& wkb) {
  std::unique_ptr<OGRGeometry> back(
      OGRGeometry::FromHandle(OGR_G_CreateGeometryFromJson(geojson.c_str())));
  if (!back) {
    ADD_FAILURE() << "OGR cannot read the GeoJSON: " << geojson.substr(0, 200);
    return -1;
  }
  OGRSpatialReference wgs84, bng;
  wgs84.importFromEPSG(4326);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // RFC 7946: longitude first
  bng.importFromEPSG(27700);
  bng.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  back->assignSpatialReference(&wgs84);
  if (back->transformTo(&bng) != OGRERR_NONE) {
    ADD_FAILURE() << "OGR cannot reproject the GeoJSON to EPSG:27700";
    return -1;
  }
  back->assignSpatialReference(nullptr);
  std::string back_wkb(back->WkbSize(), '\0');
  back->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(back_wkb.data()), wkbVariantIso);

  GEOSContextHandle_t h = GEOS_init_r();
  GEOSWKBReader* reader = GEOSWKBReader_create_r(h);
  GEOSGeometry* a = GEOSWKBReader_read_r(
      h, reader, reinterpret_cast<const unsigned char*>(back_wkb.data()), back_wkb.size());
  GEOSGeometry* b = GEOSWKBReader_read_r(
      h, reader, reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size());
  double distance = -1;
  if (a == nullptr || b == nullptr || GEOSHausdorffDistance_r(h, a, b, &distance) != 1) {
    ADD_FAILURE() << "GEOS cannot compare the geometries";
    distance = -1;
  }
  if (a != nullptr) GEOSGeom_destroy_r(h, a);
  if (b != nullptr) GEOSGeom_destroy_r(h, b);
  GEOSWKBReader_destroy_r(h, reader);
  GEOS_finish_r(h);
  return distance;
}

int FeaturesGdalReads(const std::string& path, const std::vector<std::string>& features) {
  WriteFile(path, absl::StrCat(R"({"type": "FeatureCollection", "features": [)",
                               absl::StrJoin(features, ","), "]}"));
  GDALAllRegister();
  GDALDatasetUniquePtr ds(
      GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr));
  if (!ds || ds->GetLayerCount() != 1) {
    ADD_FAILURE() << "GDAL cannot open " << path << " as one vector layer";
    return -1;
  }
  if (std::string(ds->GetDriver()->GetDescription()) != "GeoJSON") {
    ADD_FAILURE() << path << " opened by " << ds->GetDriver()->GetDescription();
    return -1;
  }
  OGRLayer* layer = ds->GetLayer(0);
  const OGRSpatialReference* srs = layer->GetSpatialRef();
  if (srs == nullptr || srs->GetAuthorityCode(nullptr) == nullptr ||
      std::string(srs->GetAuthorityCode(nullptr)) != "4326") {
    ADD_FAILURE() << path << ": GDAL does not read it as EPSG:4326";
    return -1;
  }
  int read = 0;
  layer->ResetReading();
  while (OGRFeatureUniquePtr f{layer->GetNextFeature()}) {
    if (f->GetGeometryRef() != nullptr) ++read;
  }
  return read;
}

}  // namespace pcnv::testing
