// The issue-3 rule pack on grid and WKT fixtures. Every rule is tested on both sides of its
// threshold, so a removed rule or a changed default fails here.
#include <algorithm>

#include "geo/validate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/grid_fixture.h"

namespace pcnv {
namespace {

using testing::GridFixture;
using ::testing::HasSubstr;
using testing::Layer;

using testing::Of;
using testing::Outcome;

Report Check(const GridFixture& g, ValidationOptions o = {}, ValidationInput* in = nullptr) {
  auto ref = g.Reference();
  ValidationInput input = in ? *in : g.Input();
  auto r = Validate(*ref, input, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

double Num(const Finding* f, const std::string& key) {
  const Value& v = f->values.at(key);
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

// --- Contiguity ---------------------------------------------------------------------------

TEST(ContiguityTest, DetachedIslandIsAnError) {
  GridFixture g{{"AA.A"}};
  Report r = Check(g);
  auto con = Of(r, "CON001");
  ASSERT_EQ(con.size(), 1u);
  EXPECT_EQ(con[0]->pcn, "U00001");
  EXPECT_EQ(con[0]->severity, Severity::kError);
  EXPECT_DOUBLE_EQ(Num(con[0], "patients"), 100);
  EXPECT_DOUBLE_EQ(Num(con[0], "gap_to_main_m"), 1000);
  EXPECT_DOUBLE_EQ(con[0]->geometry.Area(), 1e6);
  EXPECT_EQ(std::get<std::string>(con[0]->values.at("areas")), g.AreaCode(3, 0));
  EXPECT_TRUE(Of(r, "CON002").empty());
}

TEST(ContiguityTest, IslandJoinedByNamedBridgeIsFine) {
  GridFixture g{{"AA.A"}};
  ValidationOptions o;
  o.ruleset.contiguity.bridges = {{g.AreaCode(1, 0), g.AreaCode(3, 0)}};
  EXPECT_TRUE(Of(Check(g, o), "CON001").empty());
}

TEST(ContiguityTest, BridgeDistanceIsInclusive) {
  GridFixture g{{"AA.A"}};
  ValidationOptions o;
  o.ruleset.contiguity.bridge_distance_m = 1000;  // the gap is exactly 1 km
  EXPECT_TRUE(Of(Check(g, o), "CON001").empty());
  o.ruleset.contiguity.bridge_distance_m = 999;
  EXPECT_EQ(Of(Check(g, o), "CON001").size(), 1u);
}

TEST(ContiguityTest, CornerTouchCountsOnlyWithPointAdjacency) {
  GridFixture g{{"A.", ".A"}};
  EXPECT_EQ(Of(Check(g), "CON001").size(), 1u);
  ValidationOptions o;
  o.ruleset.contiguity.adjacency = Adjacency::kPoint;
  EXPECT_TRUE(Of(Check(g, o), "CON001").empty());
}

TEST(ContiguityTest, SmallFragmentIsInfoAndThresholdIsInclusive) {
  // 'a' holds 1 of 201 patients (0.5%): CON002, not CON001.
  GridFixture g{{"AA.a"}};
  Report r = Check(g);
  EXPECT_TRUE(Of(r, "CON001").empty());
  ASSERT_EQ(Of(r, "CON002").size(), 1u);
  EXPECT_EQ(Of(r, "CON002")[0]->severity, Severity::kInfo);
  // Exactly 2% (2 of 100): CON001.
  GridFixture exact{{"AA.A"}};
  ValidationInput in = exact.Input();
  in.distribution->rows[0].patients = 49;
  in.distribution->rows[1].patients = 49;
  in.distribution->rows[2].patients = 2;
  // The part's 2 patients are a small number: by default its count and share are suppressed.
  Report shared = Check(exact, {}, &in);
  ASSERT_EQ(Of(shared, "CON001").size(), 1u);
  EXPECT_EQ(std::get<std::string>(Of(shared, "CON001")[0]->values.at("share_of_patients")),
            "withheld");
  ValidationOptions open;
  open.disclosure.suppress_below = 0;  // unsuppressed, to see the exact share
  Report r2 = Check(exact, open, &in);
  ASSERT_EQ(Of(r2, "CON001").size(), 1u);
  EXPECT_DOUBLE_EQ(Num(Of(r2, "CON001")[0], "share_of_patients"), 0.02);
  ValidationOptions o = open;
  o.ruleset.con_detached_min_share = 0.021;
  Report r3 = Check(exact, o, &in);
  EXPECT_TRUE(Of(r3, "CON001").empty());
  EXPECT_EQ(Of(r3, "CON002").size(), 1u);
}

TEST(ContiguityTest, EnclaveIsReported) {
  GridFixture g{{"AAA", "ABA", "AAA"}};
  Report r = Check(g);
  auto con = Of(r, "CON002");
  ASSERT_EQ(con.size(), 1u);
  EXPECT_EQ(con[0]->pcn, "U00001");
  EXPECT_THAT(con[0]->message, HasSubstr("enclave"));
  EXPECT_DOUBLE_EQ(con[0]->geometry.Area(), 1e6);
  EXPECT_TRUE(Of(r, "CON001").empty());
}

TEST(ContiguityTest, TiedAreaGoesToSmallestCodeAndShapesTheTerritory) {
  // Cell 1 has 100 patients of A and of B: the tie gives it to U00001, so B is split.
  GridFixture g{{"ABB"}};
  ValidationInput in = g.Input();
  in.distribution->rows.push_back({"A00001", g.AreaCode(1, 0), 100, 99});
  in.distribution->rows[1].patients = 100;  // B's cell 1 stays 100: a tie
  Report r = Check(g, {}, &in);
  EXPECT_TRUE(Of(r, "CON001").empty());  // A: cells 0,1 joined; B: cell 2 only
}

TEST(ContiguityTest, PracticesInSeparateGroupsFailCon003) {
  // Practices A and C in one PCN, living apart; B (another PCN) between them.
  GridFixture g{{"ABC"}};
  g.pcn_of = {{'A', "U00001"}, {'C', "U00001"}};
  Report r = Check(g);
  auto con = Of(r, "CON003");
  ASSERT_EQ(con.size(), 1u);
  EXPECT_EQ(con[0]->pcn, "U00001");
  EXPECT_THAT(con[0]->message, HasSubstr("[A00001] / [C00001]"));
  // Adjacent catchments are one group.
  GridFixture joined{{"ACB"}};
  joined.pcn_of = {{'A', "U00001"}, {'C', "U00001"}};
  EXPECT_TRUE(Of(Check(joined), "CON003").empty());
}

TEST(ContiguityTest, LargeDistributionGivesTheSameCatchments) {
  // A distribution of 50,000 rows or more builds the practice table on a second thread
  // (geo/digest.cc): every row repeated 20,000 times (shares unchanged) must give the same
  // territories and the same CON003 finding as the rows once.
  GridFixture g{{"ABC"}};
  g.pcn_of = {{'A', "U00001"}, {'C', "U00001"}};
  ValidationInput big = g.Input();
  const std::vector<DistributionRow> once = big.distribution->rows;
  big.distribution->rows.clear();
  for (const DistributionRow& row : once) {
    for (int i = 0; i < 20000; ++i) big.distribution->rows.push_back(row);
  }
  ASSERT_GE(big.distribution->rows.size(), 50000u);
  const Report small_report = Check(g);
  const Report big_report = Check(g, {}, &big);
  ASSERT_EQ(Of(big_report, "CON003").size(), 1u);
  EXPECT_EQ(Of(big_report, "CON003")[0]->message, Of(small_report, "CON003")[0]->message);
  ASSERT_EQ(big_report.pcns.size(), small_report.pcns.size());
  for (size_t k = 0; k < big_report.pcns.size(); ++k) {
    EXPECT_EQ(big_report.pcns[k].territory.areas, small_report.pcns[k].territory.areas);
    EXPECT_EQ(big_report.pcns[k].territory.parts, small_report.pcns[k].territory.parts);
    EXPECT_EQ(big_report.pcns[k].territory.patients_in_territory,
              20000 * small_report.pcns[k].territory.patients_in_territory);
  }
}

TEST(ContiguityTest, PracticeOutsideTerritoryBeyondBuffer) {
  GridFixture g{{"AA"}};  // territory x in [0, 2000], y in [0, 1000]
  ValidationInput in = g.Input();
  in.memberships[0].location = Point{2500, 500};  // 500 m outside: allowed (inclusive)
  EXPECT_TRUE(Of(Check(g, {}, &in), "CON004").empty());
  in.memberships[0].location = Point{2501, 500};
  Report report1 = Check(g, {}, &in);
  auto con = Of(report1, "CON004");
  ASSERT_EQ(con.size(), 1u);
  EXPECT_EQ(con[0]->practice, "A00001");
  EXPECT_DOUBLE_EQ(Num(con[0], "distance_m"), 501);
}

TEST(ContiguityTest, RulesNeedADistribution) {
  GridFixture g{{"AA"}};
  ValidationInput in = g.Input();
  in.distribution.reset();
  Report r = Check(g, {}, &in);
  for (const char* rule : {"CON001", "CON002", "CON003", "CON004", "CMP001"}) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kNotEvaluated) << rule;
    EXPECT_THAT(Outcome(r, rule).reason, HasSubstr("distribution")) << rule;
  }
}

// --- Nesting ------------------------------------------------------------------------------

// A 20-cell strip; the ICB boundary at x = 19 km leaves one cell (5%) in the east ICB.
GridFixture Strip(int east_cells) {
  GridFixture g{{std::string(20, 'A')}};
  g.footprints = {Layer(FootprintKind::kIcb, {{"E54000001", 0, 0, 20 - east_cells, 1},
                                              {"E54000002", 20 - east_cells, 0, 30, 1}})};
  return g;
}

TEST(NestingTest, OutsideShareAboveFivePercentWarns) {
  EXPECT_TRUE(Of(Check(Strip(1)), "NEST001").empty());  // exactly 5%: allowed
  Report r = Check(Strip(2));                           // 10%
  auto nest = Of(r, "NEST001");
  ASSERT_EQ(nest.size(), 1u);
  EXPECT_EQ(std::get<std::string>(nest[0]->values.at("dominant")), "E54000001");
  EXPECT_NEAR(Num(nest[0], "outside_share"), 0.10, 1e-12);
  EXPECT_NEAR(Num(nest[0], "outside_area_share"), 0.10, 1e-12);
  EXPECT_EQ(std::get<std::string>(nest[0]->values.at("basis")), "patients");
  EXPECT_THAT(nest[0]->message, HasSubstr("E54000002 10.0%"));
}

TEST(NestingTest, EvenSplitPicksLowerFootprintAsDominant) {
  Report r = Check(Strip(10));
  auto nest = Of(r, "NEST001");
  ASSERT_EQ(nest.size(), 1u);
  EXPECT_EQ(std::get<std::string>(nest[0]->values.at("dominant")), "E54000001");
  EXPECT_NEAR(Num(nest[0], "outside_share"), 0.5, 1e-12);
}

TEST(NestingTest, CommunityThresholdIsTenPercent) {
  GridFixture g = Strip(1);
  g.footprints = {Layer(FootprintKind::kCommunity, {{"C1", 0, 0, 18, 1}, {"C2", 18, 0, 30, 1}})};
  EXPECT_TRUE(Of(Check(g), "COM001").empty());  // 10%: allowed
  g.footprints = {Layer(FootprintKind::kCommunity, {{"C1", 0, 0, 17, 1}, {"C2", 17, 0, 30, 1}})};
  EXPECT_EQ(Of(Check(g), "COM001").size(), 1u);  // 15%
}

TEST(NestingTest, SubIcbAndStpUseNest003) {
  GridFixture g = Strip(1);
  g.footprints = {
      Layer(FootprintKind::kSubIcb, {{"E38000001", 0, 0, 15, 1}, {"E38000002", 15, 0, 30, 1}}),
      Layer(FootprintKind::kStp, {{"E54000001", 0, 0, 30, 1}})};
  Report r = Check(g);
  auto nest = Of(r, "NEST003");
  ASSERT_EQ(nest.size(), 1u);
  EXPECT_EQ(std::get<std::string>(nest[0]->values.at("layer")), "sub-icb");
  EXPECT_EQ(Outcome(r, "NEST001").state, RuleState::kNotEvaluated);
}

TEST(NestingTest, DeclaredIcbMustBeTheDominantOne) {
  GridFixture g = Strip(2);
  ValidationInput in = g.Input();
  in.memberships[0].ons_icb_code = "E54000001";
  EXPECT_TRUE(Of(Check(g, {}, &in), "NEST002").empty());
  in.memberships[0].ons_icb_code = "E54000002";
  Report report2 = Check(g, {}, &in);
  auto nest = Of(report2, "NEST002");
  ASSERT_EQ(nest.size(), 1u);
  EXPECT_EQ(nest[0]->severity, Severity::kError);
  EXPECT_EQ(std::get<std::string>(nest[0]->values.at("declared")), "E54000002");
}

TEST(NestingTest, UnknownDeclaredCodesAreOneVintageMismatch) {
  GridFixture g{{"AABB"}};
  g.footprints = {Layer(FootprintKind::kIcb, {{"E54000001", 0, 0, 10, 1}})};
  ValidationInput in = g.Input();
  for (Membership& m : in.memberships) m.ons_icb_code = "E54000099";  // a later vintage's code
  Report r = Check(g, {}, &in);
  auto nest = Of(r, "NEST002");
  ASSERT_EQ(nest.size(), 1u);
  EXPECT_EQ(nest[0]->severity, Severity::kWarning);
  EXPECT_THAT(nest[0]->message, HasSubstr("vintage mismatch"));
  EXPECT_EQ(std::get<std::string>(nest[0]->values.at("unmatched_codes")), "E54000099");
  EXPECT_DOUBLE_EQ(Num(nest[0], "pcns_not_checked"), 2);
}

TEST(NestingTest, WithoutDistributionPracticeLocationsWeightedByListSize) {
  GridFixture g = Strip(2);
  ValidationInput in = g.Input();
  in.distribution.reset();
  Membership second = in.memberships[0];
  second.practice_code = "A00002";
  second.row = 2;
  in.memberships.push_back(second);
  in.memberships[0].location = Point{500, 500};    // west ICB
  in.memberships[1].location = Point{19500, 500};  // east ICB
  in.list_sizes = std::vector<ListSize>{{"A00001", 9000, 1}, {"A00002", 1000, 2}};
  Report report3 = Check(g, {}, &in);
  auto nest = Of(report3, "NEST001");
  ASSERT_EQ(nest.size(), 1u);
  EXPECT_EQ(std::get<std::string>(nest[0]->values.at("basis")), "practice_locations");
  EXPECT_NEAR(Num(nest[0], "outside_share"), 0.10, 1e-12);
}

// --- Declared boundaries ------------------------------------------------------------------

DeclaredBoundary Declared(std::string pcn, std::string wkt, int feature) {
  return {std::move(pcn), *Geometry::FromWkt(wkt), feature, ""};
}

TEST(DeclaredTest, OverlapsAboveToleranceAreErrors) {
  GridFixture g{{"AB"}};
  ValidationInput in = g.Input();
  in.declared = std::vector<DeclaredBoundary>{
      Declared("U00001", "POLYGON((0 0,1010 0,1010 1000,0 1000,0 0))", 1),
      Declared("U00002", "POLYGON((1000 0,2000 0,2000 1000,1000 1000,1000 0))", 2)};
  Report report4 = Check(g, {}, &in);
  auto ovl = Of(report4, "OVL001");
  ASSERT_EQ(ovl.size(), 1u);
  EXPECT_DOUBLE_EQ(Num(ovl[0], "overlap_m2"), 10000);
  EXPECT_DOUBLE_EQ(ovl[0]->geometry.Area(), 10000);
  ValidationOptions o;
  o.ruleset.ovl001_tolerance_m2 = 10000;
  EXPECT_TRUE(Of(Check(g, o, &in), "OVL001").empty());
}

TEST(DeclaredTest, GapsBetweenBoundariesInsideTheCoveredAreas) {
  GridFixture g{{"AB"}};
  ValidationInput in = g.Input();
  in.declared = std::vector<DeclaredBoundary>{
      Declared("U00001", "POLYGON((0 0,990 0,990 1000,0 1000,0 0))", 1),
      Declared("U00002", "POLYGON((1000 0,2000 0,2000 1000,1000 1000,1000 0))", 2)};
  Report report5 = Check(g, {}, &in);
  auto ovl = Of(report5, "OVL002");
  ASSERT_EQ(ovl.size(), 1u);
  EXPECT_NEAR(Num(ovl[0], "gap_m2"), 10000, 1e-6);
  EXPECT_EQ(std::get<std::string>(ovl[0]->values.at("adjacent_pcns")), "U00001,U00002");
  ValidationOptions o;
  o.ruleset.ovl002_tolerance_m2 = 10000;
  EXPECT_TRUE(Of(Check(g, o, &in), "OVL002").empty());
}

TEST(DeclaredTest, DeclaredBoundaryFarFromTerritoryFailsIou) {
  GridFixture g{{"AAB."}};
  ValidationInput in = g.Input();
  in.declared = std::vector<DeclaredBoundary>{
      Declared("U00001", "POLYGON((0 0,2000 0,2000 1000,0 1000,0 0))", 1),            // IoU 1
      Declared("U00002", "POLYGON((2000 0,4000 0,4000 1000,2000 1000,2000 0))", 2)};  // IoU 0.5
  Report report6 = Check(g, {}, &in);
  auto ovl = Of(report6, "OVL003");
  ASSERT_EQ(ovl.size(), 1u);
  EXPECT_EQ(ovl[0]->pcn, "U00002");
  EXPECT_DOUBLE_EQ(Num(ovl[0], "iou"), 0.5);
  ValidationOptions o;
  o.ruleset.ovl003_min_iou = 0.5;
  EXPECT_TRUE(Of(Check(g, o, &in), "OVL003").empty());
}

TEST(DeclaredTest, RulesNeedDeclaredBoundaries) {
  Report r = Check(GridFixture{{"A"}});
  for (const char* rule : {"OVL001", "OVL002", "OVL003"}) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kNotEvaluated) << rule;
    EXPECT_THAT(Outcome(r, rule).reason, HasSubstr("--declared")) << rule;
  }
}

// --- Geometry validity and shape -------------------------------------------------------------

TEST(GeometryTest, RepairsAreWarningsOrErrorsWhenRepairIsOff) {
  GridFixture g{{"A"}};
  g.repairs = {{"areas", "lsoa.geojson", "E01000000", 7, "Self-intersection[1 2]"}};
  ValidationInput in = g.Input();
  in.declared = std::vector<DeclaredBoundary>{
      Declared("U00001", "POLYGON((0 0,1000 0,1000 1000,0 1000,0 0))", 3)};
  in.declared->front().invalid_reason = "Ring Self-intersection[5 5]";
  Report r = Check(g, {}, &in);
  auto geo = Of(r, "GEO001");
  ASSERT_EQ(geo.size(), 2u);
  for (const Finding* f : geo) EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_THAT(geo[0]->message, HasSubstr("feature 7"));
  ValidationOptions o;
  o.ruleset.repair_geometry = false;
  Report refused = Check(g, o, &in);
  for (const Finding* f : Of(refused, "GEO001")) EXPECT_EQ(f->severity, Severity::kError);
  EXPECT_EQ(Outcome(refused, "OVL003").findings, 0);  // the refused boundary is not used
}

TEST(ShapeTest, LongThinTerritoryIsNotCompact) {
  // 40 x 1 km: 4 pi 40 / 82^2 = 0.0748 < 0.1.  12 x 1: 0.22.
  Report report7 = Check(GridFixture{{std::string(40, 'A')}});
  auto cmp = Of(report7, "CMP001");
  ASSERT_EQ(cmp.size(), 1u);
  EXPECT_NEAR(Num(cmp[0], "polsby_popper"), 0.0748, 1e-4);
  EXPECT_TRUE(Of(Check(GridFixture{{std::string(12, 'A')}}), "CMP001").empty());
}

TEST(ShapeTest, PracticesMoreThanFifteenKmApart) {
  GridFixture g{{"AB"}};
  g.pcn_of = {{'A', "U00001"}, {'B', "U00001"}};
  ValidationInput in = g.Input();
  in.memberships[0].location = Point{0, 0};
  in.memberships[1].location = Point{15000, 0};  // exactly 15 km: allowed
  EXPECT_TRUE(Of(Check(g, {}, &in), "CMP002").empty());
  in.memberships[1].location = Point{9000, 12001};  // 15.0008 km
  Report report8 = Check(g, {}, &in);
  auto cmp = Of(report8, "CMP002");
  ASSERT_EQ(cmp.size(), 1u);
  EXPECT_EQ(std::get<std::string>(cmp[0]->values.at("practices")), "A00001,B00001");
}

TEST(RulesetTest, DisabledRulesAreNotEvaluated) {
  GridFixture g{{"AA.A"}};
  ValidationOptions o;
  o.ruleset.disabled = {"CON001"};
  Report r = Check(g, o);
  EXPECT_TRUE(Of(r, "CON001").empty());
  EXPECT_EQ(Outcome(r, "CON001").state, RuleState::kNotEvaluated);
  EXPECT_THAT(Outcome(r, "CON001").reason, HasSubstr("disabled"));
}

}  // namespace
}  // namespace pcnv

namespace pcnv {
namespace {

TEST(WaiverTest, WaivedFindingNeverFailsAndExpiredWaiversAreListed) {
  GridFixture g{{"AA.A"}};  // CON001 ERROR for U00001
  ValidationOptions o;
  o.ruleset.disabled = {"POP001"};  // 300 patients: not what this test is about
  o.as_of = "2026-11-22";
  o.waivers = {{"CON001", "U00001", "Island linked by ferry", "ICB board", "2026-11-22"}};
  Report r = Check(g, o);
  auto con = Of(r, "CON001");
  ASSERT_EQ(con.size(), 1u);
  ASSERT_TRUE(con[0]->waiver.has_value());
  EXPECT_EQ(con[0]->waiver->approved_by, "ICB board");
  EXPECT_EQ(r.summary.waived, 1);
  for (const Finding& f : r.findings) {
    EXPECT_TRUE(f.waiver || f.severity < Severity::kError) << f.rule << " " << f.message;
  }
  EXPECT_EQ(r.summary.verdict, "PASS");
  EXPECT_EQ(r.summary.findings_by_severity.at("ERROR"), 0);

  o.as_of = "2026-11-23";  // the day after expiry: the waiver no longer applies
  Report expired = Check(g, o);
  EXPECT_FALSE(Of(expired, "CON001")[0]->waiver.has_value());
  EXPECT_EQ(expired.summary.verdict, "FAIL");
  ASSERT_EQ(expired.summary.expired_waivers.size(), 1u);
  EXPECT_EQ(expired.summary.expired_waivers[0], "CON001 U00001 expired 2026-11-22");
}

TEST(WaiverTest, WaivedPop001BecomesAWarning) {
  auto ref = testing::MakeReference({});
  ValidationInput in;
  Membership m;
  m.practice_code = "A00001";
  m.pcn_code = "U00001";
  m.row = 1;
  in.memberships = {m};
  in.list_sizes = std::vector<ListSize>{{"A00001", 12000, 1}};
  ValidationOptions o;
  o.waivers = {{"POP001", "U00001", "Rural exception", "Commissioner", "2030-01-01"}};
  o.as_of = "2026-11-22";
  auto r = Validate(*ref, in, o);
  ASSERT_TRUE(r.ok());
  auto pop = Of(*r, "POP001");
  ASSERT_EQ(pop.size(), 1u);
  EXPECT_EQ(pop[0]->severity, Severity::kWarning);
  EXPECT_TRUE(pop[0]->waiver.has_value());
  // Another PCN's waiver does not apply.
  o.waivers[0].pcn = "U00002";
  auto other = Validate(*ref, in, o);
  EXPECT_EQ(Of(*other, "POP001")[0]->severity, Severity::kError);
  EXPECT_EQ(other->summary.verdict, "FAIL");
}

}  // namespace
}  // namespace pcnv

namespace pcnv {
namespace {

TEST(ContiguityTest, MultiPartAreaIsOneUnitNotADetachedFragment) {
  // A coastal area with an islet: its islet is part of the area, not a separate component.
  // (This used to crash: the islet became a component holding no area.)
  std::vector<Area> areas;
  areas.push_back({"E01000001", "",
                   *Geometry::FromWkt("MULTIPOLYGON(((0 0,100 0,100 100,0 100,0 0)),"
                                      "((500 0,510 0,510 10,500 10,500 0)))"),
                   0});
  ReferenceData ref(std::move(areas), {}, {}, {}, "fixture", "");
  ValidationInput in;
  Membership m;
  m.practice_code = "A00001";
  m.pcn_code = "U00001";
  m.row = 1;
  in.memberships = {m};
  in.distribution = Distribution{DistributionLevel::kArea, {{"A00001", "E01000001", 100, 1}}};
  auto r = Validate(ref, in, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(Of(*r, "CON001").empty());
  EXPECT_TRUE(Of(*r, "CON002").empty());
  EXPECT_EQ(r->pcns[0].territory.components, 1);
  EXPECT_EQ(r->pcns[0].territory.parts, 2);
}

}  // namespace
}  // namespace pcnv
