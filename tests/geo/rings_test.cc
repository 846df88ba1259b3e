// The shared point-in-ring test (geo/rings.h): GEOS's ray crossing count with a robust
// orientation, on the boundary cases a plain crossing test gets wrong.
#include "geo/rings.h"

#include <vector>

#include "gtest/gtest.h"

namespace pcnv {
namespace {

// A 4 x 4 square, counter-clockwise, without the closing repeat.
const std::vector<Point> kSquare = {{0, 0}, {4, 0}, {4, 4}, {0, 4}};

Location Locate(const std::vector<Point>& ring, Point p) {
  return LocateInRing(geos::Context(), ring.data(), ring.size(), p);
}

TEST(RingsTest, InsideAndOutside) {
  EXPECT_EQ(Locate(kSquare, {2, 2}), Location::kInside);
  EXPECT_EQ(Locate(kSquare, {5, 2}), Location::kOutside);
  EXPECT_EQ(Locate(kSquare, {-1, 2}), Location::kOutside);
  EXPECT_EQ(Locate(kSquare, {2, 5}), Location::kOutside);
}

TEST(RingsTest, OnAnEdgeIsBoundary) {
  EXPECT_EQ(Locate(kSquare, {4, 2}), Location::kBoundary);  // vertical edge
  EXPECT_EQ(Locate(kSquare, {0, 1}), Location::kBoundary);
  EXPECT_EQ(Locate(kSquare, {2, 0}), Location::kBoundary);  // horizontal edges
  EXPECT_EQ(Locate(kSquare, {2, 4}), Location::kBoundary);
}

TEST(RingsTest, OnAVertexIsBoundary) {
  for (const Point& v : kSquare) EXPECT_EQ(Locate(kSquare, v), Location::kBoundary);
}

TEST(RingsTest, OnASlopedEdgeIsBoundary) {
  // (0.1, 0.1) to (0.3, 0.3): the midpoint is not exact in binary, and a plain crossing test
  // (x against the interpolated edge) can call it either side.
  const std::vector<Point> triangle = {{0.1, 0.1}, {1, 0.1}, {0.3, 0.3}};
  EXPECT_EQ(Locate(triangle, {0.2, 0.2}), Location::kBoundary);
  EXPECT_EQ(Locate(triangle, {0.5, 0.15}), Location::kInside);
}

TEST(RingsTest, RayThroughAVertexCountsOnce) {
  // A diamond with vertices on the ray y = 2 (its left and right corners): each is shared by
  // two segments, and the pair counts once, so the parity stays right.
  const std::vector<Point> diamond = {{2, 0}, {4, 2}, {2, 4}, {0, 2}};
  EXPECT_EQ(Locate(diamond, {2, 2}), Location::kInside);
  EXPECT_EQ(Locate(diamond, {-1, 2}), Location::kOutside);
  EXPECT_EQ(Locate(diamond, {5, 2}), Location::kOutside);
  // A ray that only touches the top vertex, the ring staying below it: no crossing.
  EXPECT_EQ(Locate(diamond, {1, 4}), Location::kOutside);
}

TEST(RingsTest, RayAlongAHorizontalEdge) {
  // A ring with a horizontal edge at y = 2 to the right of the points.
  const std::vector<Point> step = {{0, 0}, {6, 0}, {6, 2}, {4, 2}, {4, 4}, {0, 4}};
  EXPECT_EQ(Locate(step, {1, 2}), Location::kInside);
  EXPECT_EQ(Locate(step, {5, 1}), Location::kInside);
  EXPECT_EQ(Locate(step, {5, 3}), Location::kOutside);
  EXPECT_EQ(Locate(step, {5, 2}), Location::kBoundary);
  EXPECT_EQ(Locate(step, {7, 2}), Location::kOutside);
}

TEST(RingsTest, DirectionAndClosingRepeatDoNotMatter) {
  std::vector<Point> clockwise(kSquare.rbegin(), kSquare.rend());
  std::vector<Point> closed = kSquare;
  closed.push_back(kSquare.front());
  for (const auto& ring : {clockwise, closed}) {
    EXPECT_EQ(Locate(ring, {2, 2}), Location::kInside);
    EXPECT_EQ(Locate(ring, {5, 2}), Location::kOutside);
    EXPECT_EQ(Locate(ring, {4, 4}), Location::kBoundary);
  }
}

TEST(RingsTest, HolesFlipInsideToOutside) {
  // A polygon with a hole: its shell and hole fed to one counter.
  const std::vector<Point> hole = {{1, 1}, {1, 3}, {3, 3}, {3, 1}};
  auto locate = [&](Point p) {
    RayCrossingCounter counter(geos::Context(), p);
    counter.AddRing(kSquare.data(), kSquare.size());
    counter.AddRing(hole.data(), hole.size());
    return counter.location();
  };
  EXPECT_EQ(locate({2, 2}), Location::kOutside);  // in the hole
  EXPECT_EQ(locate({0.5, 2}), Location::kInside);
  EXPECT_EQ(locate({3.5, 2}), Location::kInside);
  EXPECT_EQ(locate({1, 2}), Location::kBoundary);  // on the hole's ring
  EXPECT_EQ(locate({3, 3}), Location::kBoundary);  // the hole's vertex
  EXPECT_EQ(locate({5, 2}), Location::kOutside);
}

TEST(RingsTest, SegmentsOneByOne) {
  RayCrossingCounter counter(geos::Context(), {2, 2});
  counter.Add(0, 0, 4, 0);
  counter.Add(4, 0, 4, 4);
  counter.Add(4, 4, 0, 4);
  counter.Add(0, 4, 0, 0);
  EXPECT_EQ(counter.location(), Location::kInside);
}

TEST(RingsTest, EmptyRingHoldsNothing) {
  EXPECT_EQ(LocateInRing(geos::Context(), nullptr, 0, {0, 0}), Location::kOutside);
}

TEST(RingsTest, OrientationIsExactNearCollinear) {
  auto ctx = geos::Context();
  EXPECT_EQ(Orientation(ctx, 0, 0, 1, 0, 0.5, 1), 1);
  EXPECT_EQ(Orientation(ctx, 0, 0, 1, 0, 0.5, -1), -1);
  EXPECT_EQ(Orientation(ctx, 0, 0, 1, 0, 2, 0), 0);
  // Collinear in exact arithmetic but not in naive doubles.
  EXPECT_EQ(Orientation(ctx, 0.1, 0.1, 0.3, 0.3, 0.2, 0.2), 0);
}

}  // namespace
}  // namespace pcnv
