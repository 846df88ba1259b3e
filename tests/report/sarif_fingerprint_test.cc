// SARIF partialFingerprints: one per distinct finding (two fragments of one PCN differ), the
// same in every run; and numbers in people's tables never in e-notation.
#include <set>

#include "absl/strings/str_cat.h"
#include "geo/report_view.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "report/disclosure.h"
#include "report/sarif.h"
#include "tests/report/report_test_util.h"

namespace pcnv {
namespace {

using pcnv::testing::TinyReport;
using pcnv::testing::Wkt;

Report TwoFragmentsOfOnePcn() {
  Report r = TinyReport();
  for (int i = 0; i < 2; ++i) {
    Finding f;
    f.rule = "CON002";
    f.severity = Severity::kInfo;
    f.pcn = "U00001";
    f.message = "U00001 has a small detached fragment.";
    f.values = {{"patients", std::string("<5")}};
    const int x = 440000 + i * 1000;
    f.geometry = Wkt(absl::StrCat("POLYGON((", x, " 380000,", x + 500, " 380000,", x + 500,
                                  " 380500,", x, " 380500,", x, " 380000))"));
    r.findings.push_back(f);
  }
  // NEST002 against the ICB and against the sub-ICB layer: no geometry, no areas; the layer
  // tells them apart.
  for (const char* layer : {"icb", "sub-icb"}) {
    Finding f;
    f.rule = "NEST002";
    f.severity = Severity::kError;
    f.pcn = "U00001";
    f.message = "declared footprint differs";
    f.values = {{"layer", std::string(layer)}, {"dominant_share", 0.52}};
    r.findings.push_back(f);
  }
  // Two alike in everything the fingerprint reads: told apart by their order.
  for (int i = 0; i < 2; ++i) {
    Finding f;
    f.rule = "DAT001";
    f.severity = Severity::kWarning;
    f.message = absl::StrCat("row ", i);
    r.findings.push_back(f);
  }
  return r;
}

std::vector<std::string> Fingerprints(const std::string& sarif) {
  std::vector<std::string> out;
  const nlohmann::json log = nlohmann::json::parse(sarif);
  for (const auto& result : log["runs"][0]["results"]) {
    out.push_back(result["partialFingerprints"]["pcnvFinding/v1"].get<std::string>());
  }
  return out;
}

TEST(SarifFingerprintTest, UniquePerFindingAndStableAcrossRuns) {
  const Report r = TwoFragmentsOfOnePcn();
  const std::vector<std::string> first =
      Fingerprints(report::RenderSarif(ViewForValidate(r, Severity::kError)));
  ASSERT_EQ(first.size(), r.findings.size());
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size());
  const std::vector<std::string> again =
      Fingerprints(report::RenderSarif(ViewForValidate(TwoFragmentsOfOnePcn(), Severity::kError)));
  EXPECT_EQ(first, again);
}

TEST(FixedNumberTest, NeverENotation) {
  EXPECT_EQ(report::FixedNumber(1234567.8), "1,234,568");
  EXPECT_EQ(report::FixedNumber(-25000.4), "-25,000");
  EXPECT_EQ(report::FixedNumber(12.3456), "12.35");
  EXPECT_EQ(report::FixedNumber(0.0423), "0.0423");
  EXPECT_EQ(report::FixedNumber(0.00001234), "0.00001234");
  EXPECT_EQ(report::FixedNumber(0.5), "0.5");
  EXPECT_EQ(report::FixedNumber(0), "0");
  EXPECT_EQ(report::FixedNumber(999.96), "1,000");  // rounds up across the grouping boundary
  EXPECT_EQ(report::FixedNumber(-0.00004567), "-0.00004567");
  for (double d : {1e9, 3.3e-9, 123456.0, 7e-5}) {
    EXPECT_EQ(report::FixedNumber(d).find('e'), std::string::npos) << d;
  }
  EXPECT_EQ(report::DisplayValue("area_m2", 2.5e6), "2,500,000");
}

}  // namespace
}  // namespace pcnv
