// The GIS writer, read back through GDAL: layers, feature counts, CRS (a GeoPackage in EPSG:27700,
// GeoJSON as RFC 7946 in EPSG:4326, either on request in the other), attributes, null geometries
// for findings without a place, and small-number suppression.
#include "report/geo_layers.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/report/report_test_util.h"

namespace pcnv::report {
namespace {

using pcnv::testing::TempDir;
using pcnv::testing::TinyReport;
using ::testing::ElementsAre;

GDALDatasetUniquePtr Open(const std::string& path) {
  GDALAllRegister();
  return GDALDatasetUniquePtr(
      GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr));
}

void ExpectCrs(OGRLayer* layer, int epsg) {
  const OGRSpatialReference* srs = layer->GetSpatialRef();
  ASSERT_NE(srs, nullptr) << layer->GetName();
  ASSERT_NE(srs->GetAuthorityCode(nullptr), nullptr) << layer->GetName();
  EXPECT_EQ(srs->GetAuthorityCode(nullptr), std::to_string(epsg)) << layer->GetName();
}

// A geometry as read back, in EPSG:27700 whatever the layer's CRS: GDAL's own transformation
// (the readers' direction), so the check does not lean on the writer's code.
std::unique_ptr<OGRGeometry> InBng(const OGRGeometry& g, int epsg) {
  std::unique_ptr<OGRGeometry> copy(g.clone());
  if (epsg == 27700) return copy;
  OGRSpatialReference bng;
  bng.importFromEPSG(27700);
  bng.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  copy->assignSpatialReference(&wgs84);
  EXPECT_EQ(copy->transformTo(&bng), OGRERR_NONE);
  return copy;
}

// Features of a layer by a string field, for order-independent checks.
std::map<std::string, OGRFeatureUniquePtr> ByField(OGRLayer* layer, const char* field) {
  std::map<std::string, OGRFeatureUniquePtr> out;
  layer->ResetReading();
  while (OGRFeatureUniquePtr f{layer->GetNextFeature()}) {
    std::string key = f->GetFieldAsString(field);
    out[key] = std::move(f);
  }
  return out;
}

void CheckLayers(const std::function<OGRLayer*(const char*)>& layer, int epsg,
                 bool rfc7946 = false) {
  OGRLayer* t = layer("pcn_territories");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->GetFeatureCount(), 2);
  ExpectCrs(t, epsg);
  auto terr = ByField(t, "pcn_code");
  ASSERT_EQ(terr.count("U00001"), 1u);
  const OGRFeature& a = *terr["U00001"];
  EXPECT_STREQ(a.GetFieldAsString("pcn_name"), "NORTH & EAST <PCN>");
  EXPECT_STREQ(a.GetFieldAsString("verdict"), "FAIL");
  EXPECT_EQ(a.GetFieldAsInteger("errors"), 1);
  EXPECT_EQ(a.GetFieldAsInteger64("population"), 24100);
  EXPECT_STREQ(a.GetFieldAsString("practice_codes"), "A00001,A00002");
  EXPECT_EQ(a.GetFieldAsInteger("parts"), 2);
  ASSERT_NE(a.GetGeometryRef(), nullptr);
  EXPECT_EQ(wkbFlatten(a.GetGeometryRef()->getGeometryType()), wkbMultiPolygon);
  // Within 1 m² in metres; 6-decimal degrees move each vertex by up to about 0.1 m.
  EXPECT_NEAR(InBng(*a.GetGeometryRef(), epsg)->toMultiPolygon()->get_Area(), 4.25e6,
              epsg == 27700 ? 1 : 2000);
  EXPECT_STREQ(terr["U00002"]->GetFieldAsString("verdict"), "WARN");
  // A single polygon is promoted so the layer has one geometry type; except in RFC 7946 GeoJSON,
  // where GDAL's writer gives a one-part MultiPolygon back as a Polygon.
  EXPECT_EQ(wkbFlatten(terr["U00002"]->GetGeometryRef()->getGeometryType()),
            epsg == 4326 && rfc7946 ? wkbPolygon : wkbMultiPolygon);

  OGRLayer* s = layer("share_catchments");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->GetFeatureCount(), 1);  // U00002 has none
  ExpectCrs(s, epsg);

  OGRLayer* f = layer("findings");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->GetFeatureCount(), 3);
  ExpectCrs(f, epsg);
  auto findings = ByField(f, "rule");
  const OGRFeature& con = *findings["CON001"];
  EXPECT_STREQ(con.GetFieldAsString("severity"), "ERROR");
  EXPECT_STREQ(con.GetFieldAsString("title"), "Territory not contiguous");
  EXPECT_STREQ(con.GetFieldAsString("pcn_code"), "U00001");
  EXPECT_EQ(con.GetFieldAsInteger("failing"), 1);
  ASSERT_NE(con.GetGeometryRef(), nullptr);
  EXPECT_EQ(wkbFlatten(con.GetGeometryRef()->getGeometryType()), wkbPolygon);
  auto values = nlohmann::json::parse(con.GetFieldAsString("values_json"));
  EXPECT_EQ(values["part_patients"], "<5");  // as the engine suppressed it
  EXPECT_EQ(values["gap_m"], 1000.0);
  EXPECT_EQ(wkbFlatten(findings["CON004"]->GetGeometryRef()->getGeometryType()), wkbPoint);
  const OGRFeature& mem = *findings["MEM004"];
  EXPECT_EQ(mem.GetGeometryRef(), nullptr);  // attribute-only row
  EXPECT_STREQ(mem.GetFieldAsString("practice_code"), "Z99999");
  EXPECT_EQ(nlohmann::json::parse(mem.GetFieldAsString("values_json"))["patients"], 1234);
  EXPECT_STREQ(mem.GetFieldAsString("source_file"), "/data/dist file.csv");
  EXPECT_EQ(mem.GetFieldAsInteger64("source_row"), 17);

  OGRLayer* p = layer("practices");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->GetFeatureCount(), 3);
  ExpectCrs(p, epsg);
  auto practices = ByField(p, "practice_code");
  ASSERT_NE(practices["A00001"]->GetGeometryRef(), nullptr);
  EXPECT_NEAR(InBng(*practices["A00001"]->GetGeometryRef(), epsg)->toPoint()->getX(), 430500,
              epsg == 27700 ? 1e-9 : 0.1);
  EXPECT_EQ(practices["A00003"]->GetGeometryRef(), nullptr);  // no location
  EXPECT_EQ(practices["A00002"]->GetFieldAsInteger64("list_size"), 12100);
  EXPECT_STREQ(practices["A00002"]->GetFieldAsString("practice_name"), "SMITH & JONES");
}

TEST(GeoLayersTest, GeoPackageHasFourLayersInBritishNationalGrid) {
  TempDir tmp;
  const std::string path = tmp.File("out.gpkg");
  auto files = WriteGeoLayers(ViewForValidate(TinyReport(), Severity::kError), path);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(*files, ElementsAre(path));
  auto ds = Open(path);
  ASSERT_TRUE(ds) << path;
  EXPECT_STREQ(ds->GetDriver()->GetDescription(), "GPKG");
  EXPECT_EQ(ds->GetLayerCount(), 4);
  CheckLayers([&](const char* name) { return ds->GetLayerByName(name); }, 27700);
}

// Twice the signed area of a GeoJSON ring: positive when counterclockwise.
double SignedArea2(const nlohmann::json& ring) {
  double sum = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i) {
    sum += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
           ring[i + 1][0].get<double>() * ring[i][1].get<double>();
  }
  return sum;
}

TEST(GeoLayersTest, GeoJsonWritesOneFilePerLayerAsRfc7946) {
  TempDir tmp;
  const std::string path = tmp.File("out.geojson");
  auto files = WriteGeoLayers(ViewForValidate(TinyReport(), Severity::kError), path);
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 4u);
  EXPECT_EQ((*files)[2], tmp.File("out_findings.geojson"));
  std::map<std::string, GDALDatasetUniquePtr> open;
  for (const std::string& f : *files) {
    auto ds = Open(f);
    ASSERT_TRUE(ds) << f;
    EXPECT_STREQ(ds->GetDriver()->GetDescription(), "GeoJSON");
    ASSERT_EQ(ds->GetLayerCount(), 1);
    open[ds->GetLayer(0)->GetName()] = std::move(ds);
  }
  CheckLayers(
      [&](const char* name) -> OGRLayer* {
        auto it = open.find(name);
        return it == open.end() ? nullptr : it->second->GetLayer(0);
      },
      4326, /*rfc7946=*/true);
  // RFC 7946 as written: no "crs" member, longitude first, exterior rings counterclockwise.
  const nlohmann::json territories =
      nlohmann::json::parse(testing::ReadFile(tmp.File("out_pcn_territories.geojson")));
  EXPECT_FALSE(territories.contains("crs"));
  for (const nlohmann::json& feature : territories["features"]) {
    const nlohmann::json& g = feature["geometry"];
    const nlohmann::json polygons =
        g["type"] == "Polygon" ? nlohmann::json::array({g["coordinates"]}) : g["coordinates"];
    ASSERT_FALSE(polygons.empty());
    for (const nlohmann::json& polygon : polygons) {
      EXPECT_GT(SignedArea2(polygon[0]), 0) << feature["properties"]["pcn_code"];
      EXPECT_LT(polygon[0][0][0].get<double>(), 0);  // longitude, west of Greenwich here
      EXPECT_GT(polygon[0][0][1].get<double>(), 49);
    }
  }
}

TEST(GeoLayersTest, EitherFormatInTheOtherCrsOnRequest) {
  TempDir tmp;
  const auto view = ViewForValidate(TinyReport(), Severity::kError);
  auto gpkg = WriteGeoLayers(view, tmp.File("out.gpkg"), io::OutputCrs::kWgs84);
  ASSERT_TRUE(gpkg.ok()) << gpkg.status();
  auto ds = Open(tmp.File("out.gpkg"));
  ASSERT_TRUE(ds);
  CheckLayers([&](const char* name) { return ds->GetLayerByName(name); }, 4326);

  auto geojson = WriteGeoLayers(view, tmp.File("bng.geojson"), io::OutputCrs::kBritishNationalGrid);
  ASSERT_TRUE(geojson.ok()) << geojson.status();
  std::map<std::string, GDALDatasetUniquePtr> open;
  for (const std::string& f : *geojson) {
    auto one = Open(f);
    ASSERT_TRUE(one) << f;
    open[one->GetLayer(0)->GetName()] = std::move(one);
  }
  CheckLayers(
      [&](const char* name) -> OGRLayer* {
        auto it = open.find(name);
        return it == open.end() ? nullptr : it->second->GetLayer(0);
      },
      27700);
}

TEST(GeoLayersTest, ReplacesAnEarlierFileAndRejectsUnknownExtensions) {
  TempDir tmp;
  const std::string path = tmp.File("out.gpkg");
  auto view = ViewForValidate(TinyReport(), Severity::kError);
  ASSERT_TRUE(WriteGeoLayers(view, path).ok());
  ASSERT_TRUE(WriteGeoLayers(view, path).ok());
  auto ds = Open(path);
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetLayerByName("findings")->GetFeatureCount(), 3);  // not 6
  auto bad = WriteGeoLayers(view, tmp.File("out.shp"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GeoLayersTest, WaivedAndDiffStatusAreAttributes) {
  TempDir tmp;
  Report r = TinyReport();
  r.findings[0].waiver = AppliedWaiver{"Island practice", "ICB board", "2099-12-31"};
  auto view = ViewForValidate(std::move(r), Severity::kError);
  auto files = WriteGeoLayers(view, tmp.File("w.gpkg"));
  ASSERT_TRUE(files.ok()) << files.status();
  auto ds = Open(tmp.File("w.gpkg"));
  auto findings = ByField(ds->GetLayerByName("findings"), "rule");
  EXPECT_EQ(findings["CON001"]->GetFieldAsInteger("waived"), 1);
  EXPECT_EQ(findings["CON001"]->GetFieldAsInteger("failing"), 0);
  EXPECT_STREQ(findings["CON001"]->GetFieldAsString("waiver_reason"), "Island practice");
  auto terr = ByField(ds->GetLayerByName("pcn_territories"), "pcn_code");
  EXPECT_STREQ(terr["U00001"]->GetFieldAsString("verdict"), "PASS");  // waived: not counted
}

}  // namespace
}  // namespace pcnv::report
