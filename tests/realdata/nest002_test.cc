// Issue 3 acceptance, NEST002 on real data: the practices of the January 2022 map (older
// ONS_CCG_CODE / ONS_STP_CODE columns), located by postcode through the May 2025 NSPL and
// weighted by their January 2021 list sizes, against the April 2021 CCG polygons (as sub-icb)
// and STP polygons (as stp). No distribution: the practice-location basis.
//
// pcnv side: io::ReadPracticeMap, io::ReadListSizes, the shared national reference
// (io::BuildReference, built once per binary) and Validate. Independent side: see
// independent_nesting.h (raw CSV, raw NSPL text, OGR reprojection and point-in-polygon).
#include <iostream>
#include <set>
#include <string>

#include "geo/io/readers.h"
#include "geo/validate.h"
#include "gtest/gtest.h"
#include "tests/realdata/independent_nesting.h"
#include "tests/realdata/realdata_util.h"
#include "tests/support/test_support.h"

namespace pcnv::realdata {
namespace {

std::string Data() { return ::pcnv::testing::SharedData(); }

struct LayerCase {
  FootprintKind kind;
  std::string file, code_field, column, fallback;
};

TEST(Nest002RealDataTest, Map2022AgainstCcg21AndStp21MatchesIndependentPointInPolygon) {
  PCNV_REQUIRE_REAL_DATA();
  std::string error;
  std::shared_ptr<const ReferenceData> ref = NationalReference(&error);
  ASSERT_NE(ref, nullptr) << error;
  Stopwatch watch;

  // pcnv.
  const std::string map_csv = Data() + "/nhsd/gp-reg-pat-prac-map_2022-01.csv";
  const std::string sizes_csv = Data() + "/nhsd/gp-reg-pat-prac-all_2021-01.csv";
  auto memberships = io::ReadPracticeMap(map_csv);
  ASSERT_TRUE(memberships.ok()) << memberships.status();
  auto sizes = io::ReadListSizes(sizes_csv);
  ASSERT_TRUE(sizes.ok()) << sizes.status();
  ValidationInput input;
  input.memberships = std::move(*memberships);
  input.list_sizes = std::move(*sizes);
  auto report = Validate(*ref, input, ValidationOptions{});
  ASSERT_TRUE(report.ok()) << report.status();
  const double pcnv_seconds = watch.Seconds();

  // Independent.
  Stopwatch independent_watch;
  MapFacts facts = ReadMapFacts(map_csv, sizes_csv, Data() + "/postcodes/nspl_2025-05");
  ASSERT_GT(facts.pcns.size(), 1200u);
  // Nearly every practice postcode is in the 2025 directory (it keeps terminated postcodes).
  EXPECT_GT(facts.located, static_cast<int>(facts.practices.size()) * 99 / 100);

  const LayerCase cases[] = {
      {FootprintKind::kSubIcb, "boundaries_ccg21.geojson", "ccg21_code", "ONS_CCG_CODE",
       "CCG_CODE"},
      {FootprintKind::kStp, "boundaries_stp21.geojson", "stp21_code", "ONS_STP_CODE", "STP_CODE"},
  };
  for (const LayerCase& c : cases) {
    const std::string kind(FootprintKindName(c.kind));
    std::vector<RawFeature> layer = ReadRawLayer(Data() + "/ons/" + c.file, c.code_field);
    NestingExpectation expected = ExpectNest002(facts, c.column, c.fallback, layer);

    std::set<std::string> found;
    int vintage_findings = 0;
    for (const Finding& f : report->findings) {
      if (f.rule != "NEST002" || std::get<std::string>(f.values.at("layer")) != kind) continue;
      if (f.pcn.empty()) {
        ++vintage_findings;
        continue;
      }
      EXPECT_EQ(f.severity, Severity::kError) << f.message;
      EXPECT_EQ(std::get<std::string>(f.values.at("basis")), "practice_locations");
      EXPECT_TRUE(found.insert(f.pcn).second) << "two NEST002 " << kind << " for " << f.pcn;
    }
    // The acceptance criterion: the count equals the independent count (and so does the set).
    EXPECT_EQ(found.size(), expected.mismatched_pcns.size()) << kind;
    EXPECT_EQ(found, expected.mismatched_pcns) << kind;
    // The map uses exactly the codes of these April 2021 layers: no vintage mismatch.
    EXPECT_TRUE(expected.unmatched.empty()) << kind;
    EXPECT_EQ(vintage_findings, expected.unmatched.empty() ? 0 : 1) << kind;
    std::cout << "[NEST002 " << kind << "] " << found.size() << " PCNs declared in a "
              << (c.kind == FootprintKind::kSubIcb ? "CCG" : "STP")
              << " other than the one holding most of their list size (independent: "
              << expected.mismatched_pcns.size() << " of " << expected.pcns_with_dominant
              << " PCNs placed; " << expected.practices_outside
              << " located practices outside every polygon)\n";
  }
  std::cout << "[NEST002] practices located " << facts.located << "/" << facts.practices.size()
            << " (" << facts.practice_postcodes << " distinct postcodes); reference "
            << NationalReferenceSeconds() << " s (shared), pcnv read+validate " << pcnv_seconds
            << " s, independent " << independent_watch.Seconds() << " s\n";
}

}  // namespace
}  // namespace pcnv::realdata
