#include "geo/overlay.h"

#include "gtest/gtest.h"

namespace pcnv {
namespace {

Geometry G(const char* wkt) { return *Geometry::FromWkt(wkt); }

TEST(OverlayTest, FractionsOfEachAreaInsideEachFootprint) {
  Geometry inside = G("POLYGON((1 1,2 1,2 2,1 2,1 1))");
  Geometry straddling = G("POLYGON((8 0,12 0,12 1,8 1,8 0))");  // 2/4 west, 2/4 east
  Geometry outside = G("POLYGON((30 30,31 30,31 31,30 31,30 30))");
  Geometry west = G("POLYGON((0 0,10 0,10 10,0 10,0 0))");
  Geometry east = G("POLYGON((10 0,20 0,20 10,10 10,10 0))");
  auto shares = OverlayAreas({&inside, &straddling, &outside}, {&west, &east});
  ASSERT_EQ(shares.size(), 3u);
  ASSERT_EQ(shares[0].size(), 1u);
  EXPECT_EQ(shares[0][0].footprint, 0);
  EXPECT_DOUBLE_EQ(shares[0][0].fraction, 1.0);
  ASSERT_EQ(shares[1].size(), 2u);
  EXPECT_DOUBLE_EQ(shares[1][0].fraction, 0.5);
  EXPECT_DOUBLE_EQ(shares[1][1].fraction, 0.5);
  EXPECT_EQ(shares[1][0].footprint, 0);  // ties: lower footprint first
  EXPECT_TRUE(shares[2].empty());
}

TEST(OverlayTest, UnevenSplitSortedByFraction) {
  Geometry area = G("POLYGON((9 0,13 0,13 1,9 1,9 0))");  // 1/4 west, 3/4 east
  Geometry west = G("POLYGON((0 0,10 0,10 10,0 10,0 0))");
  Geometry east = G("POLYGON((10 0,20 0,20 10,10 10,10 0))");
  auto shares = OverlayAreas({&area}, {&west, &east});
  ASSERT_EQ(shares[0].size(), 2u);
  EXPECT_EQ(shares[0][0].footprint, 1);
  EXPECT_DOUBLE_EQ(shares[0][0].fraction, 0.75);
  EXPECT_DOUBLE_EQ(shares[0][1].fraction, 0.25);
}

}  // namespace
}  // namespace pcnv
