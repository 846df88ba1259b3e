// Postcode cells (geo/postcode_cells.h): with a postcode distribution and directory but no area
// polygons, territories are Voronoi cells of the postcodes, so contiguity still means something.
#include "geo/postcode_cells.h"

#include "absl/strings/str_cat.h"
#include "geo/engine.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

// Postcodes along a line, 1 km apart: X0 at x=0 ... X10 at x=10 km; X5B shares X5's location.
std::shared_ptr<const ReferenceData> LineOfPostcodes() {
  absl::flat_hash_map<std::string, PostcodeEntry> postcodes;
  for (int i = 0; i <= 10; ++i) {
    postcodes[absl::StrCat("X", i)] = {Point{i * 1000.0, 5000.0}, ""};
  }
  postcodes["X5B"] = {Point{5000.0, 5000.0}, ""};
  postcodes["UNUSED"] = {Point{99000.0, 5000.0}, ""};
  return std::make_shared<const ReferenceData>(
      std::vector<Area>{}, std::vector<FootprintLayer>{}, std::move(postcodes),
      std::vector<LayerInfo>{{"postcodes", "line.csv", "", 13, ""}}, "", "");
}

// U1 at both ends (x=0-2 km and 8-10 km), U2 in the middle: U1's territory is in two parts.
ValidationInput Split() {
  ValidationInput in;
  in.memberships = {{.practice_code = "P1", .pcn_code = "U10001", .pcn_name = "Ends"},
                    {.practice_code = "P2", .pcn_code = "U10002", .pcn_name = "Middle"}};
  Distribution d{.level = DistributionLevel::kPostcode};
  int row = 1;
  for (int i : {0, 1, 2, 8, 9, 10}) d.rows.push_back({"P1", absl::StrCat("X", i), 5000, row++});
  for (int i : {3, 4, 5, 6, 7}) d.rows.push_back({"P2", absl::StrCat("X", i), 8000, row++});
  d.rows.push_back({"P2", "X5B", 100, row++});
  in.distribution = d;
  return in;
}

TEST(PostcodeCellsTest, OneCellPerLocationClippedToTheGrownHull) {
  auto ref = LineOfPostcodes();
  ValidationInput in = Split();
  ASSERT_TRUE(NeedsPostcodeCells(*ref, in));
  auto cells = PostcodeCellReference(*ref, *in.distribution);
  ASSERT_TRUE(cells.ok()) << cells.status();
  const std::vector<Area>& areas = (*cells)->areas();
  ASSERT_EQ(areas.size(), 11u);  // X5 and X5B share one location, UNUSED is not in the input
  double total = 0;
  for (const Area& a : areas) {
    EXPECT_FALSE(a.geometry.IsEmpty()) << a.code;
    total += a.area_m2;
  }
  const int x5 = (*cells)->FindArea("X5");
  ASSERT_GE(x5, 0);
  EXPECT_EQ(areas[x5].name, "X5 X5B");
  EXPECT_EQ((*cells)->FindPostcode("X5B")->area_code, "X5");
  // The hull is the 10 km segment grown by 2 km: a 10 x 4 km rectangle plus a 2 km disc.
  const double expected = 10000 * 2 * kHullMarginM + M_PI * kHullMarginM * kHullMarginM;
  EXPECT_NEAR(total, expected, expected * 0.01);
  EXPECT_EQ((*cells)->layers().back().name, "areas");
  EXPECT_NE((*cells)->layers().back().source.find("11 postcode locations"), std::string::npos);
}

TEST(PostcodeCellsTest, ContiguityIsEvaluatedOnTheCells) {
  Engine engine(LineOfPostcodes());
  absl::StatusOr<Report> r = engine.Validate(Split(), ValidationOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  int con001 = 0;
  for (const Finding& f : r->findings) con001 += f.rule == "CON001" && f.pcn == "U10001";
  EXPECT_EQ(con001, 1);  // the far end is a detached part
  for (const Finding& f : r->findings) EXPECT_FALSE(f.rule == "CON001" && f.pcn == "U10002");
  for (const RuleOutcome& o : r->summary.rules) {
    if (o.rule == "CON001") {
      EXPECT_EQ(o.state, RuleState::kEvaluated) << o.reason;
    }
  }
  ASSERT_EQ(r->pcns.size(), 2u);
  EXPECT_EQ(r->pcns[0].territory.areas, 6);
  EXPECT_EQ(r->pcns[1].territory.areas, 5);
  bool described = false;
  for (const auto& l : r->provenance.reference_layers) described |= l.name == "areas";
  EXPECT_TRUE(described);
}

TEST(PostcodeCellsTest, NotUsedWhenAreasAreLoadedOrTheDistributionIsByArea) {
  ValidationInput in = Split();
  auto with_areas = testing::MakeReference({{"E01000001", 0, 0}});
  EXPECT_FALSE(NeedsPostcodeCells(*with_areas, in));
  in.distribution->level = DistributionLevel::kArea;
  EXPECT_FALSE(NeedsPostcodeCells(*LineOfPostcodes(), in));
}

TEST(PostcodeCellsTest, NoKnownPostcodeIsAClearError) {
  Distribution d{.level = DistributionLevel::kPostcode, .rows = {{"P1", "ZZ99ZZ", 10, 1}}};
  auto cells = PostcodeCellReference(*LineOfPostcodes(), d);
  ASSERT_EQ(cells.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(cells.status().message().find("postcode directory"), std::string::npos);
}

}  // namespace
}  // namespace pcnv
