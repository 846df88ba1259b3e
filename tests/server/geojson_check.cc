#include "tests/server/geojson_check.h"

#include <gdal_priv.h>
#include <geos_c.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace pcnv::testing {
namespace {

using nlohmann::json;

// The discrete Hausdorff distance in metres between `geojson` (EPSG:4326) brought back to
// EPSG:27700 by OGR and `wkb` (EPSG:27700); negative, with a gtest failure, when OGR cannot read
// or reproject the text.
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

// Writes `features` (GeoJSON Feature objects as text) as one FeatureCollection to `path` and
// opens it with GDAL as a GIS client would: the features GDAL reads with a geometry, or -1 with a
// gtest failure when it does not open the file as GeoJSON in EPSG:4326.
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

}  // namespace

// A GeoJSON geometry in WGS84 somewhere in England.
void ExpectWgs84GeoJson(const v1::Geometry& g, const std::string& what) {
  EXPECT_EQ(g.srid(), 4326) << what;
  EXPECT_TRUE(g.wkb().empty()) << what;
  const json parsed = json::parse(g.geojson(), nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(parsed.is_discarded()) << what << ": " << g.geojson().substr(0, 200);
  EXPECT_TRUE(parsed["type"] == "Polygon" || parsed["type"] == "MultiPolygon") << what;
  const json* first = &parsed["coordinates"];
  while (first->is_array() && (*first)[0].is_array()) first = &(*first)[0];
  ASSERT_EQ(first->size(), 2u) << what;
  EXPECT_GT((*first)[0].get<double>(), -6.5) << what;  // longitude
  EXPECT_LT((*first)[0].get<double>(), 2.0) << what;
  EXPECT_GT((*first)[1].get<double>(), 49.8) << what;  // latitude
  EXPECT_LT((*first)[1].get<double>(), 55.9) << what;
}

// Every territory of `web` (GeoJSON, EPSG:4326) against the same PCN's in `plain` (WKB,
// EPSG:27700): GDAL opens them as one RFC 7946 document, and each comes back to EPSG:27700 within
// 1 m of where it was (6 decimal places of a degree are about 0.1 m). The number checked.
int ExpectTerritoriesRoundTrip(const v1::Report& web, const v1::Report& plain,
                               const std::string& path) {
  EXPECT_EQ(web.pcns_size(), plain.pcns_size());
  std::vector<std::string> features;
  double worst = 0;
  for (int k = 0; k < web.pcns_size() && k < plain.pcns_size(); ++k) {
    const v1::Pcn& p = web.pcns(k);
    EXPECT_EQ(p.has_territory_geometry(), plain.pcns(k).has_territory_geometry()) << p.code();
    if (!p.has_territory_geometry()) continue;
    ExpectWgs84GeoJson(p.territory_geometry(), p.code());
    features.push_back(absl::StrCat(R"({"type": "Feature", "properties": {"code": ")", p.code(),
                                    R"("}, "geometry": )", p.territory_geometry().geojson(), "}"));
    const double d = RoundTripDistance(p.territory_geometry().geojson(),
                                       plain.pcns(k).territory_geometry().wkb());
    EXPECT_GE(d, 0) << p.code();
    EXPECT_LT(d, 1.0) << p.code();
    worst = std::max(worst, d);
  }
  EXPECT_EQ(FeaturesGdalReads(path, features), static_cast<int>(features.size()));
  std::cout << "[geometry output] " << features.size() << " territories, furthest vertex " << worst
            << " m from its EPSG:27700 position\n";
  return static_cast<int>(features.size());
}

}  // namespace pcnv::testing
