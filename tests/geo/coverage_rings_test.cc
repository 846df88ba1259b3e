// CoverageRings: unions joined from rings, checked against GEOS's union of the same areas (equal
// point sets, valid, the same parts and holes), on every subset of small grids and on areas with
// holes, islands and irregular contacts.
#include "geo/coverage_rings.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "geo/adjacency.h"
#include "geo/catchment.h"
#include "geo/geos_handle.h"
#include "geo/reference.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

using ::pcnv::testing::AreasFromWkt;
using ::pcnv::testing::Holes;
using ::pcnv::testing::SquareWkt;

struct Coverage {
  explicit Coverage(std::vector<Area> a)
      : areas(std::move(a)),
        graph(AreaAdjacency::Build(areas)),
        rings(CoverageRings::Build(areas, graph)) {}
  std::vector<Area> areas;
  AreaAdjacency graph;
  CoverageRings rings;
};

// The joined union of `subset` is valid and equals GEOS's union, part for part.
void ExpectLikeGeos(const Coverage& c, const std::vector<int>& subset) {
  const std::string what = ::testing::PrintToString(subset);
  std::optional<Geometry> joined = c.rings.Union(subset);
  ASSERT_TRUE(joined.has_value()) << what;
  std::vector<const Geometry*> polygons;
  for (int a : subset) polygons.push_back(&c.areas[a].geometry);
  const Geometry geos_union = UnionAreas(polygons);
  if (subset.empty()) {
    EXPECT_TRUE(joined->is_null()) << what;
    return;
  }
  EXPECT_EQ(joined->InvalidReason(), "") << what << " " << joined->ToWkt();
  EXPECT_EQ(GEOSEquals_r(geos::Context(), joined->raw(), geos_union.raw()), 1)
      << what << "\n joined " << joined->ToWkt() << "\n GEOS   " << geos_union.ToWkt();
  EXPECT_EQ(joined->NumParts(), geos_union.NumParts()) << what << " " << joined->ToWkt();
  EXPECT_EQ(Holes(*joined), Holes(geos_union)) << what << " " << joined->ToWkt();
  EXPECT_DOUBLE_EQ(joined->Area(), geos_union.Area()) << what;
}

std::vector<int> SubsetOf(uint32_t mask, int n) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) {
    if (mask & (1u << i)) out.push_back(i);
  }
  return out;
}

std::vector<Area> Grid(int width, int height) {
  std::vector<std::string> wkts;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) wkts.push_back(SquareWkt(x, y));
  }
  return AreasFromWkt(wkts);
}

// Every subset of a 3 x 3 grid: corners touching, holes, a hole touching the outside at a point.
TEST(CoverageRingsTest, EverySubsetOfAThreeByThreeGrid) {
  Coverage c(Grid(3, 3));
  EXPECT_EQ(c.rings.unjoinable_pairs(), 0u);
  for (uint32_t mask = 0; mask < (1u << 9); ++mask) ExpectLikeGeos(c, SubsetOf(mask, 9));
}

// Random subsets of a 5 x 5 grid: corner-touching lobes enclosing gaps, holes within holes.
TEST(CoverageRingsTest, RandomSubsetsOfAFiveByFiveGrid) {
  Coverage c(Grid(5, 5));
  std::mt19937 random(20261123);
  for (int i = 0; i < 1500; ++i) ExpectLikeGeos(c, SubsetOf(random() & ((1u << 25) - 1), 25));
}

// A ring of areas around an island of the set, inside a hole: shells inside holes.
TEST(CoverageRingsTest, IslandInsideAHole) {
  Coverage c(Grid(5, 5));
  std::vector<int> set;
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) {
      const bool border = x == 0 || y == 0 || x == 4 || y == 4;
      if (border || (x == 2 && y == 2)) set.push_back(y * 5 + x);
    }
  }
  ExpectLikeGeos(c, set);
  std::optional<Geometry> g = c.rings.Union(set);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->NumParts(), 2);
  EXPECT_EQ(Holes(*g), 1);
}

// Rings in either orientation, areas with holes and with several polygons.
TEST(CoverageRingsTest, HolesIslandsAndClockwiseRings) {
  Coverage c(AreasFromWkt({
      // 0: a 3 x 3 km square with a 1 km hole, drawn clockwise (GEOS keeps what it reads).
      "POLYGON((0 0,0 3000,3000 3000,3000 1000,3000 0,0 0),(1000 1000,2000 1000,2000 2000,"
      "1000 2000,1000 1000))",
      // 1: the enclave filling that hole.
      SquareWkt(1, 1),
      // 2: two islands east of 0, one touching it along an edge.
      "MULTIPOLYGON(((3000 0,4000 0,4000 1000,3000 1000,3000 0)),"
      "((5000 0,6000 0,6000 1000,5000 1000,5000 0)))",
  }));
  EXPECT_EQ(c.rings.unjoinable_pairs(), 0u);
  for (uint32_t mask = 0; mask < 8; ++mask) ExpectLikeGeos(c, SubsetOf(mask, 3));
  std::optional<Geometry> donut = c.rings.Union(std::vector<int>{0});
  ASSERT_TRUE(donut.has_value());
  EXPECT_EQ(Holes(*donut), 1);
  std::optional<Geometry> filled = c.rings.Union(std::vector<int>{0, 1});
  ASSERT_TRUE(filled.has_value());
  EXPECT_EQ(Holes(*filled), 0);
  EXPECT_EQ(filled->NumParts(), 1);
  std::optional<Geometry> all = c.rings.Union(std::vector<int>{2, 0, 1, 2});  // any order
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->NumParts(), 2);
  EXPECT_DOUBLE_EQ(all->Area(), 11e6);
}

// Pairs not noded alike cannot be joined from rings: Union says so rather than guess; each
// area alone, and sets without both of such a pair, still join.
TEST(CoverageRingsTest, IrregularContactsAreRefused) {
  Coverage c(AreasFromWkt({
      "POLYGON((0 0,2000 0,2000 1000,0 1000,0 0))",  // 0: no vertex at (1000, 1000) ...
      SquareWkt(0, 1),                               // 1, 2: ... on top: T-junction
      SquareWkt(1, 1),
      "POLYGON((2000 250,3000 250,3000 750,2000 750,2000 250))",  // 3: partly along 0's side
      "POLYGON((500 -500,1500 -500,1500 500,500 500,500 -500))",  // 4: overlaps 0
      SquareWkt(3, 0),  // 5: beside 3, whose side lies along part of 5's
  }));
  EXPECT_FALSE(c.rings.Union(std::vector<int>{0, 1}).has_value());
  EXPECT_FALSE(c.rings.Union(std::vector<int>{0, 2}).has_value());
  EXPECT_FALSE(c.rings.Union(std::vector<int>{0, 3}).has_value());
  EXPECT_FALSE(c.rings.Union(std::vector<int>{0, 4}).has_value());
  EXPECT_FALSE(c.rings.Union(std::vector<int>{3, 5}).has_value());
  for (int a = 0; a < 6; ++a) ExpectLikeGeos(c, {a});
  ExpectLikeGeos(c, {1, 2});
  ExpectLikeGeos(c, {1, 2, 3});
  // UnionOfAreas falls back to GEOS for the refused sets.
  ReferenceData ref(c.areas, {}, {}, {}, "", "");
  const Geometry fallback = UnionOfAreas(ref, std::vector<int>{0, 1, 2});
  EXPECT_EQ(fallback.InvalidReason(), "");
  EXPECT_DOUBLE_EQ(fallback.Area(), 4e6);
  // With regular areas too: those are joined from rings, the irregular ones merged by GEOS.
  EXPECT_EQ(c.rings.UnjoinableIn(std::vector<int>{0, 1, 2, 5}), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(c.rings.UnjoinableIn(std::vector<int>{1, 2, 5}), std::vector<int>{});
  std::vector<const Geometry*> all;
  for (const Area& a : c.areas) all.push_back(&a.geometry);
  const Geometry mixed = UnionOfAreas(ref, std::vector<int>{0, 1, 2, 3, 4, 5});
  EXPECT_EQ(mixed.InvalidReason(), "");
  EXPECT_EQ(GEOSEquals_r(geos::Context(), mixed.raw(), UnionAreas(all).raw()), 1) << mixed.ToWkt();
}

TEST(CoverageRingsTest, NestedAreasAreRefused) {
  Coverage c(
      AreasFromWkt({"POLYGON((0 0,10 0,10 10,0 10,0 0))", "POLYGON((2 2,3 2,3 3,2 3,2 2))"}));
  EXPECT_EQ(c.rings.unjoinable_pairs(), 1u);
  EXPECT_FALSE(c.rings.Union(std::vector<int>{0, 1}).has_value());
}

}  // namespace
}  // namespace pcnv
