// The GEOS funnel (geo/geos_handle.h): a failed GEOS call becomes an error naming the
// operation, never a null or 0 taken as a result; RAII types release what GEOS made.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "geo/geometry.h"
#include "geo/geos_handle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pcnv {
namespace {

using ::testing::HasSubstr;

TEST(GeosFunnelTest, InvalidWktIsAnErrorNotNull) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt("POLYGON ((0 0, 1 0");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(g.status().message(), HasSubstr("cannot parse WKT"));
}

TEST(GeosFunnelTest, InvalidWkbIsAnErrorNotNull) {
  for (const std::string wkb :
       {std::string(), std::string("\x01\x03\x00", 3), std::string("\x01\x63\x00\x00\x00", 5)}) {
    absl::StatusOr<Geometry> g = Geometry::FromWkb(wkb);
    ASSERT_FALSE(g.ok()) << wkb.size();
    EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(g.status().message(), HasSubstr("cannot parse WKB"));
  }
}

TEST(GeosFunnelTest, MadeNamesTheOperationAndGeosMessage) {
  // Provoke a real GEOS error, so that LastError() holds its message.
  auto ctx = geos::Context();
  geos::WktReaderPtr reader(GEOSWKTReader_create_r(ctx));
  ASSERT_NE(reader, nullptr);
  absl::StatusOr<geos::GeomPtr> g =
      geos::Made(GEOSWKTReader_read_r(ctx, reader.get(), "NOT WKT"), "read WKT");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(g.status().message(), HasSubstr("GEOS read WKT failed: "));
  EXPECT_THAT(g.status().message(), HasSubstr(geos::LastError()));
  EXPECT_NE(std::string(geos::LastError()), "");
}

TEST(GeosFunnelTest, MadeOwnsAGeometry) {
  absl::StatusOr<geos::GeomPtr> g =
      geos::Made(GEOSGeom_createPointFromXY_r(geos::Context(), 1, 2), "create point");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_NE(g->get(), nullptr);
}

TEST(GeosFunnelTest, PredicateTwoIsAnError) {
  EXPECT_EQ(geos::Test(1, "intersects").value(), true);
  EXPECT_EQ(geos::Test(0, "intersects").value(), false);
  absl::StatusOr<bool> failed = geos::Test(2, "intersects");
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(), HasSubstr("GEOS intersects failed"));
}

TEST(GeosFunnelTest, AccessorZeroIsAnError) {
  EXPECT_TRUE(geos::Succeeded(1, "area").ok());
  absl::Status failed = geos::Succeeded(0, "area");
  EXPECT_EQ(failed.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(failed.message(), HasSubstr("GEOS area failed"));
}

TEST(GeosFunnelTest, Measures) {
  absl::StatusOr<Geometry> square = Geometry::FromWkt("POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))");
  absl::StatusOr<Geometry> far = Geometry::FromWkt("POINT (5 2)");
  ASSERT_TRUE(square.ok() && far.ok());
  EXPECT_EQ(geos::Area(square->raw()).value(), 4);
  EXPECT_EQ(geos::Length(square->raw()).value(), 8);
  EXPECT_EQ(geos::Distance(square->raw(), far->raw()).value(), 3);
  EXPECT_EQ(geos::NumGeometries(square->raw()).value(), 1);
}

TEST(GeosFunnelTest, CollectAndMakePolygonTakeTheParts) {
  auto ctx = geos::Context();
  absl::StatusOr<Geometry> holed =
      Geometry::FromWkt("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 1 1))");
  ASSERT_TRUE(holed.ok());
  // The hole, copied out as a polygon of its own.
  absl::StatusOr<geos::GeomPtr> ring = geos::RingCopy(GEOSGetInteriorRingN_r(ctx, holed->raw(), 0));
  ASSERT_TRUE(ring.ok()) << ring.status();
  absl::StatusOr<geos::GeomPtr> hole = geos::MakePolygon(*std::move(ring), {});
  ASSERT_TRUE(hole.ok()) << hole.status();
  EXPECT_EQ(geos::Area(hole->get()).value(), 0.5);

  std::vector<geos::GeomPtr> parts;
  parts.push_back(geos::Clone(holed->raw()));
  parts.push_back(*std::move(hole));
  absl::StatusOr<geos::GeomPtr> multi = geos::Collect(GEOS_MULTIPOLYGON, std::move(parts));
  ASSERT_TRUE(multi.ok()) << multi.status();
  EXPECT_EQ(geos::NumGeometries(multi->get()).value(), 2);
  EXPECT_EQ(geos::Area(multi->get()).value(), 16);
}

TEST(GeosFunnelTest, RingCopyOfNothingIsAnError) { EXPECT_FALSE(geos::RingCopy(nullptr).ok()); }

TEST(GeosFunnelTest, BuffersAreFreedByRaii) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt("POINT (1 2)");
  ASSERT_TRUE(g.ok());
  geos::CharBuffer type(GEOSGeomType_r(geos::Context(), g->raw()));
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(std::string(type.get()), "Point");
  EXPECT_EQ(g->ToWkt(), "POINT (1 2)");
}

TEST(GeosFunnelDeathTest, MustMakeStopsOnNull) {
  EXPECT_DEATH(geos::MustMake(nullptr, "create point"), "GEOS create point failed");
}

}  // namespace
}  // namespace pcnv
