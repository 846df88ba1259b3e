// GeometryExporter: a known point against gdaltransform, RFC 7946 winding and rounding, WKB in
// WGS84, and the round trip through the readers (a territory written as GeoJSON and read back
// by ReadVectorLayer lands where it was).
#include "geo/io/geometry_export.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "geo/geometry.h"
#include "geo/io/readers.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace pcnv::io {
namespace {

using nlohmann::json;
using ::pcnv::testing::TempDir;
using ::pcnv::testing::WriteFile;

// M15 4AB: lon -2.26046, lat 53.465578 <-> BNG 382805.976 396568.9996
// (gdaltransform -s_srs EPSG:4326 -t_srs EPSG:27700, GDAL 3.6.2; as in vector_reader_test.cc).
constexpr double kM154abLon = -2.26046, kM154abLat = 53.465578;
constexpr double kM154abX = 382805.976, kM154abY = 396568.9996;

GeometryExporter Exporter(GeometryEncoding encoding, OutputCrs crs) {
  absl::StatusOr<GeometryExporter> e = GeometryExporter::Create({encoding, crs});
  EXPECT_TRUE(e.ok()) << e.status();
  return *std::move(e);
}

std::string Wkb(const std::string& wkt) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
  EXPECT_TRUE(g.ok()) << g.status();
  return g->ToWkb();
}

json GeoJson(const GeometryExporter& e, const std::string& wkt) {
  absl::StatusOr<std::string> text = e.Encode(Wkb(wkt));
  EXPECT_TRUE(text.ok()) << text.status();
  return json::parse(*text);
}

// Twice the signed area of a GeoJSON ring: positive when counterclockwise.
double SignedArea2(const json& ring) {
  double sum = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i) {
    sum += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
           ring[i + 1][0].get<double>() * ring[i][1].get<double>();
  }
  return sum;
}

// The most decimal places any coordinate of `text` is written with.
int MaxDecimals(const std::string& text) {
  int most = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '.') continue;
    int n = 0;
    while (i + 1 + n < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1 + n]))) {
      ++n;
    }
    most = std::max(most, n);
  }
  return most;
}

TEST(GeometryExport, KnownPointMatchesGdaltransform) {
  const GeometryExporter e = Exporter(GeometryEncoding::kGeoJson, OutputCrs::kWgs84);
  const json point = GeoJson(e, absl::StrCat("POINT (", kM154abX, " ", kM154abY, ")"));
  EXPECT_EQ(point["type"], "Point");
  EXPECT_NEAR(point["coordinates"][0].get<double>(), kM154abLon, 1e-6);  // longitude first
  EXPECT_NEAR(point["coordinates"][1].get<double>(), kM154abLat, 1e-6);

  double x = kM154abX, y = kM154abY;
  ASSERT_TRUE(e.TransformPoint(x, y).ok());
  EXPECT_NEAR(x, kM154abLon, 1e-6);
  EXPECT_NEAR(y, kM154abLat, 1e-6);
}

TEST(GeometryExport, GeoJsonPolygonsFollowTheRightHandRule) {
  const GeometryExporter e = Exporter(GeometryEncoding::kGeoJson, OutputCrs::kWgs84);
  // Exterior clockwise and hole counterclockwise (GEOS's normalised order): both turned round.
  const json polygon = GeoJson(e,
                               "POLYGON ((380000 390000, 380000 400000, 390000 400000, "
                               "390000 390000, 380000 390000), (382000 392000, 384000 392000, "
                               "384000 394000, 382000 394000, 382000 392000))");
  ASSERT_EQ(polygon["type"], "Polygon");
  ASSERT_EQ(polygon["coordinates"].size(), 2u);
  EXPECT_GT(SignedArea2(polygon["coordinates"][0]), 0);
  EXPECT_LT(SignedArea2(polygon["coordinates"][1]), 0);

  // Already right-handed: left alone. Every part of a multipolygon is wound.
  const json multi = GeoJson(e,
                             "MULTIPOLYGON (((380000 390000, 381000 390000, 381000 391000, "
                             "380000 390000)), ((385000 395000, 385000 396000, 386000 396000, "
                             "385000 395000)))");
  ASSERT_EQ(multi["type"], "MultiPolygon");
  ASSERT_EQ(multi["coordinates"].size(), 2u);
  for (const json& part : multi["coordinates"]) EXPECT_GT(SignedArea2(part[0]), 0);
  // Coordinates are lon/lat around Manchester.
  for (const json& xy : multi["coordinates"][0][0]) {
    EXPECT_NEAR(xy[0].get<double>(), -2.3, 0.2);
    EXPECT_NEAR(xy[1].get<double>(), 53.4, 0.2);
  }
}

TEST(GeometryExport, CoordinatesRoundedToTheStatedPrecision) {
  const std::string wkt = "LINESTRING (382805.976123 396568.999987, 382900.5 396600.25)";
  const GeometryExporter wgs84 = Exporter(GeometryEncoding::kGeoJson, OutputCrs::kWgs84);
  absl::StatusOr<std::string> degrees = wgs84.Encode(Wkb(wkt));
  ASSERT_TRUE(degrees.ok()) << degrees.status();
  EXPECT_EQ(MaxDecimals(*degrees), GeoJsonDecimals(OutputCrs::kWgs84)) << *degrees;

  const GeometryExporter bng =
      Exporter(GeometryEncoding::kGeoJson, OutputCrs::kBritishNationalGrid);
  absl::StatusOr<std::string> metres = bng.Encode(Wkb(wkt));
  ASSERT_TRUE(metres.ok()) << metres.status();
  EXPECT_EQ(MaxDecimals(*metres), GeoJsonDecimals(OutputCrs::kBritishNationalGrid)) << *metres;
  const json line = json::parse(*metres);
  EXPECT_EQ(line["type"], "LineString");
  EXPECT_DOUBLE_EQ(line["coordinates"][0][0].get<double>(), 382805.976);
  EXPECT_DOUBLE_EQ(line["coordinates"][0][1].get<double>(), 396569.0);
  EXPECT_DOUBLE_EQ(line["coordinates"][1][1].get<double>(), 396600.25);
}

TEST(GeometryExport, WkbInWgs84KeepsFullPrecision) {
  const GeometryExporter e = Exporter(GeometryEncoding::kWkb, OutputCrs::kWgs84);
  absl::StatusOr<std::string> wkb =
      e.Encode(Wkb(absl::StrCat("POINT (", kM154abX, " ", kM154abY, ")")));
  ASSERT_TRUE(wkb.ok()) << wkb.status();
  absl::StatusOr<Geometry> point = Geometry::FromWkb(*wkb);
  ASSERT_TRUE(point.ok()) << point.status();
  double lon = 0, lat = 0;
  ASSERT_EQ(std::sscanf(point->ToWkt(12).c_str(), "POINT (%lf %lf)", &lon, &lat), 2);
  EXPECT_NEAR(lon, kM154abLon, 1e-6);
  EXPECT_NEAR(lat, kM154abLat, 1e-6);
  // Not rounded to GeoJSON's 6 decimal places.
  EXPECT_NE(lon, std::round(lon * 1e6) / 1e6);
}

TEST(GeometryExport, BritishNationalGridWkbIsUnchanged) {
  const GeometryExporter e = Exporter(GeometryEncoding::kWkb, OutputCrs::kBritishNationalGrid);
  const std::string wkb = Wkb("POLYGON ((0 0, 0 10, 10 10, 10 0, 0 0))");
  absl::StatusOr<std::string> out = e.Encode(wkb);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, wkb);
}

TEST(GeometryExport, BytesThatAreNotWkbAreRefused) {
  const GeometryExporter e = Exporter(GeometryEncoding::kGeoJson, OutputCrs::kWgs84);
  absl::StatusOr<std::string> out = e.Encode("not wkb at all");
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("not a WKB geometry"), std::string::npos) << out.status();
}

TEST(GeometryExport, GeoJsonReadBackByTheReadersLandsWhereItWas) {
  // A territory-sized polygon with a hole, right-handed already so the comparison is vertex by
  // vertex: out as RFC 7946 GeoJSON, in again through ReadVectorLayer (EPSG:4326 -> 27700).
  const std::string wkt =
      "POLYGON ((380000 390000, 392000 390000, 392000 401000, 380000 401000, 380000 390000), "
      "(383000 393000, 383000 396000, 386000 396000, 386000 393000, 383000 393000))";
  const GeometryExporter e = Exporter(GeometryEncoding::kGeoJson, OutputCrs::kWgs84);
  absl::StatusOr<std::string> geojson = e.Encode(Wkb(wkt));
  ASSERT_TRUE(geojson.ok()) << geojson.status();
  TempDir tmp;
  const std::string path = tmp.File("territory.geojson");
  WriteFile(path,
            absl::StrCat(R"({"type": "FeatureCollection", "features": [{"type": "Feature", )",
                         R"("properties": {"code": "U00001"}, "geometry": )", *geojson, "}]}"));
  LayerSpec spec;
  spec.path = path;
  spec.code_field = "code";
  absl::StatusOr<VectorLayer> layer = ReadVectorLayer(spec);
  ASSERT_TRUE(layer.ok()) << layer.status();
  EXPECT_EQ(layer->source_crs, "EPSG:4326");
  ASSERT_EQ(layer->features.size(), 1u);
  const Geometry& back = layer->features[0].geometry;
  // 1e-6 degrees is at most 0.11 m, so every vertex rounds back to its whole metre.
  EXPECT_EQ(back.ToWkt(0), Geometry::FromWkt(wkt)->ToWkt(0));
  EXPECT_NEAR(back.Area(), Geometry::FromWkt(wkt)->Area(), 1e-5 * back.Area());
}

}  // namespace
}  // namespace pcnv::io
