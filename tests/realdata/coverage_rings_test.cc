// Unions joined from rings (geo/coverage_rings.h) on a real coverage: the Greater Manchester
// LSOA 2021 generalised layer (1,702 areas, 4 invalid polygons repaired, reprojected from
// EPSG:4326). Territory-like sets (grown from a seed through neighbours) and scattered sets are
// joined and compared with GEOS's union of the same polygons: equal, valid, the same parts and
// holes. Sets holding a pair the rings cannot join must be refused, never answered wrongly.
#include "geo/coverage_rings.h"

#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "geo/catchment.h"
#include "geo/geos_handle.h"
#include "geo/io/reference_store.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"
#include "tests/realdata/realdata_util.h"
#include "tests/support/test_support.h"

namespace pcnv::realdata {
namespace {

using ::pcnv::testing::Holes;

// A connected set of about `size` areas grown from `seed` through edge neighbours, in random
// order (a territory's shape), plus a few areas anywhere (its outlying patients).
std::vector<int> TerritoryLike(const ReferenceData& ref, int seed, size_t size, int outliers,
                               std::mt19937& random) {
  std::vector<int> set{seed};
  std::vector<bool> in(ref.areas().size(), false);
  in[seed] = true;
  std::vector<int> frontier{seed};
  while (set.size() < size && !frontier.empty()) {
    const size_t pick = random() % frontier.size();
    const int a = frontier[pick];
    frontier[pick] = frontier.back();
    frontier.pop_back();
    for (const AreaNeighbour& nb : ref.adjacency().Of(a)) {
      if (in[nb.area] || !nb.edge || set.size() >= size) continue;
      in[nb.area] = true;
      set.push_back(nb.area);
      frontier.push_back(nb.area);
    }
  }
  for (int i = 0; i < outliers; ++i) {
    const int a = static_cast<int>(random() % ref.areas().size());
    if (!in[a]) {
      in[a] = true;
      set.push_back(a);
    }
  }
  std::sort(set.begin(), set.end());
  return set;
}

TEST(CoverageRingsRealDataTest, GreaterManchesterUnionsEqualGeos) {
  PCNV_REQUIRE_REAL_DATA();
  io::ReferenceSources src;
  src.areas = io::LayerSpec{
      ::pcnv::testing::SharedData() + "/greater_manchester/lsoa_2021_gm_lsoa_generalised.geojson",
      "area_code", "", ""};
  auto ref = io::BuildReference(src);
  ASSERT_TRUE(ref.ok()) << ref.status();
  const ReferenceData& r = **ref;
  const CoverageRings& rings = r.coverage_rings();
  std::cout << "[coverage rings] Greater Manchester: " << r.areas().size() << " areas, "
            << rings.vertices() << " vertices, " << r.adjacency().edges() << " neighbouring pairs, "
            << rings.unjoinable_pairs() << " not joinable from rings\n";
  EXPECT_LT(rings.unjoinable_pairs(), r.adjacency().edges() / 20);

  std::mt19937 random(1702);
  int joined_count = 0, refused = 0;
  double joined_seconds = 0, geos_seconds = 0;
  for (int i = 0; i < 300; ++i) {
    const int seed = static_cast<int>(random() % r.areas().size());
    const size_t size = 1 + random() % 250;
    const std::vector<int> set =
        TerritoryLike(r, seed, size, static_cast<int>(random() % 12), random);
    Stopwatch joined_watch;
    std::optional<Geometry> joined = rings.Union(set);
    joined_seconds += joined_watch.Seconds();
    std::vector<const Geometry*> polygons;
    for (int a : set) polygons.push_back(&r.areas()[a].geometry);
    Stopwatch geos_watch;
    const Geometry expected = UnionAreas(polygons);
    geos_seconds += geos_watch.Seconds();
    if (!joined) {
      ++refused;
      continue;
    }
    ++joined_count;
    ASSERT_EQ(joined->InvalidReason(), "") << i;
    ASSERT_EQ(GEOSEquals_r(geos::Context(), joined->raw(), expected.raw()), 1)
        << i << "\n joined " << joined->ToWkt() << "\n GEOS " << expected.ToWkt();
    EXPECT_EQ(joined->NumParts(), expected.NumParts()) << i;
    EXPECT_EQ(Holes(*joined), Holes(expected)) << i;
    EXPECT_NEAR(joined->Area(), expected.Area(), 1e-6 * expected.Area()) << i;
  }
  std::cout << "[coverage rings] 300 sets: " << joined_count << " joined from rings, " << refused
            << " refused (GEOS used); rings " << joined_seconds * 1e3 << " ms, GEOS "
            << geos_seconds * 1e3 << " ms\n";
  EXPECT_GT(joined_count, 200);
}

}  // namespace
}  // namespace pcnv::realdata
