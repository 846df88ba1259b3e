// Hostile geometry in the engine: WKB walked before GEOS parses it (geo/wkb_scan.h), invalid
// declared boundaries repaired and flagged rather than crashing the overlap rules
// (geo/repair.h), and a long GEOS operation stopped on its own thread by a stop token
// (geo/stop_token.h) while the same operation on another thread runs to the end.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/field_error.h"
#include "geo/geometry.h"
#include "geo/geos_handle.h"
#include "geo/repair.h"
#include "geo/stop_token.h"
#include "geo/wkb_scan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pcnv {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::string Wkb(const std::string& wkt) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? g->ToWkb() : "";
}

// A GeometryCollection nested `depth` deep around an empty one: 9 bytes a level.
std::string Nested(int depth) {
  std::string out;
  const char level[9] = {'\x01', '\x07', 0, 0, 0, '\x01', 0, 0, 0};
  for (int i = 0; i < depth; ++i) out.append(level, 9);
  const char empty[9] = {'\x01', '\x07', 0, 0, 0, 0, 0, 0, 0};
  out.append(empty, 9);
  return out;
}

TEST(ScanWkb, CountsVerticesPartsAndDepth) {
  absl::StatusOr<WkbShape> s =
      ScanWkb(Wkb("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 6,5 5),(5.2 5.2,5.5 5.2,5.5 "
                  "5.5,5.2 5.2)))"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->vertices, 13);
  EXPECT_EQ(s->parts, 6);  // the multipolygon, two polygons, three rings
  EXPECT_EQ(s->depth, 1);
  EXPECT_EQ(s->min_x, 0);
  EXPECT_EQ(s->min_y, 0);
  EXPECT_EQ(s->max_x, 6);
  EXPECT_EQ(s->max_y, 6);
  EXPECT_FALSE(s->non_finite);
  s = ScanWkb(Nested(kMaxWkbNesting));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->depth, kMaxWkbNesting);
}

TEST(ScanWkb, BoxesCoordinatesInEitherByteOrderAndFlagsNonFinite) {
  // A big-endian point (byte order 0) at 430000, 380000.
  const std::string big(
      "\x00\x00\x00\x00\x01\x41\x1a\x3e\xc0\x00\x00\x00\x00"
      "\x41\x17\x31\x80\x00\x00\x00\x00",
      21);
  absl::StatusOr<WkbShape> s = ScanWkb(big);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->min_x, 430000);
  EXPECT_EQ(s->max_y, 380000);
  std::string nan_point = Wkb("POINT(1 2)");
  const double nan = std::nan("");
  std::memcpy(nan_point.data() + 5, &nan, sizeof nan);  // x of a little-endian point
  s = ScanWkb(nan_point);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->non_finite);
  EXPECT_GT(s->min_x, s->max_x);  // its only point is left out of the box
}

TEST(ScanWkb, RefusesDeepNestingLyingCountsAndTrailingBytes) {
  absl::StatusOr<WkbShape> s = ScanWkb(Nested(kMaxWkbNesting + 1));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("collections nested more than 32 deep"));
  const std::string square = Wkb("POLYGON((0 0,4 0,4 4,0 4,0 0))");
  s = ScanWkb(square.substr(0, 9) + std::string("\xff\xff\xff\xff", 4));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("point count 4294967295 is more than"));
  s = ScanWkb(square + "xy");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("2 bytes after the end"));
  s = ScanWkb(square.substr(0, 7));  // inside the ring count
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("truncated"));
}

// 2 MB of nesting overflowed the stack in GEOS's recursive reader; now it never gets there.
TEST(ScanWkb, GeometryFromWkbRefusesWhatWouldOverflowGeos) {
  absl::StatusOr<Geometry> g = Geometry::FromWkb(Nested(230'000));
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(g.status().message(), HasSubstr("cannot parse WKB: collections nested more than"));
  std::string wkt;
  for (int i = 0; i < 100'000; ++i) wkt += "GEOMETRYCOLLECTION(";
  g = Geometry::FromWkt(wkt);
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.status().message(), HasSubstr("parentheses nested more than"));
  // A collection within the limit still parses.
  EXPECT_TRUE(Geometry::FromWkb(Nested(5)).ok());
}

DeclaredBoundary Boundary(const std::string& pcn, const std::string& wkt, int feature) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
  EXPECT_TRUE(g.ok()) << g.status();
  return {pcn, g.ok() ? *std::move(g) : Geometry(), feature, ""};
}

TEST(RepairDeclared, FlagsAndRepairsAnUnflaggedBowTie) {
  const std::vector<DeclaredBoundary> valid = {
      Boundary("U1", "POLYGON((0 0,10 0,10 10,0 10,0 0))", 1)};
  absl::StatusOr<std::optional<std::vector<DeclaredBoundary>>> r = RepairDeclared(valid);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->has_value());  // nothing to repair, nothing copied

  std::vector<DeclaredBoundary> given = valid;
  given.push_back(Boundary("U2", "POLYGON((0 0,10 10,10 0,0 10,0 0))", 2));
  r = RepairDeclared(given);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->has_value());
  const std::vector<DeclaredBoundary>& out = **r;
  EXPECT_EQ(out[0].invalid_reason, "");
  EXPECT_THAT(out[1].invalid_reason, HasSubstr("Self-intersection"));
  EXPECT_EQ(out[1].geometry.InvalidReason(), "");
  EXPECT_EQ(out[1].geometry.NumParts(), 2);  // the two triangles
  EXPECT_NEAR(out[1].geometry.Area(), 50, 1e-9);
}

TEST(RepairDeclared, RefusesWhatCannotBeRepairedNamingTheFeature) {
  const std::vector<DeclaredBoundary> given = {
      Boundary("U1", "POLYGON((0 0,10 0,10 10,0 10,0 0))", 1),
      Boundary("U2", "POLYGON((0 0,5 5,10 10,0 0))", 9)};
  absl::StatusOr<std::optional<std::vector<DeclaredBoundary>>> r = RepairDeclared(given);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  std::optional<FieldViolation> v = FieldViolationOf(r.status());
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->field, "declared.boundaries[1].geometry");
  EXPECT_THAT(v->why, HasSubstr("feature 9 (U2)"));
}

// Many overlapping circles: a unary union that takes GEOS a few seconds.
geos::GeomPtr ManyCircles() {
  auto ctx = geos::Context();
  std::vector<geos::GeomPtr> parts;
  for (int i = 0; i < 4000; ++i) {
    const double x = (i * 7919) % 1000, y = (i * 104729) % 1000;
    geos::GeomPtr centre = geos::MustMake(GEOSGeom_createPointFromXY_r(ctx, x, y), "point");
    parts.push_back(geos::MustMake(GEOSBuffer_r(ctx, centre.get(), 40, 16), "buffer"));
  }
  absl::StatusOr<geos::GeomPtr> c = geos::Collect(GEOS_GEOMETRYCOLLECTION, std::move(parts));
  EXPECT_TRUE(c.ok());
  return c.ok() ? *std::move(c) : nullptr;
}

TEST(StopToken, StopsGeosOnItsOwnThreadOnly) {
  const geos::GeomPtr circles = ManyCircles();
  ASSERT_NE(circles, nullptr);
  // How long the union takes uninterrupted, on another thread that has no token: it must run to
  // the end even while this thread's token stops GEOS here.
  std::atomic<bool> other_ok{false};
  double full_s = 0;
  std::thread other([&] {
    auto ctx = geos::Context();
    geos::GeomPtr copy = geos::Clone(circles.get());
    const auto start = Clock::now();
    geos::GeomPtr u(GEOSUnaryUnion_r(ctx, copy.get()));
    full_s = std::chrono::duration<double>(Clock::now() - start).count();
    other_ok = u != nullptr;
  });
  const auto start = Clock::now();
  const StopToken token([&] { return Clock::now() - start > std::chrono::milliseconds(100); });
  double stopped_s = 0;
  {
    const ScopedStopToken scope(&token);
    auto ctx = geos::Context();
    absl::StatusOr<geos::GeomPtr> u =
        geos::Made(GEOSUnaryUnion_r(ctx, circles.get()), "unary union");
    stopped_s = std::chrono::duration<double>(Clock::now() - start).count();
    ASSERT_FALSE(u.ok());
    EXPECT_THAT(u.status().message(), HasSubstr("interrupted"));
  }
  other.join();
  EXPECT_TRUE(other_ok);
  std::fprintf(stderr, "union: %.2f s whole, stopped after %.2f s\n", full_s, stopped_s);
  EXPECT_LT(stopped_s, 0.5);
  EXPECT_GT(full_s, 2 * stopped_s);
  // Out of the token's scope, GEOS on this thread runs normally again.
  absl::StatusOr<Geometry> pair =
      Geometry::FromWkt("MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((1 1,3 1,3 3,1 3,1 1)))");
  ASSERT_TRUE(pair.ok());
  geos::GeomPtr again(GEOSUnaryUnion_r(geos::Context(), pair->raw()));
  EXPECT_NE(again, nullptr) << geos::LastError();
}

}  // namespace
}  // namespace pcnv
