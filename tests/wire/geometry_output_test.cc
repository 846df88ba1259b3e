// GeometryEncoder: the caller's geometry output applied to a whole reply (every Geometry and, in
// WGS84, every Point), the default leaving it byte for byte as it was, and a choice the server
// does not offer refused naming the field.
#include "wire/geometry_output.h"

#include <string>

#include "geo/field_error.h"
#include "geo/geometry.h"
#include "geo/report.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "wire/convert.h"

namespace pcnv::wire {
namespace {

Geometry Wkt(const std::string& wkt) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? *std::move(g) : Geometry();
}

// A reply with a territory, no share catchment, a finding with a place, one without, and a
// practice with a location, all near Manchester.
v1::ValidateResponse Reply() {
  Report report;
  PcnEntry pcn;
  pcn.code = "U00001";
  pcn.territory_geometry =
      Wkt("MULTIPOLYGON (((380000 390000, 380000 392000, 382000 392000, 382000 390000, "
          "380000 390000)))");
  report.pcns.push_back(pcn);
  Finding placed;
  placed.rule = "CON001";
  placed.pcn = "U00001";
  placed.geometry = Wkt("POLYGON ((381000 391000, 381500 391000, 381500 391500, 381000 391000))");
  report.findings.push_back(placed);
  Finding unplaced;
  unplaced.rule = "POP001";
  unplaced.pcn = "U00001";
  report.findings.push_back(unplaced);
  PracticeEntry practice;
  practice.code = "P00001";
  practice.location = Point{382805.976, 396568.9996};
  report.practices.push_back(practice);
  v1::ValidateResponse reply;
  ToProto(report, reply.mutable_report());
  return reply;
}

v1::ValidationOptions Options(v1::GeometryEncoding encoding, int srid) {
  v1::ValidationOptions options;
  options.mutable_geometry_output()->set_encoding(encoding);
  options.mutable_geometry_output()->set_srid(srid);
  return options;
}

absl::Status EncodeWith(const v1::ValidationOptions& options, v1::ValidateResponse& reply) {
  absl::StatusOr<GeometryEncoder> encoder = GeometryEncoder::FromOptions(options, "options");
  if (!encoder.ok()) return encoder.status();
  return encoder->Encode(reply);
}

TEST(GeometryOutput, DefaultLeavesTheReplyAsItWas) {
  const v1::ValidateResponse before = Reply();
  for (const v1::ValidationOptions& options :
       {v1::ValidationOptions(), Options(v1::GEOMETRY_ENCODING_WKB, 27700),
        Options(v1::GEOMETRY_ENCODING_UNSPECIFIED, 0)}) {
    v1::ValidateResponse reply = before;
    ASSERT_TRUE(EncodeWith(options, reply).ok());
    EXPECT_EQ(reply.SerializeAsString(), before.SerializeAsString());
  }
}

TEST(GeometryOutput, GeoJsonInWgs84ReachesEveryGeometryAndPoint) {
  v1::ValidateResponse reply = Reply();
  ASSERT_TRUE(EncodeWith(Options(v1::GEOMETRY_ENCODING_GEOJSON, 4326), reply).ok());
  const v1::Report& r = reply.report();

  const v1::Geometry& territory = r.pcns(0).territory_geometry();
  EXPECT_EQ(territory.srid(), 4326);
  EXPECT_TRUE(territory.wkb().empty());
  const nlohmann::json t = nlohmann::json::parse(territory.geojson());
  EXPECT_EQ(t["type"], "MultiPolygon");
  EXPECT_NEAR(t["coordinates"][0][0][0][0].get<double>(), -2.3, 0.1);  // longitude
  EXPECT_NEAR(t["coordinates"][0][0][0][1].get<double>(), 53.4, 0.1);  // latitude
  EXPECT_FALSE(r.pcns(0).has_share_catchment_geometry());              // absent stays absent

  ASSERT_EQ(r.findings_size(), 2);
  EXPECT_EQ(nlohmann::json::parse(r.findings(0).geometry().geojson())["type"], "Polygon");
  EXPECT_EQ(r.findings(0).geometry().srid(), 4326);
  EXPECT_FALSE(r.findings(1).has_geometry());

  ASSERT_EQ(r.practices_size(), 1);
  EXPECT_NEAR(r.practices(0).location().x(), -2.26046, 1e-6);
  EXPECT_NEAR(r.practices(0).location().y(), 53.465578, 1e-6);
}

TEST(GeometryOutput, WkbInWgs84) {
  v1::ValidateResponse reply = Reply();
  ASSERT_TRUE(EncodeWith(Options(v1::GEOMETRY_ENCODING_WKB, 4326), reply).ok());
  const v1::Geometry& territory = reply.report().pcns(0).territory_geometry();
  EXPECT_EQ(territory.srid(), 4326);
  EXPECT_TRUE(territory.geojson().empty());
  absl::StatusOr<Geometry> g = Geometry::FromWkb(territory.wkb());
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->TypeName(), "MultiPolygon");
  EXPECT_LT(g->Area(), 0.01);  // square degrees, not metres
}

TEST(GeometryOutput, GeoJsonInBritishNationalGridKeepsPointsInMetres) {
  v1::ValidateResponse reply = Reply();
  ASSERT_TRUE(EncodeWith(Options(v1::GEOMETRY_ENCODING_GEOJSON, 27700), reply).ok());
  const v1::Geometry& territory = reply.report().pcns(0).territory_geometry();
  EXPECT_EQ(territory.srid(), 27700);
  const nlohmann::json t = nlohmann::json::parse(territory.geojson());
  EXPECT_DOUBLE_EQ(t["coordinates"][0][0][0][0].get<double>(), 380000);
  EXPECT_DOUBLE_EQ(reply.report().practices(0).location().x(), 382805.976);
}

TEST(GeometryOutput, AChoiceNotOfferedIsRefusedNamingTheField) {
  v1::ValidateResponse reply = Reply();
  absl::Status s = EncodeWith(Options(v1::GEOMETRY_ENCODING_GEOJSON, 3857), reply);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(FieldViolationOf(s).has_value()) << s;
  EXPECT_EQ(FieldViolationOf(s)->field, "options.geometry_output.srid");
  EXPECT_NE(s.message().find("4326"), std::string::npos) << s;

  s = EncodeWith(Options(static_cast<v1::GeometryEncoding>(7), 4326), reply);
  ASSERT_TRUE(FieldViolationOf(s).has_value()) << s;
  EXPECT_EQ(FieldViolationOf(s)->field, "options.geometry_output.encoding");
}

}  // namespace
}  // namespace pcnv::wire
