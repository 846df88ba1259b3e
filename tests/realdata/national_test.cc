// Issue 3 acceptance, national run: all of England's PCNs from the January 2022 map on the
// practice-location basis (no distribution, no declared boundaries, no area polygons) against
// icb22.shp (icb), CCG21 (sub-icb), STP21 (stp) and LTLA24 (community). Every rule must be
// EVALUATED, or NOT_EVALUATED with a reason naming what it needs.
//
// And the vintage case: the August 2026 map declares 36 ICBs, 7 with codes the July 2022 ICB
// polygons do not hold; that is one NEST002 warning naming the 7 codes, not an error per PCN.
#include <iomanip>
#include <iostream>
#include <set>
#include <string>

#include "absl/strings/str_split.h"
#include "geo/io/readers.h"
#include "geo/rules/registry.h"
#include "geo/validate.h"
#include "gtest/gtest.h"
#include "tests/realdata/independent_nesting.h"
#include "tests/realdata/realdata_util.h"
#include "tests/support/test_support.h"

namespace pcnv::realdata {
namespace {

std::string Data() { return ::pcnv::testing::SharedData(); }

TEST(NationalRealDataTest, AllEnglandPcns2022OnPracticeLocations) {
  PCNV_REQUIRE_REAL_DATA();
  std::string error;
  std::shared_ptr<const ReferenceData> ref = NationalReference(&error);
  ASSERT_NE(ref, nullptr) << error;
  ASSERT_EQ(ref->footprint_layers().size(), 4u);
  Stopwatch watch;
  auto memberships = io::ReadPracticeMap(Data() + "/nhsd/gp-reg-pat-prac-map_2022-01.csv");
  ASSERT_TRUE(memberships.ok()) << memberships.status();
  auto sizes = io::ReadListSizes(Data() + "/nhsd/gp-reg-pat-prac-all_2021-01.csv");
  ASSERT_TRUE(sizes.ok()) << sizes.status();
  ValidationInput input;
  input.memberships = std::move(*memberships);
  input.list_sizes = std::move(*sizes);
  const double read_seconds = watch.Seconds();
  Stopwatch validate_watch;
  auto report = Validate(*ref, input, ValidationOptions{});
  ASSERT_TRUE(report.ok()) << report.status();
  const double validate_seconds = validate_watch.Seconds();

  EXPECT_GT(report->pcns.size(), 1200u);
  // Every catalogued rule has an outcome; each is evaluated or says why not.
  std::set<std::string> with_outcome;
  std::map<std::string, int> by_rule = CountByRule(*report);
  std::cout << "[national 2022-01] " << report->pcns.size() << " PCNs, "
            << report->summary.practices << " practices, " << report->findings.size()
            << " findings; read " << read_seconds << " s, validate " << validate_seconds
            << " s (reference, shared: " << NationalReferenceSeconds() << " s)\n";
  for (const RuleOutcome& o : report->summary.rules) {
    with_outcome.insert(o.rule);
    if (o.state == RuleState::kNotEvaluated) {
      EXPECT_FALSE(o.reason.empty()) << o.rule << " is NOT_EVALUATED without a reason";
    }
    EXPECT_EQ(o.findings, by_rule[o.rule]) << o.rule;
    std::cout << "  " << std::left << std::setw(7) << o.rule << " "
              << (o.state == RuleState::kEvaluated ? "EVALUATED     " : "NOT_EVALUATED ")
              << std::right << std::setw(5) << o.findings
              << (o.reason.empty() ? "" : "  (" + o.reason + ")") << "\n";
  }
  for (const RuleInfo& r : RuleCatalogue()) {
    EXPECT_TRUE(with_outcome.contains(std::string(r.code))) << r.code << " has no outcome";
  }
  // The rules the practice-location basis supports are evaluated.
  for (const RuleOutcome& o : report->summary.rules) {
    for (const char* rule : {"POP001", "POP002", "MEM001", "MEM002", "MEM003", "NEST001", "NEST002",
                             "NEST003", "COM001", "GEO001", "CMP002"}) {
      if (o.rule == rule) {
        EXPECT_EQ(o.state, RuleState::kEvaluated) << o.rule << ": " << o.reason;
      }
    }
  }
  for (const Finding& f : report->findings) {
    if (f.rule.starts_with("NEST") || f.rule == "COM001") {
      if (!f.values.contains("basis")) continue;  // the vintage-mismatch finding has none
      EXPECT_EQ(std::get<std::string>(f.values.at("basis")), "practice_locations") << f.message;
    }
  }
  std::map<std::string, int> by_layer;
  for (const Finding& f : report->findings) {
    if (f.rule != "NEST002") continue;
    const std::string layer = std::get<std::string>(f.values.at("layer"));
    by_layer[f.pcn.empty() ? layer + " (vintage mismatch)" : layer]++;
  }
  std::cout << "  NEST002 by layer:";
  for (const auto& [layer, n] : by_layer) std::cout << " " << layer << " " << n << ";";
  std::cout << "\n";
  EXPECT_LT(validate_seconds, 60);
}

// The 2026 map against ICB polygons of July 2022: 7 of its 36 ICB codes are new (2026
// mergers). Those PCNs are not checked; one WARNING names the codes. The remaining PCNs are
// checked as usual, and their NEST002 errors match the independent count.
TEST(NationalRealDataTest, Map2026AgainstIcb22IsOneVintageMismatchWarning) {
  PCNV_REQUIRE_REAL_DATA();
  std::string error;
  std::shared_ptr<const ReferenceData> national = NationalReference(&error);
  ASSERT_NE(national, nullptr) << error;
  const std::string map_csv = Data() + "/nhsd/gp-reg-pat-prac-map_2026-08.csv";
  const std::string sizes_csv = Data() + "/nhsd/gp-reg-pat-prac-all_2021-01.csv";
  auto memberships = io::ReadPracticeMap(map_csv);
  ASSERT_TRUE(memberships.ok()) << memberships.status();
  auto sizes = io::ReadListSizes(sizes_csv);
  ASSERT_TRUE(sizes.ok()) << sizes.status();

  // A snapshot with the ICB layer only (the shared one's), and only the postcodes the map's
  // practices need, so no other layer's codes are involved.
  const FootprintLayer* icb = national->footprint_layer(FootprintKind::kIcb);
  ASSERT_NE(icb, nullptr);
  absl::flat_hash_map<std::string, PostcodeEntry> postcodes;
  for (const Membership& m : *memberships) {
    if (const PostcodeEntry* e = national->FindPostcode(m.practice_postcode)) {
      postcodes[m.practice_postcode] = *e;
    }
  }
  std::vector<GeometryRepair> repairs;
  for (const GeometryRepair& r : national->repairs()) {
    if (r.layer == "icb") repairs.push_back(r);
  }
  ReferenceData ref({}, {*icb}, std::move(postcodes), {}, "", "", repairs);

  ValidationInput input;
  input.memberships = std::move(*memberships);
  input.list_sizes = std::move(*sizes);
  Stopwatch watch;
  auto report = Validate(ref, input, ValidationOptions{});
  ASSERT_TRUE(report.ok()) << report.status();
  const double validate_seconds = watch.Seconds();

  // Independent: the map's ICB codes the shapefile lacks, and the NEST002 errors expected for
  // the PCNs whose ICB it holds.
  MapFacts facts = ReadMapFacts(map_csv, sizes_csv, Data() + "/postcodes/nspl_2025-05");
  std::vector<RawFeature> icb22 = ReadRawLayer(Data() + "/ons/icb22.shp", "ICB22CD");
  ASSERT_EQ(icb22.size(), 42u);
  NestingExpectation expected = ExpectNest002(facts, "ONS_ICB_CODE", "ICB_CODE", icb22);
  std::set<std::string> map_icbs, shp_icbs;
  for (const auto& row : facts.rows) map_icbs.insert(row.at("ONS_ICB_CODE"));
  for (const RawFeature& f : icb22) shp_icbs.insert(f.code);
  std::set<std::string> new_codes;
  for (const std::string& c : map_icbs) {
    if (!shp_icbs.contains(c)) new_codes.insert(c);
  }
  EXPECT_EQ(map_icbs.size(), 36u);
  EXPECT_EQ(new_codes.size(), 7u);  // data README: 7 ICBs with new codes not in icb22

  std::vector<const Finding*> vintage;
  std::set<std::string> errors;
  for (const Finding& f : report->findings) {
    if (f.rule != "NEST002") continue;
    if (f.pcn.empty()) {
      vintage.push_back(&f);
    } else {
      EXPECT_EQ(f.severity, Severity::kError);
      errors.insert(f.pcn);
    }
  }
  ASSERT_EQ(vintage.size(), 1u);
  const Finding& v = *vintage[0];
  EXPECT_EQ(v.severity, Severity::kWarning);
  std::set<std::string> unmatched_codes;
  for (absl::string_view c :
       absl::StrSplit(std::get<std::string>(v.values.at("unmatched_codes")), ',')) {
    unmatched_codes.insert(std::string(c));
  }
  EXPECT_EQ(unmatched_codes, new_codes);
  size_t expected_not_checked = 0;
  std::set<std::string> expected_unmatched_codes;
  for (const auto& [code, pcns] : expected.unmatched) {
    expected_not_checked += pcns.size();
    expected_unmatched_codes.insert(code);
  }
  EXPECT_EQ(expected_unmatched_codes, new_codes);
  EXPECT_EQ(std::get<int64_t>(v.values.at("pcns_not_checked")),
            static_cast<int64_t>(expected_not_checked));
  EXPECT_EQ(errors, expected.mismatched_pcns);
  std::cout << "[vintage 2026-08 vs icb22] " << v.message << "\n  NEST002 errors for the "
            << expected.pcns_with_dominant << " PCNs checked: " << errors.size() << " (independent "
            << expected.mismatched_pcns.size() << "); validate " << validate_seconds << " s\n";
}

}  // namespace
}  // namespace pcnv::realdata
