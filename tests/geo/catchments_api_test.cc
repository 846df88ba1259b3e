#include "geo/catchments_api.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

using ::testing::ElementsAre;

ValidationInput TwoPcns() {
  ValidationInput in;
  in.memberships = {
      {.practice_code = "P1", .pcn_code = "U20000", .pcn_name = "Second"},
      {.practice_code = "P2", .pcn_code = "U10000", .pcn_name = "First"},
      {.practice_code = "P3", .pcn_code = "U"},  // unallocated: the outside group
  };
  in.distribution = Distribution{.level = DistributionLevel::kArea,
                                 .rows = {{"P1", "E01000001", 90, 1},
                                          {"P2", "E01000001", 10, 2},
                                          {"P2", "E01000002", 3, 3},
                                          {"P3", "E01000002", 7, 4},
                                          {"P9", "E01000003", 4, 5},  // unlisted: outside
                                          {"P1", "NOWHERE", 50, 6}}};
  return in;
}

TEST(CatchmentSetTest, TableTerritoriesAndShares) {
  auto ref =
      testing::MakeReference({{"E01000001", 0, 0}, {"E01000002", 1, 0}, {"E01000003", 2, 0}});
  absl::StatusOr<CatchmentSet> set = CatchmentSet::Build(*ref, TwoPcns(), 0.2);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->pcn_count(), 2);

  const PcnCatchment first = set->Get(0);
  EXPECT_EQ(first.code, "U10000");
  EXPECT_EQ(first.name, "First");
  EXPECT_TRUE(first.territory_areas.empty());      // area 1 goes to the outside group (7 > 3)
  EXPECT_THAT(first.share_areas, ElementsAre(1));  // 3/10 >= 0.2; 10/100 < 0.2
  ASSERT_EQ(first.areas.size(), 2u);
  EXPECT_EQ(first.areas[0].patients, 10);
  EXPECT_EQ(first.areas[0].total, 100);
  EXPECT_DOUBLE_EQ(first.areas[0].share, 0.1);
  EXPECT_FALSE(first.areas[0].in_share_catchment);
  EXPECT_EQ(first.areas[1].patients, 3);
  EXPECT_EQ(first.areas[1].total, 10);
  EXPECT_TRUE(first.areas[1].in_share_catchment);
  EXPECT_FALSE(first.areas[1].in_territory);
  EXPECT_TRUE(first.territory_geometry.is_null());
  EXPECT_FALSE(first.share_catchment_geometry.is_null());

  const PcnCatchment second = set->Get(1);
  EXPECT_EQ(second.code, "U20000");
  EXPECT_THAT(second.territory_areas, ElementsAre(0));
  EXPECT_THAT(second.share_areas, ElementsAre(0));
  ASSERT_EQ(second.areas.size(), 1u);
  EXPECT_TRUE(second.areas[0].in_territory);
  EXPECT_NEAR(second.territory_geometry.Area(), 1e6, 1e-6);
}

TEST(CatchmentSetTest, NeedsDistributionAndSaneThreshold) {
  auto ref = testing::MakeReference({{"E01000001", 0, 0}});
  ValidationInput no_distribution = TwoPcns();
  no_distribution.distribution.reset();
  EXPECT_EQ(CatchmentSet::Build(*ref, no_distribution, 0.05).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CatchmentSet::Build(*ref, TwoPcns(), 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CatchmentSet::Build(*ref, TwoPcns(), 1.5).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pcnv
