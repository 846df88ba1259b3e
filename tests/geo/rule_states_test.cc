// Honest rule states in the engine: a rule whose input is only nominally there (a distribution
// but no area polygons, rows that place nowhere, an empty footprint layer, a mapping declaring
// nothing to compare, one declared boundary to overlap with) is NOT_EVALUATED with the reason,
// not EVALUATED with no finding. And the catalogue's wording as the engine uses it: a corner
// contact, a small patient count, a waived POP001.
#include "geo/validate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/grid_fixture.h"

namespace pcnv {
namespace {

using testing::GridFixture;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Of;
using testing::Outcome;

Report Check(const ReferenceData& ref, const ValidationInput& in, const ValidationOptions& o = {}) {
  auto r = Validate(ref, in, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

std::shared_ptr<const ReferenceData> NoAreas(std::vector<FootprintLayer> footprints = {}) {
  return std::make_shared<const ReferenceData>(std::vector<Area>{}, std::move(footprints),
                                               absl::flat_hash_map<std::string, PostcodeEntry>{},
                                               std::vector<LayerInfo>{}, "", "");
}

constexpr const char* kTerritoryRules[] = {"CON001", "CON002", "CON003",
                                           "CON004", "CMP001", "OVL003"};

TEST(RuleStatesTest, DistributionWithoutAreaPolygons) {
  GridFixture g{{"AA.A"}};
  ValidationInput in = g.Input();
  in.memberships[0].location = Point{500, 500};
  in.declared = std::vector<DeclaredBoundary>{
      {"U00001", *Geometry::FromWkt("POLYGON((0 0,1000 0,1000 1000,0 1000,0 0))"), 0, ""}};
  Report r =
      Check(*NoAreas({testing::Layer(FootprintKind::kIcb, {{"E54000001", 0, 0, 9, 9}})}), in);
  for (const char* rule : kTerritoryRules) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kNotEvaluated) << rule;
    EXPECT_EQ(Outcome(r, rule).reason,
              "no area polygons (--areas or --reference), so every territory is empty")
        << rule;
  }
  EXPECT_EQ(Outcome(r, "NEST001").state, RuleState::kNotEvaluated);
  EXPECT_THAT(Outcome(r, "NEST001").reason,
              HasSubstr("so no PCN's patients can be placed in footprints"));
  EXPECT_EQ(Outcome(r, "DAT001").state, RuleState::kEvaluated);
}

TEST(RuleStatesTest, NoRowPlacedInAnyArea) {
  GridFixture g{{"AA.A"}};
  ValidationInput in = g.Input();
  for (DistributionRow& row : in.distribution->rows) row.place = "E01999999";
  Report r = Check(*g.Reference(), in);
  for (const char* rule : {"CON001", "CON002", "CMP001"}) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kNotEvaluated) << rule;
    EXPECT_EQ(Outcome(r, rule).reason,
              "no distribution row could be placed in a reference area (see DAT001), so every "
              "territory is empty")
        << rule;
  }
  ASSERT_EQ(Of(r, "DAT001").size(), 1u);  // which says why
}

TEST(RuleStatesTest, EvaluatedWhenTerritoriesExist) {
  GridFixture g{{"AA.A"}};
  Report r = Check(*g.Reference(), g.Input());
  for (const char* rule : {"CON001", "CON002", "CON003", "CMP001"}) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kEvaluated) << rule;
  }
  // No practice location anywhere: CON004 cannot place a practice against its territory.
  EXPECT_EQ(Outcome(r, "CON004").state, RuleState::kNotEvaluated);
  EXPECT_THAT(Outcome(r, "CON004").reason, HasSubstr("needs practice locations"));
}

TEST(RuleStatesTest, FootprintLayerWithoutPolygons) {
  GridFixture g{{"AA"}};
  g.footprints = {FootprintLayer{FootprintKind::kIcb, {}}};
  Report r = Check(*g.Reference(), g.Input());
  EXPECT_EQ(Outcome(r, "NEST001").state, RuleState::kNotEvaluated);
  EXPECT_EQ(Outcome(r, "NEST001").reason, "the icb footprint layer holds no polygons");
}

TEST(RuleStatesTest, Nest002NeedsDeclaredCodes) {
  GridFixture g{{"AA"}};
  g.footprints = {testing::Layer(FootprintKind::kIcb, {{"E54000001", 0, 0, 9, 9}})};
  ValidationInput in = g.Input();
  Report r = Check(*g.Reference(), in);
  EXPECT_EQ(Outcome(r, "NEST002").state, RuleState::kNotEvaluated);
  EXPECT_EQ(Outcome(r, "NEST002").reason,
            "the practice mapping declares no ICB or sub-ICB codes to compare");
  EXPECT_EQ(Outcome(r, "NEST001").state, RuleState::kEvaluated);
  in.memberships[0].icb_code = "QAA";
  EXPECT_EQ(Outcome(Check(*g.Reference(), in), "NEST002").state, RuleState::kEvaluated);
}

TEST(RuleStatesTest, OverlapsNeedTwoUsableBoundaries) {
  GridFixture g{{"AB"}};
  ValidationInput in = g.Input();
  in.declared = std::vector<DeclaredBoundary>{
      {"U00001", *Geometry::FromWkt("POLYGON((0 0,990 0,990 1000,0 1000,0 0))"), 0, ""},
      {"U00002", Geometry(), 1, ""}};  // an empty feature
  Report r = Check(*g.Reference(), in);
  EXPECT_EQ(Outcome(r, "OVL001").state, RuleState::kNotEvaluated);
  EXPECT_EQ(Outcome(r, "OVL001").reason,
            "needs two usable declared boundaries; the declared file has 2 features, 1 usable one "
            "(not empty, and valid or repaired)");
  EXPECT_EQ(Outcome(r, "OVL002").state, RuleState::kEvaluated);
  in.declared->pop_back();
  in.declared->front().geometry = Geometry();
  Report none = Check(*g.Reference(), in);
  for (const char* rule : {"OVL001", "OVL002", "OVL003"}) {
    EXPECT_EQ(Outcome(none, rule).state, RuleState::kNotEvaluated) << rule;
  }
}

TEST(RuleStatesTest, PopulationNeedsSomeCount) {
  GridFixture g{{"AA"}};
  ValidationInput in = g.Input();
  in.distribution.reset();
  in.list_sizes = std::vector<ListSize>{{"Z99999", 12000, 1}};  // matches no practice
  Report r = Check(*NoAreas(), in);
  for (const char* rule : {"POP001", "POP002"}) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kNotEvaluated) << rule;
    EXPECT_THAT(Outcome(r, rule).reason, HasSubstr("no population is known")) << rule;
  }
  EXPECT_TRUE(Of(r, "POP001").empty());
}

TEST(RuleStatesTest, Cmp002NeedsTwoLocatedPracticesInAPcn) {
  GridFixture g{{"AB"}, {{'A', "U00001"}, {'B', "U00001"}}};  // one PCN, two practices
  ValidationInput in = g.Input();
  in.memberships[0].location = Point{500, 500};
  Report r = Check(*g.Reference(), in);
  EXPECT_EQ(Outcome(r, "CMP002").state, RuleState::kNotEvaluated);
  EXPECT_EQ(Outcome(r, "CMP002").reason,
            "no PCN has two member practices with locations to measure between");
  in.memberships[1].location = Point{1500, 500};
  EXPECT_EQ(Outcome(Check(*g.Reference(), in), "CMP002").state, RuleState::kEvaluated);
}

// --- the catalogue's wording, through the engine ---------------------------------------------

TEST(RuleMessagesTest, CornerContactIsSaidAsSuch) {
  GridFixture g{{"A.", ".A"}};
  Report r = Check(*g.Reference(), g.Input());
  auto con = Of(r, "CON001");
  ASSERT_EQ(con.size(), 1u);
  EXPECT_THAT(con[0]->message, HasSubstr("touches the main part only at a corner"));
  EXPECT_THAT(con[0]->message, HasSubstr("a part of 1 area holding 100 patients"));
  EXPECT_THAT(con[0]->message, Not(HasSubstr("0.0 km")));
}

TEST(RuleMessagesTest, SmallFragmentCountIsSuppressedInText) {
  // 'a' is one patient in a detached area: CON002. Its message never states the count.
  GridFixture g{{"AA.a"}};
  Report r = Check(*g.Reference(), g.Input());
  auto con = Of(r, "CON002");
  ASSERT_EQ(con.size(), 1u);
  EXPECT_THAT(con[0]->message, HasSubstr("holding fewer than 5 patients"));
  EXPECT_THAT(con[0]->message, HasSubstr("lies 1.0 km from the main part"));
  ValidationOptions off;
  off.disclosure.suppress_below = 0;  // unsuppressed output, asked for
  const Report unsuppressed = Check(*g.Reference(), g.Input(), off);  // Of points into it
  auto plain = Of(unsuppressed, "CON002");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_THAT(plain[0]->message, HasSubstr("holding 1 patient ("));
}

TEST(RuleMessagesTest, WaivedPop001NoLongerAsksForAnException) {
  GridFixture g{{"AA"}};
  ValidationInput in = g.Input();
  ValidationOptions o;
  Report unwaived = Check(*g.Reference(), in, o);
  ASSERT_EQ(Of(unwaived, "POP001").size(), 1u);
  EXPECT_THAT(Of(unwaived, "POP001")[0]->message,
              HasSubstr("A PCN this small needs a commissioner's exception."));
  o.waivers = {{"POP001", "U00001", "Rural exception", "Commissioner", "2030-01-01"}};
  o.as_of = "2026-11-22";
  Report waived = Check(*g.Reference(), in, o);
  auto pop = Of(waived, "POP001");
  ASSERT_EQ(pop.size(), 1u);
  ASSERT_TRUE(pop[0]->waiver.has_value());
  EXPECT_THAT(pop[0]->message, Not(HasSubstr("needs a commissioner's exception")));
  EXPECT_THAT(pop[0]->message,
              HasSubstr("Waived: a commissioner's exception is recorded (approved by "
                        "Commissioner, until 2030-01-01)."));
}

}  // namespace
}  // namespace pcnv
