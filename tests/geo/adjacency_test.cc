// AreaAdjacency: neighbours, shared lengths and kinds on WKT fixtures, against GEOS's own union.
#include "geo/adjacency.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "geo/geos_handle.h"
#include "geo/reference.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

using ::pcnv::testing::AreasFromWkt;
using ::pcnv::testing::SquareWkt;

// The neighbour entry of `b` in a's list, or null.
const AreaNeighbour* Find(const AreaAdjacency& g, int a, int b) {
  for (const AreaNeighbour& nb : g.Of(a)) {
    if (nb.area == b) return &nb;
  }
  return nullptr;
}

void ExpectPair(const AreaAdjacency& g, int a, int b, double length, bool edge) {
  for (auto [x, y] : {std::make_pair(a, b), std::make_pair(b, a)}) {
    const AreaNeighbour* nb = Find(g, x, y);
    ASSERT_NE(nb, nullptr) << x << " -> " << y;
    EXPECT_EQ(nb->shared_length_m, length) << x << " -> " << y;
    EXPECT_EQ(nb->edge, edge) << x << " -> " << y;
  }
}

void ExpectSortedLists(const AreaAdjacency& g) {
  for (size_t a = 0; a < g.areas(); ++a) {
    std::span<const AreaNeighbour> list = g.Of(static_cast<int>(a));
    for (size_t k = 1; k < list.size(); ++k) EXPECT_LT(list[k - 1].area, list[k].area) << a;
    for (const AreaNeighbour& nb : list) EXPECT_NE(nb.area, static_cast<int>(a));
  }
}

// 1 km squares: 0 (0,0), 1 (1,0), 2 (0,1), 3 (1,1), and 4 (2,2) touching 3 at a corner only.
std::vector<Area> Grid() {
  return AreasFromWkt(
      {SquareWkt(0, 0), SquareWkt(1, 0), SquareWkt(0, 1), SquareWkt(1, 1), SquareWkt(2, 2)});
}

TEST(AdjacencyTest, GridSquaresShareEdgesAndCorners) {
  std::vector<Area> areas = Grid();
  AreaAdjacency g = AreaAdjacency::Build(areas);
  ASSERT_EQ(g.areas(), 5u);
  EXPECT_EQ(g.edges(), 7u);
  EXPECT_EQ(g.point_contacts(), 3u);
  EXPECT_EQ(g.geos_fallbacks(), 0u);
  ExpectPair(g, 0, 1, 1000, true);
  ExpectPair(g, 0, 2, 1000, true);
  ExpectPair(g, 1, 3, 1000, true);
  ExpectPair(g, 2, 3, 1000, true);
  ExpectPair(g, 0, 3, 0, false);  // diagonal
  ExpectPair(g, 1, 2, 0, false);  // diagonal
  ExpectPair(g, 3, 4, 0, false);
  EXPECT_EQ(Find(g, 0, 4), nullptr);
  ASSERT_EQ(g.Of(0).size(), 3u);
  EXPECT_EQ(g.Of(0)[0].area, 1);
  EXPECT_EQ(g.Of(0)[1].area, 2);
  EXPECT_EQ(g.Of(0)[2].area, 3);
  ASSERT_EQ(g.Of(4).size(), 1u);
  ExpectSortedLists(g);

  EXPECT_EQ(areas[0].perimeter_m, 4000);
  EXPECT_EQ(UnionPerimeter(areas, g, {0, 1, 2, 3}), 8000);
  EXPECT_EQ(UnionPerimeter(areas, g, {0, 1}), 6000);
  EXPECT_EQ(UnionPerimeter(areas, g, {0, 3}), 8000);  // corners share no length
}

TEST(AdjacencyTest, ConnectedComponentsWithAndWithoutPointJoins) {
  AreaAdjacency g = AreaAdjacency::Build(Grid());
  using Components = std::vector<std::vector<int>>;
  EXPECT_EQ(ConnectedComponents(g, {0, 1, 2, 3, 4}, false), (Components{{0, 1, 2, 3}, {4}}));
  EXPECT_EQ(ConnectedComponents(g, {0, 1, 2, 3, 4}, true), (Components{{0, 1, 2, 3, 4}}));
  // The diagonal pair: two parts unless corners join them.
  EXPECT_EQ(ConnectedComponents(g, {0, 3}, false), (Components{{0}, {3}}));
  EXPECT_EQ(ConnectedComponents(g, {0, 3}, true), (Components{{0, 3}}));
  // Only neighbours inside the set count: 1 and 2 meet at a corner; 0 and 3 are left out.
  EXPECT_EQ(ConnectedComponents(g, {1, 2, 4}, false), (Components{{1}, {2}, {4}}));
  EXPECT_EQ(ConnectedComponents(g, {1, 2, 4}, true), (Components{{1, 2}, {4}}));
  // Order and duplicates in the input do not matter.
  EXPECT_EQ(ConnectedComponents(g, {4, 3, 0, 3, 1}, false), (Components{{0, 1, 3}, {4}}));
  EXPECT_EQ(ConnectedComponents(g, {}, true), Components{});
}

TEST(AdjacencyTest, OverlapNestingAndDisjoint) {
  std::vector<Area> areas = AreasFromWkt({
      "POLYGON((0 0,10 0,10 10,0 10,0 0))",
      "POLYGON((5 5,15 5,15 15,5 15,5 5))",          // overlaps 0: boundaries cross at 2 points
      "POLYGON((2 2,3 2,3 3,2 3,2 2))",              // inside 0, boundaries never meet
      "POLYGON((100 100,101 100,101 101,100 100))",  // far from everything
      "POLYGON((10 0,20 0,20 2,10 2,10 0))",         // beside 0: 2 m along 0's 10 m edge
  });
  AreaAdjacency g = AreaAdjacency::Build(areas);
  ExpectPair(g, 0, 1, 0, true);  // interiors overlap: their union is one polygon
  ExpectPair(g, 0, 2, 0, true);  // nested: the same
  ExpectPair(g, 0, 4, 2, true);
  EXPECT_EQ(Find(g, 1, 2), nullptr);
  EXPECT_EQ(Find(g, 1, 4), nullptr);
  EXPECT_TRUE(g.Of(3).empty());
  EXPECT_EQ(g.edges(), 3u);
  EXPECT_EQ(g.point_contacts(), 0u);
  EXPECT_EQ(g.geos_fallbacks(), 2u);  // 0-1: crossing boundaries; 0-4: partly collinear edges
  EXPECT_FALSE(Find(g, 0, 1)->noded);
  EXPECT_FALSE(Find(g, 4, 0)->noded);
  EXPECT_TRUE(Find(g, 0, 2)->noded);  // decided without GEOS, but the interiors overlap
  ExpectSortedLists(g);
}

TEST(AdjacencyTest, CollinearOverlapsAndTJunctionsFallBackToGeos) {
  std::vector<Area> areas = AreasFromWkt({
      // A 2 x 1 rectangle with no vertex at (1, 1) ...
      "POLYGON((0 0,2 0,2 1,0 1,0 0))",
      // ... under two unit squares: their shared edges with it meet it at a T-junction.
      "POLYGON((0 1,1 1,1 2,0 2,0 1))",
      "POLYGON((1 1,2 1,2 2,1 2,1 1))",
      // Beside the rectangle, its left edge partly along the rectangle's right edge.
      "POLYGON((2 0.25,3 0.25,3 0.75,2 0.75,2 0.25))",
  });
  AreaAdjacency g = AreaAdjacency::Build(areas);
  ExpectPair(g, 0, 1, 1, true);
  ExpectPair(g, 0, 2, 1, true);
  ExpectPair(g, 1, 2, 1, true);  // noded alike: no fallback needed
  ExpectPair(g, 0, 3, 0.5, true);
  EXPECT_EQ(Find(g, 2, 3), nullptr);  // 3 stops short of 2's corner (2, 1)
  EXPECT_EQ(g.edges(), 4u);
  EXPECT_EQ(g.geos_fallbacks(), 3u);
  EXPECT_FALSE(Find(g, 0, 1)->noded);
  EXPECT_FALSE(Find(g, 0, 2)->noded);
  EXPECT_FALSE(Find(g, 0, 3)->noded);
  EXPECT_TRUE(Find(g, 1, 2)->noded);
}

TEST(AdjacencyTest, FromPairsRoundTripAndErrors) {
  AreaAdjacency built = AreaAdjacency::Build(Grid());
  std::vector<AreaPair> pairs = built.Pairs();
  ASSERT_EQ(pairs.size(), 7u);
  EXPECT_EQ(pairs[0].a, 0);
  EXPECT_EQ(pairs[0].b, 1);
  absl::StatusOr<AreaAdjacency> loaded = AreaAdjacency::FromPairs(5, pairs);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  for (int a = 0; a < 5; ++a) {
    ASSERT_EQ(loaded->Of(a).size(), built.Of(a).size());
    for (size_t k = 0; k < built.Of(a).size(); ++k) {
      EXPECT_EQ(loaded->Of(a)[k].area, built.Of(a)[k].area);
      EXPECT_EQ(loaded->Of(a)[k].shared_length_m, built.Of(a)[k].shared_length_m);
      EXPECT_EQ(loaded->Of(a)[k].edge, built.Of(a)[k].edge);
    }
  }
  // Any order in, sorted lists out.
  std::vector<AreaPair> reversed(pairs.rbegin(), pairs.rend());
  absl::StatusOr<AreaAdjacency> from_reversed = AreaAdjacency::FromPairs(5, reversed);
  ASSERT_TRUE(from_reversed.ok()) << from_reversed.status();
  EXPECT_EQ(from_reversed->Pairs().size(), pairs.size());
  ExpectSortedLists(*from_reversed);

  auto error = [](size_t n, std::vector<AreaPair> p) {
    return std::string(AreaAdjacency::FromPairs(n, p).status().message());
  };
  EXPECT_EQ(error(2, {{0, 5, 1, true}}), "pair 1: area index 5 out of range (2 areas)");
  EXPECT_EQ(error(2, {{0, 1, 1, true}, {1, 0, 1, true}}),
            "pair 2: areas 1 and 0 not in ascending order");
  EXPECT_EQ(error(3, {{0, 1, 1, true}, {1, 2, 1, true}, {0, 1, 2, true}}),
            "pair 3: areas 0 and 1 already paired by pair 1");
  EXPECT_EQ(error(2, {{0, 1, -1, true}}), "pair 1: shared length -1 is not >= 0");
  EXPECT_EQ(AreaAdjacency::FromPairs(0, {})->areas(), 0u);
}

// An irregular coverage: five polygons noded alike, one touching two of them at a corner only,
// one far away and one meeting another at a T-junction.
std::vector<Area> Irregular() {
  return AreasFromWkt({
      "POLYGON((0 0,4.3 0,3.7 3.1,0 4.2,0 0))",
      "POLYGON((4.3 0,10 0,10 3.9,6.2 4.4,3.7 3.1,4.3 0))",
      "POLYGON((0 4.2,3.7 3.1,6.2 4.4,5.1 7.3,0 6.8,0 4.2))",
      "POLYGON((6.2 4.4,10 3.9,10 10,5.1 7.3,6.2 4.4))",
      "POLYGON((0 6.8,5.1 7.3,10 10,0 10,0 6.8))",
      "POLYGON((10 10,12 10.5,11 12,10 10))",
      "POLYGON((20 20,22 20,21 23,20 20))",
      "POLYGON((10 1,13 1,13 2.5,10 2.5,10 1))",
  });
}

TEST(AdjacencyTest, IrregularCoverageLengths) {
  std::vector<Area> areas = Irregular();
  AreaAdjacency g = AreaAdjacency::Build(areas);
  auto length = [](double x0, double y0, double x1, double y1) {
    return std::sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
  };
  ExpectPair(g, 0, 1, length(4.3, 0, 3.7, 3.1), true);
  ExpectPair(g, 0, 2, length(3.7, 3.1, 0, 4.2), true);
  ExpectPair(g, 3, 4, length(5.1, 7.3, 10, 10), true);
  ExpectPair(g, 3, 5, 0, false);
  ExpectPair(g, 4, 5, 0, false);
  EXPECT_EQ(Find(g, 0, 3), nullptr);
  EXPECT_TRUE(g.Of(6).empty());
  const AreaNeighbour* t = Find(g, 1, 7);
  ASSERT_NE(t, nullptr);
  EXPECT_NEAR(t->shared_length_m, 1.5, 1e-12);
  EXPECT_TRUE(t->edge);
  ExpectSortedLists(g);
}

// For every subset of the irregular fixture: the polygons of GEOS's union of the subset are
// its edge-connected components, and the union's perimeter is the graph's arithmetic.
TEST(AdjacencyTest, UnionPartsAreEdgeConnectedComponents) {
  std::vector<Area> areas = Irregular();
  AreaAdjacency g = AreaAdjacency::Build(areas);
  auto ctx = geos::Context();
  const int n = static_cast<int>(areas.size());
  for (int mask = 1; mask < (1 << n); ++mask) {
    std::vector<int> subset;
    std::vector<GEOSGeometry*> parts;
    for (int a = 0; a < n; ++a) {
      if ((mask & (1 << a)) == 0) continue;
      subset.push_back(a);
      parts.push_back(GEOSGeom_clone_r(ctx, areas[a].geometry.raw()));
    }
    geos::GeomPtr collection(
        GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(), parts.size()));
    Geometry u = Geometry::Adopt(GEOSUnaryUnion_r(ctx, collection.get()));
    ASSERT_FALSE(u.is_null());
    EXPECT_EQ(static_cast<size_t>(u.NumParts()), ConnectedComponents(g, subset, false).size())
        << "subset " << mask;
    const double perimeter = BoundaryLength(u);
    EXPECT_NEAR(UnionPerimeter(areas, g, subset), perimeter, 1e-9 * perimeter) << "subset " << mask;
  }
}

TEST(AdjacencyTest, EmptyAndMissingGeometries) {
  std::vector<Area> areas = Grid();
  areas.insert(areas.begin() + 1, Area{"NULL", "", Geometry(), 0});
  AreaAdjacency g = AreaAdjacency::Build(areas);
  EXPECT_EQ(g.areas(), 6u);
  EXPECT_TRUE(g.Of(1).empty());
  ExpectPair(g, 0, 2, 1000, true);
  EXPECT_EQ(AreaAdjacency::Build(std::vector<Area>{}).areas(), 0u);
  EXPECT_EQ(AreaAdjacency().edges(), 0u);
}

TEST(AdjacencyTest, ReferenceDataHoldsTheGraphAndPerimeters) {
  std::shared_ptr<const ReferenceData> ref =
      testing::MakeReference({{"E01", 0, 0}, {"E02", 1, 0}, {"E03", 5, 5}});
  EXPECT_EQ(ref->adjacency().areas(), 3u);
  EXPECT_EQ(ref->adjacency().edges(), 1u);
  EXPECT_EQ(ref->areas()[0].perimeter_m, 4000);

  // Given precomputed parts that fit, the snapshot keeps them as they are.
  std::vector<Area> areas = Grid();
  absl::StatusOr<AreaAdjacency> stored = AreaAdjacency::FromPairs(5, {{0, 4, 12.5, false}});
  ASSERT_TRUE(stored.ok());
  FootprintLayer layer{FootprintKind::kIcb, {}};
  layer.footprints.push_back(
      {"Q1", "", *Geometry::FromWkt("POLYGON((0 0,9000 0,9000 9000,0 9000,0 0))")});
  FootprintShares shares(1, std::vector<std::vector<AreaShare>>(5, {{0, 0.25}}));
  PrecomputedGeometry pre{*stored, shares};
  ReferenceData given(areas, {layer}, {}, {}, "", "", {}, pre);
  EXPECT_EQ(given.adjacency().edges(), 1u);
  EXPECT_EQ(given.adjacency().Of(0)[0].shared_length_m, 12.5);
  EXPECT_EQ(given.FootprintSharesOf(0, 3)[0].fraction, 0.25);

  // Parts that do not fit (wrong sizes) are computed instead.
  absl::StatusOr<AreaAdjacency> small = AreaAdjacency::FromPairs(2, {{0, 1, 1, true}});
  PrecomputedGeometry wrong{*small, FootprintShares(2)};
  ReferenceData computed(areas, {layer}, {}, {}, "", "", {}, wrong);
  EXPECT_EQ(computed.adjacency().edges(), 7u);
  EXPECT_EQ(computed.FootprintSharesOf(0, 3)[0].fraction, 1.0);
}

}  // namespace
}  // namespace pcnv
