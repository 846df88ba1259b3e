// ReadVectorLayer and ParseLayerSpec: GeoJSON fixtures in both CRSs, make-valid repair, each
// malformed case, and the same layer through Shapefile, GeoPackage and FlatGeobuf.
#include <gdal.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "geo/io/readers.h"
#include "geo/io/versions.h"
#include "gtest/gtest.h"
#include "tests/io/io_test_util.h"
#include "tests/support/test_support.h"

namespace pcnv::io {
namespace {

using ::pcnv::testing::ExpectError;
using ::pcnv::testing::ExpectInvalid;
using ::pcnv::testing::TempDir;
using ::pcnv::testing::WriteFile;

// M15 4AB: lon -2.26046, lat 53.465578 -> BNG 382805.976 396568.9996
// (gdaltransform -s_srs EPSG:4326 -t_srs EPSG:27700 -output_xy, GDAL 3.6.2 on this machine).
constexpr double kM154abX = 382805.976, kM154abY = 396568.9996;

constexpr char kBngCrs[] =
    R"("crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},)";

std::string Feature(const std::string& props, const std::string& geometry) {
  return absl::StrCat(R"({"type": "Feature", "properties": {)", props, R"(}, "geometry": )",
                      geometry, "}");
}

std::string Collection(const std::vector<std::string>& features, const std::string& crs = "") {
  std::string out = absl::StrCat(R"({"type": "FeatureCollection", )", crs, R"("features": [)");
  for (size_t i = 0; i < features.size(); ++i) {
    if (i > 0) out += ",\n";
    out += features[i];
  }
  return out + "]}";
}

// An axis-aligned square in BNG metres.
std::string BngSquare(double x, double y, double side) {
  return absl::StrCat(R"({"type": "Polygon", "coordinates": [[[)", x, ",", y, "],[", x + side, ",",
                      y, "],[", x + side, ",", y + side, "],[", x, ",", y + side, "],[", x, ",", y,
                      "]]]}");
}

// The first coordinate of a geometry's WKT.
std::pair<double, double> FirstVertex(const Geometry& g) {
  std::string wkt = g.ToWkt(4);
  double x = 0, y = 0;
  size_t open = wkt.find_last_of('(', wkt.find(')'));
  EXPECT_EQ(std::sscanf(wkt.c_str() + open + 1, "%lf %lf", &x, &y), 2) << wkt;
  return {x, y};
}

// Copies a vector file with GDAL (what ogr2ogr does), e.g. to "ESRI Shapefile".
void Translate(const std::string& src, const std::string& dst, const char* format) {
  EnsureGdalRegistered();
  GDALDatasetH in = GDALOpenEx(src.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(in, nullptr) << src;
  char* argv[] = {const_cast<char*>("-f"), const_cast<char*>(format), nullptr};
  GDALVectorTranslateOptions* opts = GDALVectorTranslateOptionsNew(argv, nullptr);
  int err = 0;
  GDALDatasetH out = GDALVectorTranslate(dst.c_str(), nullptr, 1, &in, opts, &err);
  GDALVectorTranslateOptionsFree(opts);
  ASSERT_NE(out, nullptr) << dst;
  GDALClose(out);
  GDALClose(in);
}

// Writes a one-field ("code") polygon layer with GDAL; epsg 0 writes no CRS at all.
void WriteLayer(const std::string& path, const char* driver, int epsg,
                const std::vector<std::pair<std::string, std::string>>& code_wkt) {
  EnsureGdalRegistered();
  GDALDatasetH ds =
      GDALCreate(GDALGetDriverByName(driver), path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  ASSERT_NE(ds, nullptr) << path;
  OGRSpatialReferenceH srs = nullptr;
  if (epsg != 0) {
    srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, epsg);
  }
  OGRLayerH layer = GDALDatasetCreateLayer(ds, "layer", srs, wkbPolygon, nullptr);
  if (srs != nullptr) OSRRelease(srs);
  OGRFieldDefnH fld = OGR_Fld_Create("code", OFTString);
  ASSERT_EQ(OGR_L_CreateField(layer, fld, TRUE), OGRERR_NONE);
  OGR_Fld_Destroy(fld);
  for (const auto& [code, wkt] : code_wkt) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    OGR_F_SetFieldString(f, 0, code.c_str());
    OGRGeometryH g = nullptr;
    std::string text = wkt;
    char* p = text.data();
    ASSERT_EQ(OGR_G_CreateFromWkt(&p, nullptr, &g), OGRERR_NONE) << wkt;
    OGR_F_SetGeometryDirectly(f, g);
    ASSERT_EQ(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
}

class VectorReaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_.File(name);
    WriteFile(path, content);
    return path;
  }
  absl::StatusOr<VectorLayer> Read(const std::string& path, const std::string& field = "") {
    LayerSpec spec;
    spec.path = path;
    spec.code_field = field;
    return ReadVectorLayer(spec);
  }
  TempDir dir_;
};

TEST_F(VectorReaderTest, Wgs84GeoJsonIsReprojected) {
  std::string path =
      Write("lsoa.geojson",
            Collection({Feature(R"("lsoa11_code": "E01000001", "lsoa11_name": "Trafford 001")",
                                R"({"type": "Polygon", "coordinates": [[[-2.26046, 53.465578],
                              [-2.25, 53.465578], [-2.25, 53.47], [-2.26046, 53.47],
                              [-2.26046, 53.465578]]]})")}));
  auto layer = Read(path);
  PCNV_ASSERT_OK(layer);
  EXPECT_EQ(layer->code_field, "lsoa11_code");
  EXPECT_EQ(layer->source_crs, "EPSG:4326");
  ASSERT_EQ(layer->features.size(), 1u);
  const VectorFeature& f = layer->features[0];
  EXPECT_EQ(f.code, "E01000001");
  EXPECT_EQ(f.name, "Trafford 001");
  EXPECT_EQ(f.feature, 1);
  EXPECT_EQ(f.invalid_reason, "");
  auto [x, y] = FirstVertex(f.geometry);
  EXPECT_NEAR(x, kM154abX, 1.0);
  EXPECT_NEAR(y, kM154abY, 1.0);
  // About 0.7 km x 0.5 km.
  EXPECT_GT(f.geometry.Area(), 3.0e5);
  EXPECT_LT(f.geometry.Area(), 4.0e5);
}

TEST_F(VectorReaderTest, BngGeoJsonKeepsCoordinates) {
  std::string path =
      Write("icb.geojson",
            Collection({Feature(R"("OBJECTID": 1, "ICB22CD": "E54000050", "ICB22NM": "North East")",
                                BngSquare(400000, 500000, 1000)),
                        Feature(R"("OBJECTID": 2, "ICB22CD": "E54000051", "ICB22NM": "Cumbria")",
                                R"({"type": "MultiPolygon", "coordinates": [[[[401000, 500000],
                              [402000, 500000], [402000, 501000], [401000, 500000]]]]})")},
                       kBngCrs));
  auto layer = Read(path);
  PCNV_ASSERT_OK(layer);
  EXPECT_EQ(layer->code_field, "ICB22CD");
  EXPECT_EQ(layer->source_crs, "EPSG:27700");
  ASSERT_EQ(layer->features.size(), 2u);
  EXPECT_EQ(layer->features[0].name, "North East");
  EXPECT_DOUBLE_EQ(layer->features[0].geometry.Area(), 1.0e6);
  auto [x, y] = FirstVertex(layer->features[0].geometry);
  EXPECT_DOUBLE_EQ(x, 400000);
  EXPECT_DOUBLE_EQ(y, 500000);
  EXPECT_EQ(layer->features[1].geometry.TypeName(), "MultiPolygon");
  EXPECT_DOUBLE_EQ(layer->features[1].geometry.Area(), 0.5e6);
  EXPECT_EQ(layer->features[1].feature, 2);
}

TEST_F(VectorReaderTest, InvalidPolygonIsRepairedAndFlagged) {
  // A bow-tie: the ring crosses itself at (400005, 300005).
  std::string path =
      Write("bowtie.geojson",
            Collection({Feature(R"("code": "B1")", R"({"type": "Polygon", "coordinates": [[
                              [400000, 300000], [400010, 300010], [400010, 300000],
                              [400000, 300010], [400000, 300000]]]})"),
                        Feature(R"("code": "OK")", BngSquare(400020, 300000, 10))},
                       kBngCrs));
  auto layer = Read(path);
  PCNV_ASSERT_OK(layer);
  ASSERT_EQ(layer->features.size(), 2u);
  const VectorFeature& f = layer->features[0];
  EXPECT_THAT(f.invalid_reason, ::testing::HasSubstr("Self-intersection"));
  EXPECT_THAT(f.invalid_reason, ::testing::HasSubstr("400005"));
  EXPECT_EQ(f.geometry.InvalidReason(), "");
  EXPECT_EQ(f.geometry.NumParts(), 2);  // the two triangles
  EXPECT_NEAR(f.geometry.Area(), 50.0, 1e-6);
  EXPECT_EQ(layer->features[1].invalid_reason, "");
}

TEST_F(VectorReaderTest, GuessesCodeAndNameFields) {
  std::string path =
      Write("lad.geojson", Collection({Feature(R"("OBJECTID": 7, "LAD24CD": "E08000009",
                                                  "LAD24NM": "Trafford")",
                                               BngSquare(380000, 390000, 100))},
                                      kBngCrs));
  auto layer = Read(path);
  PCNV_ASSERT_OK(layer);
  EXPECT_EQ(layer->code_field, "LAD24CD");
  EXPECT_EQ(layer->features[0].name, "Trafford");

  path = Write("other.geojson",
               Collection({Feature(R"("id": 1, "WD23CD": "E05000001", "x_name": "Ward")",
                                   BngSquare(380000, 390000, 100))},
                          kBngCrs));
  layer = Read(path);
  PCNV_ASSERT_OK(layer);
  EXPECT_EQ(layer->code_field, "WD23CD");  // any field ending in CD
  EXPECT_EQ(layer->features[0].name, "Ward");

  // An explicit field wins over the guess, and is matched case-insensitively.
  layer = Read(path, "id");
  PCNV_ASSERT_OK(layer);
  EXPECT_EQ(layer->code_field, "id");
  EXPECT_EQ(layer->features[0].code, "1");
}

TEST_F(VectorReaderTest, FieldErrorsListTheFieldsThereAre) {
  std::string path = Write(
      "f.geojson",
      Collection({Feature(R"("id": 1, "label": "x")", BngSquare(380000, 390000, 100))}, kBngCrs));
  ExpectInvalid(Read(path), {path + ": cannot guess the code field (fields: id, label)"});
  ExpectInvalid(Read(path, "LSOA_CODE"),
                {path + ": no code field 'LSOA_CODE' (fields: id, label)"});
  LayerSpec spec{path, "id", "nope", ""};
  ExpectInvalid(ReadVectorLayer(spec), {path, "no name field 'nope'"});
}

TEST_F(VectorReaderTest, FeatureErrorsNameTheFeature) {
  const std::string ok = Feature(R"("code": "A1")", BngSquare(400000, 300000, 10));
  std::string path =
      Write("empty_code.geojson",
            Collection({ok, Feature(R"("code": " ")", BngSquare(1, 1, 1))}, kBngCrs));
  ExpectInvalid(Read(path), {path + " feature 2: field code: empty code"});

  path = Write("null.geojson", Collection({ok, Feature(R"("code": "A2")", "null")}, kBngCrs));
  ExpectInvalid(Read(path), {path + " feature 2 (A2): no geometry"});

  path = Write(
      "emptygeom.geojson",
      Collection({ok, Feature(R"("code": "A3")", R"({"type": "Polygon", "coordinates": []})")},
                 kBngCrs));
  ExpectInvalid(Read(path), {path + " feature 2 (A3): no geometry"});  // GDAL reads it as null

  path = Write("point.geojson",
               Collection({ok, ok,
                           Feature(R"("code": "A4")",
                                   R"({"type": "Point", "coordinates": [400000, 300000]})")},
                          kBngCrs));
  ExpectInvalid(Read(path), {path + " feature 3 (A4): geometry is Point, expected Polygon"});

  path = Write("line.geojson", Collection({Feature(R"("code": "A5")", R"({"type": "LineString",
                                   "coordinates": [[400000, 300000], [400001, 300001]]})")},
                                          kBngCrs));
  ExpectInvalid(Read(path), {path + " feature 1 (A5): geometry is Line String"});
}

TEST_F(VectorReaderTest, FileErrors) {
  std::string missing = dir_.File("missing.geojson");
  ExpectError(Read(missing), absl::StatusCode::kNotFound, {missing});
  std::string junk = Write("junk.geojson", "this is not json");
  ExpectInvalid(Read(junk), {junk, "cannot open"});
  std::string none = Write("none.geojson", Collection({}, kBngCrs));
  ExpectInvalid(Read(none), {none});
  LayerSpec spec{
      Write("l.geojson",
            Collection({Feature(R"("code": "A")", BngSquare(400000, 300000, 1))}, kBngCrs)),
      "", "", "nosuchlayer"};
  ExpectInvalid(ReadVectorLayer(spec), {spec.path, "no layer 'nosuchlayer'"});
}

TEST_F(VectorReaderTest, ShapefileWithoutPrjHasNoCrs) {
  std::string path = dir_.File("noprj.shp");
  WriteLayer(path, "ESRI Shapefile", 0, {{"A1", "POLYGON ((0 0, 1 0, 1 1, 0 0))"}});
  ExpectInvalid(Read(path), {path, "no CRS"});
}

TEST_F(VectorReaderTest, EmptyPolygonIsAnError) {
  // GeoJSON turns an empty polygon into no geometry; a GeoPackage keeps POLYGON EMPTY.
  std::string path = dir_.File("empty.gpkg");
  WriteLayer(path, "GPKG", 27700,
             {{"A1", "POLYGON ((0 0, 1 0, 1 1, 0 0))"}, {"A2", "POLYGON EMPTY"}});
  ExpectInvalid(Read(path), {path + " feature 2 (A2): empty geometry"});
}

TEST_F(VectorReaderTest, SameLayerThroughShapefileGeoPackageFlatGeobuf) {
  std::string src =
      Write("src.geojson",
            Collection({Feature(R"("lsoa21cd": "E01000001", "lsoa21nm": "One")",
                                R"({"type": "Polygon", "coordinates": [[[-2.26046, 53.465578],
                              [-2.25, 53.465578], [-2.25, 53.47], [-2.26046, 53.465578]]]})"),
                        Feature(R"("lsoa21cd": "E01000002", "lsoa21nm": "Two")",
                                R"({"type": "Polygon", "coordinates": [[[-2.25, 53.465578],
                              [-2.24, 53.465578], [-2.24, 53.47], [-2.25, 53.465578]]]})")}));
  auto expected = Read(src);
  PCNV_ASSERT_OK(expected);
  const std::vector<std::pair<std::string, const char*>> formats = {
      {"out.shp", "ESRI Shapefile"}, {"out.gpkg", "GPKG"}, {"out.fgb", "FlatGeobuf"}};
  for (const auto& [name, driver] : formats) {
    SCOPED_TRACE(driver);
    std::string path = dir_.File(name);
    Translate(src, path, driver);
    auto layer = Read(path);
    PCNV_ASSERT_OK(layer);
    EXPECT_EQ(layer->source_crs, "EPSG:4326");
    ASSERT_EQ(layer->features.size(), 2u);
    // FlatGeobuf stores features in spatial-index order, so match them by code.
    const VectorFeature* first = nullptr;
    for (const VectorFeature& f : layer->features) {
      const VectorFeature& e = expected->features[f.code == "E01000001" ? 0 : 1];
      EXPECT_EQ(f.code, e.code);
      EXPECT_EQ(f.name, e.name);
      EXPECT_NEAR(f.geometry.Area(), e.geometry.Area(), 1e-3);
      if (f.code == "E01000001") first = &f;
    }
    ASSERT_NE(first, nullptr);
    auto [x, y] = FirstVertex(first->geometry);
    EXPECT_NEAR(x, kM154abX, 1.0);
    EXPECT_NEAR(y, kM154abY, 1.0);
  }
}

TEST_F(VectorReaderTest, BngShapefileIsRecognised) {
  std::string src = Write(
      "bng.geojson",
      Collection({Feature(R"("ICB22CD": "E54000050")", BngSquare(400000, 500000, 1000))}, kBngCrs));
  std::string shp = dir_.File("bng.shp");
  Translate(src, shp, "ESRI Shapefile");
  auto layer = Read(shp);
  PCNV_ASSERT_OK(layer);
  EXPECT_EQ(layer->source_crs, "EPSG:27700");
  auto [x, y] = FirstVertex(layer->features[0].geometry);
  EXPECT_DOUBLE_EQ(x, 400000);
  EXPECT_DOUBLE_EQ(y, 500000);
}

// --- ParseLayerSpec -------------------------------------------------------------------------

TEST(ParseLayerSpecTest, SplitsAtTheLastColon) {
  auto spec = ParseLayerSpec("data/lsoa.shp:LSOA11CD");
  PCNV_ASSERT_OK(spec);
  EXPECT_EQ(spec->path, "data/lsoa.shp");
  EXPECT_EQ(spec->code_field, "LSOA11CD");

  spec = ParseLayerSpec("/data/a:b/lsoa.gpkg:code");
  PCNV_ASSERT_OK(spec);
  EXPECT_EQ(spec->path, "/data/a:b/lsoa.gpkg");
  EXPECT_EQ(spec->code_field, "code");
}

TEST(ParseLayerSpecTest, KeepsPathsWhoseColonIsNotAField) {
  auto spec = ParseLayerSpec("/data/lsoa.geojson");
  PCNV_ASSERT_OK(spec);
  EXPECT_EQ(spec->path, "/data/lsoa.geojson");
  EXPECT_EQ(spec->code_field, "");

  spec = ParseLayerSpec("/vsicurl/https://example.org/lsoa.fgb");
  PCNV_ASSERT_OK(spec);
  EXPECT_EQ(spec->path, "/vsicurl/https://example.org/lsoa.fgb");
  EXPECT_EQ(spec->code_field, "");

  spec = ParseLayerSpec("C:\\data\\lsoa.shp");
  PCNV_ASSERT_OK(spec);
  EXPECT_EQ(spec->code_field, "");
}

TEST(ParseLayerSpecTest, PostgresConnectionStringIsNeverSplit) {
  auto spec = ParseLayerSpec("PG:dbname=x");
  PCNV_ASSERT_OK(spec);
  EXPECT_EQ(spec->path, "PG:dbname=x");
  EXPECT_EQ(spec->code_field, "");
  spec = ParseLayerSpec("PG:host=db port=5432 dbname=geo tables=lsoa:code");
  PCNV_ASSERT_OK(spec);
  EXPECT_EQ(spec->path, "PG:host=db port=5432 dbname=geo tables=lsoa:code");
  EXPECT_EQ(spec->code_field, "");
}

TEST(ParseLayerSpecTest, Errors) {
  ExpectInvalid(ParseLayerSpec(""), {"empty layer spec"});
  ExpectInvalid(ParseLayerSpec("lsoa.shp:"), {"lsoa.shp:", "empty field name"});
}

}  // namespace
}  // namespace pcnv::io
