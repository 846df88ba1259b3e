// The engine and the issue-2 rules on tiny fixtures. Each threshold is tested on both sides,
// so a changed threshold or a removed rule fails here.
#include "geo/validate.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

using testing::MakeReference;

Membership M(std::string practice, std::string pcn, int row) {
  Membership m;
  m.practice_code = std::move(practice);
  m.practice_name = "Practice " + m.practice_code;
  m.pcn_code = std::move(pcn);
  m.pcn_name = "Network " + m.pcn_code;
  m.row = row;
  return m;
}

using testing::Of;
using testing::Outcome;

const PcnEntry& Pcn(const Report& r, std::string_view code) {
  auto it =
      std::find_if(r.pcns.begin(), r.pcns.end(), [&](const PcnEntry& p) { return p.code == code; });
  EXPECT_NE(it, r.pcns.end()) << code;
  return *it;
}

Report ValidateOk(const ReferenceData& ref, const ValidationInput& in, ValidationOptions o = {}) {
  auto r = Validate(ref, in, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

TEST(ValidateTest, PopulationBoundsAreExact) {
  auto ref = MakeReference({});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1), M("A00002", "U00002", 2), M("A00003", "U00003", 3),
                    M("A00004", "U00004", 4)};
  in.list_sizes = std::vector<ListSize>{
      {"A00001", 29999, 1}, {"A00002", 30000, 2}, {"A00003", 50000, 3}, {"A00004", 50001, 4}};
  Report r = ValidateOk(*ref, in);
  ASSERT_EQ(Of(r, "POP001").size(), 1u);
  EXPECT_EQ(Of(r, "POP001")[0]->pcn, "U00001");
  EXPECT_EQ(Of(r, "POP001")[0]->severity, Severity::kError);
  EXPECT_EQ(std::get<int64_t>(Of(r, "POP001")[0]->values.at("population")), 29999);
  ASSERT_EQ(Of(r, "POP002").size(), 1u);
  EXPECT_EQ(Of(r, "POP002")[0]->pcn, "U00004");
  EXPECT_EQ(Of(r, "POP002")[0]->severity, Severity::kWarning);
  EXPECT_EQ(r.summary.verdict, "FAIL");
  EXPECT_EQ(Pcn(r, "U00002").population_basis, "list_sizes");
}

TEST(ValidateTest, RulesetThresholdsAreHonoured) {
  auto ref = MakeReference({});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1)};
  in.list_sizes = std::vector<ListSize>{{"A00001", 25000, 1}};
  ValidationOptions o;
  o.ruleset.pop_min = 20000;
  EXPECT_TRUE(Of(ValidateOk(*ref, in, o), "POP001").empty());
  o.ruleset.pop_min = 30000;
  o.ruleset.severity["POP001"] = Severity::kWarning;
  Report r = ValidateOk(*ref, in, o);
  ASSERT_EQ(Of(r, "POP001").size(), 1u);
  EXPECT_EQ(Of(r, "POP001")[0]->severity, Severity::kWarning);
  EXPECT_EQ(r.summary.verdict, "PASS");
}

TEST(ValidateTest, PopulationRulesNotEvaluatedWithoutCounts) {
  auto ref = MakeReference({});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1)};
  Report r = ValidateOk(*ref, in);
  for (const char* rule : {"POP001", "POP002", "POP003", "MEM004", "DAT001"}) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kNotEvaluated) << rule;
    EXPECT_FALSE(Outcome(r, rule).reason.empty()) << rule;
  }
  EXPECT_EQ(Outcome(r, "MEM001").state, RuleState::kEvaluated);
  EXPECT_THAT(Outcome(r, "POP001").reason, ::testing::HasSubstr("list sizes"));
}

TEST(ValidateTest, EveryCatalogueRuleHasAnOutcome) {
  auto ref = MakeReference({});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1)};
  Report r = ValidateOk(*ref, in);
  EXPECT_EQ(r.summary.rules.size(), 24u);
  for (const RuleOutcome& o : r.summary.rules) {
    if (o.state == RuleState::kNotEvaluated) EXPECT_FALSE(o.reason.empty()) << o.rule;
  }
}

TEST(ValidateTest, ListSizeAgainstDistributionAtOnePercent) {
  auto ref = MakeReference({{"E01000001", 0, 0}});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1), M("A00002", "U00001", 2)};
  in.list_sizes = std::vector<ListSize>{{"A00001", 1000, 1}, {"A00002", 1000, 2}};
  Distribution d;
  d.rows = {{"A00001", "E01000001", 990, 1},   // exactly 1%: within tolerance
            {"A00002", "E01000001", 989, 2}};  // 1.1%: over
  in.distribution = d;
  Report r = ValidateOk(*ref, in);
  ASSERT_EQ(Of(r, "POP003").size(), 1u);
  EXPECT_EQ(Of(r, "POP003")[0]->practice, "A00002");
  EXPECT_EQ(Of(r, "POP003")[0]->pcn, "U00001");
  EXPECT_EQ(std::get<int64_t>(Of(r, "POP003")[0]->values.at("difference")), -11);
}

TEST(ValidateTest, MembershipRules) {
  auto ref = MakeReference({{"E01000001", 0, 0}});
  ValidationInput in;
  in.memberships = {
      M("A00001", "U00001", 1), M("A00002", "U", 2),
      M("A00003", "", 3),       M("A00004", "U00002", 4),
      M("A00005", "U00002", 5), M("A00004", "U00001", 6)};  // A00004 again, in another PCN
  Distribution d;
  d.rows = {{"A00001", "E01000001", 100, 1},
            {"Z99999", "E01000001", 7, 2},
            {"Z99999", "E01000001", 3, 3}};
  in.distribution = d;
  Report r = ValidateOk(*ref, in);
  auto mem001 = Of(r, "MEM001");
  ASSERT_EQ(mem001.size(), 2u);
  EXPECT_EQ(mem001[0]->practice, "A00002");
  EXPECT_EQ(mem001[1]->practice, "A00003");
  auto mem002 = Of(r, "MEM002");
  ASSERT_EQ(mem002.size(), 1u);
  EXPECT_EQ(mem002[0]->practice, "A00004");
  EXPECT_EQ(std::get<std::string>(mem002[0]->values.at("counted_in")), "U00002");
  // U00001 has A00001 only (A00004 counts in its first PCN, U00002).
  auto mem003 = Of(r, "MEM003");
  ASSERT_EQ(mem003.size(), 1u);
  EXPECT_EQ(mem003[0]->pcn, "U00001");
  EXPECT_EQ(mem003[0]->severity, Severity::kInfo);
  auto mem004 = Of(r, "MEM004");
  ASSERT_EQ(mem004.size(), 1u);
  EXPECT_EQ(mem004[0]->practice, "Z99999");
  EXPECT_EQ(std::get<int64_t>(mem004[0]->values.at("rows")), 2);
  EXPECT_EQ(std::get<int64_t>(mem004[0]->values.at("patients")), 10);
  EXPECT_THAT(Pcn(r, "U00002").practices, ::testing::ElementsAre("A00004", "A00005"));
}

TEST(ValidateTest, UnresolvedDistributionRows) {
  auto ref = MakeReference({{"E01000001", 0, 0}});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1)};
  Distribution d;
  d.rows = {{"A00001", "E01000001", 100, 1},
            {"A00001", "NO2011", 4, 2},
            {"A00001", "E01999999", 6, 3},
            {"A00001", "NO2011", 1, 4}};
  in.distribution = d;
  Report r = ValidateOk(*ref, in);
  auto dat = Of(r, "DAT001");
  ASSERT_EQ(dat.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(dat[0]->values.at("rows")), 3);
  EXPECT_EQ(std::get<int64_t>(dat[0]->values.at("patients")), 11);
  EXPECT_EQ(std::get<int64_t>(dat[0]->values.at("placeholder_area_code_rows")), 2);
  EXPECT_EQ(std::get<int64_t>(dat[0]->values.at("unknown_area_code_patients")), 6);
  EXPECT_THAT(dat[0]->message, ::testing::HasSubstr("row 3 'E01999999'"));
  // Unplaced patients count in the population but not in the territory.
  EXPECT_EQ(Pcn(r, "U00001").population, 111);
  EXPECT_EQ(Pcn(r, "U00001").population_basis, "distribution");
  EXPECT_EQ(Pcn(r, "U00001").territory.patients_in_territory, 100);
}

TEST(ValidateTest, NoDat001WhenEverythingResolves) {
  auto ref = MakeReference({{"E01000001", 0, 0}});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1)};
  in.distribution = Distribution{DistributionLevel::kArea, {{"A00001", "E01000001", 5, 1}}};
  Report r = ValidateOk(*ref, in);
  EXPECT_TRUE(Of(r, "DAT001").empty());
  EXPECT_EQ(Outcome(r, "DAT001").state, RuleState::kEvaluated);
}

// Two PCNs on a 3x1 strip: A owns cells 0 and 2 (detached), B owns cell 1; a tie in cell 1
// between B (U00002) and C (U00003) goes to U00002.
TEST(ValidateTest, MajorityTerritoryMetrics) {
  auto ref = MakeReference({{"E01000001", 0, 0}, {"E01000002", 1, 0}, {"E01000003", 2, 0}});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1), M("A00002", "U00002", 2), M("A00003", "U00003", 3)};
  Distribution d;
  d.rows = {{"A00001", "E01000001", 50, 1},
            {"A00001", "E01000003", 50, 2},
            {"A00002", "E01000002", 20, 3},
            {"A00003", "E01000002", 20, 4},
            {"A00001", "E01000002", 1, 5}};
  in.distribution = d;
  Report r = ValidateOk(*ref, in);
  const PcnEntry& a = Pcn(r, "U00001");
  EXPECT_EQ(a.territory.areas, 2);
  EXPECT_EQ(a.territory.parts, 2);
  EXPECT_DOUBLE_EQ(a.territory.area_km2, 2.0);
  EXPECT_EQ(a.territory.patients_in_territory, 100);
  EXPECT_EQ(Pcn(r, "U00002").territory.areas, 1);
  EXPECT_EQ(Pcn(r, "U00003").territory.areas, 0);
  EXPECT_TRUE(Pcn(r, "U00003").territory_geometry.is_null());
  EXPECT_EQ(r.provenance.method, "majority");
}

TEST(ValidateTest, ShareMethodUsesTheThreshold) {
  auto ref = MakeReference({{"E01000001", 0, 0}, {"E01000002", 1, 0}});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1), M("A00002", "U00002", 2)};
  Distribution d;
  d.rows = {{"A00001", "E01000001", 90, 1},
            {"A00002", "E01000001", 10, 2},
            {"A00002", "E01000002", 100, 3}};
  in.distribution = d;
  ValidationOptions o;
  o.method = CatchmentMethod::kShare;
  o.share_threshold = 0.1;
  Report r = ValidateOk(*ref, in, o);
  EXPECT_EQ(Pcn(r, "U00002").territory.areas, 2);  // 10% share counts at threshold 0.1
  EXPECT_EQ(Pcn(r, "U00002").territory.parts, 1);
  o.share_threshold = 0.11;
  EXPECT_EQ(Pcn(ValidateOk(*ref, in, o), "U00002").territory.areas, 1);
}

TEST(ValidateTest, PostcodeDistributionResolvesByLsoaColumnThenPointInPolygon) {
  absl::flat_hash_map<std::string, PostcodeEntry> pcs;
  pcs["AB11AA"] = {{500, 500}, "E01000002"};  // directory says E01000002 (trusted over location)
  pcs["AB11AB"] = {{1500, 500}, ""};          // no LSOA column: point-in-polygon -> E01000002
  pcs["AB11AC"] = {{9500, 9500}, ""};         // outside every area
  auto ref = MakeReference({{"E01000001", 0, 0}, {"E01000002", 1, 0}}, pcs);
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1)};
  Distribution d{DistributionLevel::kPostcode,
                 {{"A00001", "AB11AA", 10, 1},
                  {"A00001", "AB11AB", 10, 2},
                  {"A00001", "AB11AC", 1, 3},
                  {"A00001", "ZZ99ZZ", 2, 4}}};
  in.distribution = d;
  Report r = ValidateOk(*ref, in);
  EXPECT_EQ(Pcn(r, "U00001").territory.areas, 1);
  EXPECT_EQ(Pcn(r, "U00001").territory.patients_in_territory, 20);
  auto dat = Of(r, "DAT001");
  ASSERT_EQ(dat.size(), 1u);
  EXPECT_EQ(std::get<int64_t>(dat[0]->values.at("unknown_postcode_rows")), 1);
  EXPECT_EQ(std::get<int64_t>(dat[0]->values.at("postcode_outside_areas_rows")), 1);
}

TEST(ValidateTest, BadOptionsAreRequestErrors) {
  auto ref = MakeReference({});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1)};
  ValidationOptions o;
  o.share_threshold = 0;
  EXPECT_EQ(Validate(*ref, in, o).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Validate(*ref, ValidationInput{}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pcnv

namespace pcnv {
namespace {

TEST(ValidateTest, PracticesWithoutAnyCountAreNamed) {
  auto ref = testing::MakeReference({});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1), M("A00002", "U00001", 2)};
  in.list_sizes = std::vector<ListSize>{{"A00001", 12000, 1}};
  Report r = ValidateOk(*ref, in);
  auto pop = Of(r, "POP001");
  ASSERT_EQ(pop.size(), 1u);
  EXPECT_EQ(std::get<std::string>(pop[0]->values.at("practices_without_counts")), "A00002");
  EXPECT_THAT(pop[0]->message, ::testing::HasSubstr("no count for practice A00002"));
}

}  // namespace
}  // namespace pcnv

namespace pcnv {
namespace {

TEST(ValidateTest, PracticesAreGeocodedAndBothCatchmentsDrawn) {
  absl::flat_hash_map<std::string, PostcodeEntry> pcs;
  pcs["AB11AA"] = {{500, 500}, "E01000001"};
  auto ref = testing::MakeReference({{"E01000001", 0, 0}, {"E01000002", 1, 0}}, pcs);
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1), M("A00002", "U", 2), M("A00003", "U00002", 3)};
  in.memberships[0].practice_postcode = "AB11AA";
  in.memberships[2].location = Point{1500, 600};
  in.distribution = Distribution{DistributionLevel::kArea,
                                 {{"A00001", "E01000001", 90, 1},
                                  {"A00001", "E01000002", 10, 2},
                                  {"A00003", "E01000002", 90, 3}}};
  Report r = ValidateOk(*ref, in);
  ASSERT_EQ(r.practices.size(), 3u);
  ASSERT_TRUE(r.practices[0].location.has_value());
  EXPECT_DOUBLE_EQ(r.practices[0].location->x, 500);
  EXPECT_EQ(r.practices[0].status, "ok");
  EXPECT_EQ(r.practices[1].status, "unallocated");
  EXPECT_FALSE(r.practices[1].location.has_value());
  EXPECT_DOUBLE_EQ(r.practices[2].location->y, 600);
  const PcnEntry& a = Pcn(r, "U00001");
  EXPECT_DOUBLE_EQ(a.territory_geometry.Area(), 1e6);        // majority: one area
  EXPECT_DOUBLE_EQ(a.share_catchment_geometry.Area(), 2e6);  // 10% share >= 5%
}

TEST(ValidateTest, OtherCatchmentGeometryOnlyWhenAsked) {
  auto ref = testing::MakeReference({{"E01000001", 0, 0}, {"E01000002", 1, 0}});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1), M("A00003", "U00002", 2)};
  in.distribution = Distribution{DistributionLevel::kArea,
                                 {{"A00001", "E01000001", 90, 1},
                                  {"A00001", "E01000002", 10, 2},
                                  {"A00003", "E01000002", 90, 3}}};
  ValidationOptions o;
  o.other_catchment_geometry = false;
  Report r = ValidateOk(*ref, in, o);
  const PcnEntry& a = Pcn(r, "U00001");
  EXPECT_DOUBLE_EQ(a.territory_geometry.Area(), 1e6);  // the checked one is always there
  EXPECT_TRUE(a.share_catchment_geometry.is_null());
  EXPECT_EQ(a.territory.areas, 1);
  o.method = CatchmentMethod::kShare;
  Report s = ValidateOk(*ref, in, o);
  EXPECT_DOUBLE_EQ(Pcn(s, "U00001").share_catchment_geometry.Area(), 2e6);
  EXPECT_TRUE(Pcn(s, "U00001").territory_geometry.is_null());
}

// on_pcn_ready: once per PCN, with the PCN entry and exactly the report's findings about it
// (whole-configuration rules and per-PCN rules alike), waivers applied, in report order.
TEST(ValidateTest, EachPcnIsHandedOverOnceWithItsFindings) {
  auto ref = MakeReference({{"E01000001", 0, 0}, {"E01000002", 1, 0}, {"E01000003", 5, 5}});
  ValidationInput in;
  in.memberships = {M("A00001", "U00001", 1), M("A00002", "U00002", 2), M("A00003", "U00002", 3),
                    M("A00003", "U00003", 4), M("A00004", "U00003", 5)};
  in.distribution = Distribution{DistributionLevel::kArea,
                                 {{"A00001", "E01000001", 900, 1},
                                  {"A00001", "E01000003", 100, 2},
                                  {"A00002", "E01000002", 500, 3},
                                  {"A00003", "E01000002", 400, 4},
                                  {"A00004", "E01000003", 30, 5}}};
  ValidationOptions o;
  o.waivers = {{"POP001", "U00002", "merging in April", "ICB board", "2099-01-01"}};
  absl::Mutex mu;
  std::map<std::string, std::pair<int, std::vector<Finding>>> seen;
  o.on_pcn_ready = [&](const PcnEntry& pcn, const std::vector<Finding>& findings) {
    absl::MutexLock lock(&mu);
    auto& [calls, copy] = seen[pcn.code];
    ++calls;
    copy = findings;
  };
  Report r = ValidateOk(*ref, in, o);
  ASSERT_EQ(seen.size(), r.pcns.size());
  std::map<std::string, std::vector<const Finding*>> want;
  for (const Finding& f : r.findings) {
    if (!f.pcn.empty()) want[f.pcn].push_back(&f);
  }
  std::set<std::string> rules;
  for (const PcnEntry& pcn : r.pcns) {
    const auto& [calls, got] = seen[pcn.code];
    EXPECT_EQ(calls, 1) << pcn.code;
    ASSERT_EQ(got.size(), want[pcn.code].size()) << pcn.code;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].rule, want[pcn.code][i]->rule);
      EXPECT_EQ(got[i].message, want[pcn.code][i]->message);
      EXPECT_EQ(got[i].severity, want[pcn.code][i]->severity);
      EXPECT_EQ(got[i].waiver.has_value(), want[pcn.code][i]->waiver.has_value());
      rules.insert(got[i].rule);
    }
  }
  // Both kinds of rule reached the callback: MEM003 (U00001 and U00003 have one practice each)
  // is a whole-configuration rule, POP001 and CON001 are checked per PCN; the POP001 waiver
  // shows in the callback too.
  EXPECT_TRUE(rules.contains("MEM003"));
  EXPECT_TRUE(rules.contains("POP001"));
  EXPECT_TRUE(rules.contains("CON001"));
  bool waived = false;
  for (const Finding& f : seen["U00002"].second) waived |= f.waiver.has_value();
  EXPECT_TRUE(waived);
}

}  // namespace
}  // namespace pcnv
