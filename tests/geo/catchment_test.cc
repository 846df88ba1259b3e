#include "geo/catchment.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ShareTableTest, MajorityTieGoesToSmallestCode) {
  // Groups deliberately not in code order: the tie must follow the code, not the index.
  ShareTable t({"U20000", "U10000"}, 1);
  t.Add(0, 0, 10);
  t.Add(1, 0, 10);
  EXPECT_THAT(t.MajorityOwners(), ElementsAre(1));
}

TEST(ShareTableTest, LargestCountWins) {
  ShareTable t({"U10000", "U20000"}, 2);
  t.Add(0, 0, 9);
  t.Add(1, 0, 10);
  t.Add(0, 1, 11);
  t.Add(1, 1, 10);
  EXPECT_THAT(t.MajorityOwners(), ElementsAre(1, 0));
}

TEST(ShareTableTest, OutsideGroupTakesAreaOnlyWhenStrictlyLargest) {
  ShareTable t({"U10000"}, 3);
  t.Add(0, 0, 5);
  t.Add(-1, 0, 6);  // outside larger: no PCN owns it
  t.Add(0, 1, 6);
  t.Add(-1, 1, 6);  // tie: the PCN keeps it
  t.Add(-1, 2, 3);  // only outside patients
  EXPECT_THAT(t.MajorityOwners(), ElementsAre(-1, 0, -1));
  EXPECT_EQ(t.Total(0), 11);
  EXPECT_DOUBLE_EQ(t.Share(0, 0), 5.0 / 11.0);
}

TEST(ShareTableTest, MoveChangesOwnersAndItsReverseRestoresTheTable) {
  ShareTable t({"U10000", "U20000"}, 2);
  t.Add(0, 0, 10);
  t.Add(1, 0, 8);
  t.Add(-1, 0, 3);
  t.Add(0, 1, 5);
  const int added = t.AddGroup("U00005");  // sorts first: wins ties
  EXPECT_EQ(added, 2);
  t.Move(0, 1, 0, 4);  // 6 : 12 : 0
  EXPECT_EQ(t.MajorityOwner(0), 1);
  EXPECT_EQ(t.Total(0), 21);  // N(a) stays
  EXPECT_FALSE(t.InShareCatchment(0, 0, 0.5));
  EXPECT_TRUE(t.InShareCatchment(1, 0, 0.5));
  t.Move(1, 2, 0, 6);  // 6 : 6 : 6, outside 3: the smallest code takes the tie
  EXPECT_EQ(t.MajorityOwner(0), 2);
  t.Move(-1, 0, 0, 3);  // an outside practice joins U10000: 9 : 6 : 6, outside 0
  EXPECT_EQ(t.MajorityOwner(0), 0);
  EXPECT_EQ(t.Total(0), 21);
  t.Move(0, -1, 0, 3);
  t.Move(2, 1, 0, 6);
  t.Move(1, 0, 0, 4);
  EXPECT_THAT(t.MajorityOwners(), ElementsAre(0, 0));
  EXPECT_EQ(t.Patients(0, 0), 10);
  EXPECT_EQ(t.Patients(1, 0), 8);
  EXPECT_EQ(t.Patients(2, 0), 0);
  EXPECT_EQ(t.Total(0), 21);
  EXPECT_THAT(t.AreasByGroup()[2], IsEmpty());  // the emptied group is gone from the area
}

TEST(ShareTableTest, OutsidePatientsSplitAcrossPracticesStillCountAsOneGroup) {
  // Two outside practices of 4 each outnumber a PCN's 7 only because they form one group.
  ShareTable t({"U10000"}, 1);
  t.Add(0, 0, 7);
  t.Add(-1, 0, 4);
  t.Add(-1, 0, 4);
  EXPECT_THAT(t.MajorityOwners(), ElementsAre(-1));
}

TEST(ShareTableTest, ShareThresholdIsInclusive) {
  ShareTable t({"U10000", "U20000", "U30000"}, 1);
  t.Add(0, 0, 5);  // exactly 5%
  t.Add(1, 0, 4);  // 4%: below
  t.Add(2, 0, 91);
  auto c = t.ShareCatchments(0.05);
  EXPECT_THAT(c[0], ElementsAre(0));
  EXPECT_THAT(c[1], IsEmpty());
  EXPECT_THAT(c[2], ElementsAre(0));
  EXPECT_THAT(t.ShareCatchments(0.051)[0], IsEmpty());
}

TEST(ShareTableTest, ShareCatchmentsOverlapBetweenGroups) {
  ShareTable t({"U10000", "U20000"}, 2);
  t.Add(0, 0, 50);
  t.Add(1, 0, 50);
  t.Add(1, 1, 100);
  auto c = t.ShareCatchments(0.05);
  EXPECT_THAT(c[0], ElementsAre(0));
  EXPECT_THAT(c[1], ElementsAre(0, 1));
}

TEST(ShareTableTest, PracticeLevelCatchments) {
  // The same table serves practices: groups are practice codes.
  ShareTable t({"A00001", "A00002"}, 2);
  t.Add(0, 0, 30);
  t.Add(1, 0, 70);
  t.Add(0, 1, 100);
  EXPECT_THAT(t.MajorityOwners(), ElementsAre(1, 0));
  EXPECT_THAT(t.AreasOf(0), ElementsAre(0, 1));
  EXPECT_THAT(t.MajorityTerritories()[0], ElementsAre(1));
  EXPECT_THAT(t.MajorityTerritories()[1], ElementsAre(0));
}

TEST(UnionAreasTest, AdjacentSquaresMergeIntoOnePart) {
  auto a = Geometry::FromWkt(testing::SquareWkt(0, 0));
  auto b = Geometry::FromWkt(testing::SquareWkt(1, 0));
  ASSERT_TRUE(a.ok() && b.ok());
  Geometry u = UnionAreas({&*a, &*b});
  EXPECT_EQ(u.NumParts(), 1);
  EXPECT_DOUBLE_EQ(u.Area(), 2e6);
  EXPECT_EQ(u.InvalidReason(), "");
}

TEST(UnionAreasTest, DetachedSquaresStayTwoParts) {
  auto a = Geometry::FromWkt(testing::SquareWkt(0, 0));
  auto b = Geometry::FromWkt(testing::SquareWkt(2, 0));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(UnionAreas({&*a, &*b}).NumParts(), 2);
}

TEST(UnionAreasTest, OverlappingInputFallsBackToUnaryUnion) {
  // Not a coverage (they overlap): the result must still be valid and correct.
  auto a = Geometry::FromWkt("POLYGON((0 0,2 0,2 2,0 2,0 0))");
  auto b = Geometry::FromWkt("POLYGON((1 1,3 1,3 3,1 3,1 1))");
  ASSERT_TRUE(a.ok() && b.ok());
  Geometry u = UnionAreas({&*a, &*b});
  EXPECT_EQ(u.InvalidReason(), "");
  EXPECT_DOUBLE_EQ(u.Area(), 7.0);
}

TEST(UnionAreasTest, NothingGivesNullGeometry) { EXPECT_TRUE(UnionAreas({}).is_null()); }

}  // namespace
}  // namespace pcnv
