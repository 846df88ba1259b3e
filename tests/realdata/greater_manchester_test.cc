// Issue 3 acceptance, Greater Manchester: every invalid polygon of the LSOA 2021 generalised
// (BGC) layer is reported as GEO001 with GEOS's reason and repaired.
//
// pcnv side: io::BuildReference with the layer as areas, then Validate (GEO001 reads the
// snapshot's repairs). Independent side: the layer read with OGR, reprojected with OGR, each
// geometry checked with the GEOS C API (GEOSisValidReason) and repaired with OGR's make-valid.
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "geo/io/reference_store.h"
#include "geo/validate.h"
#include "gtest/gtest.h"
#include "tests/realdata/realdata_util.h"
#include "tests/support/test_support.h"

namespace pcnv::realdata {
namespace {

// Validate needs at least one practice row; GEO001 reads only the reference snapshot.
ValidationInput OnePractice() {
  ValidationInput input;
  Membership m;
  m.practice_code = "P84001";  // a Manchester practice; any row would do
  m.pcn_code = "U00001";
  m.row = 1;
  input.memberships.push_back(m);
  return input;
}

TEST(GreaterManchesterTest, InvalidLsoa2021PolygonsAreReportedAndRepaired) {
  PCNV_REQUIRE_REAL_DATA();
  Stopwatch watch;
  const std::string path =
      ::pcnv::testing::SharedData() + "/greater_manchester/lsoa_2021_gm_lsoa_generalised.geojson";

  // Independent: which features GEOS finds invalid (in EPSG:27700, where pcnv checks), why,
  // and what make-valid makes of them.
  std::map<std::string, std::string> expected_reason;  // code -> GEOS reason
  std::map<std::string, int> expected_feature;
  std::map<std::string, double> repaired_area;
  std::vector<RawFeature> raw = ReadRawLayer(path, "area_code");
  ASSERT_EQ(raw.size(), 1702u);
  for (const RawFeature& f : raw) {
    std::string reason = GeosInvalidReason(f.geometry.get());
    if (reason.empty()) continue;
    expected_reason[f.code] = reason;
    expected_feature[f.code] = f.feature;
    repaired_area[f.code] = OGR_G_Area(RepairedPolygonal(f.geometry.get()).get());
  }
  EXPECT_EQ(expected_reason.size(), 4u);  // README: 4 invalid geometries

  // pcnv.
  io::ReferenceSources src;
  src.areas = io::LayerSpec{path, "area_code", "", ""};
  auto ref = io::BuildReference(src);
  ASSERT_TRUE(ref.ok()) << ref.status();
  ASSERT_EQ((*ref)->areas().size(), 1702u);
  auto report = Validate(**ref, OnePractice(), ValidationOptions{});
  ASSERT_TRUE(report.ok()) << report.status();

  std::set<std::string> reported;
  for (const Finding& f : report->findings) {
    if (f.rule != "GEO001") continue;
    const std::string code = std::get<std::string>(f.values.at("code"));
    reported.insert(code);
    ASSERT_TRUE(expected_reason.contains(code)) << "unexpected GEO001: " << f.message;
    EXPECT_EQ(f.severity, Severity::kWarning) << f.message;  // repaired, not refused
    EXPECT_EQ(std::get<std::string>(f.values.at("layer")), "areas");
    EXPECT_EQ(std::get<std::string>(f.values.at("repaired")), "yes");
    EXPECT_EQ(std::get<int64_t>(f.values.at("feature")), expected_feature[code]);
    // GEOS's reason with its location, e.g. "Self-intersection[383120.5 401234.1]": the same
    // text as GEOS gives here (both reproject with PROJ's EPSG:4326 -> 27700 pipeline).
    const std::string reason = std::get<std::string>(f.values.at("reason"));
    EXPECT_EQ(reason, expected_reason[code]) << code;
    EXPECT_NE(f.message.find(expected_reason[code].substr(0, expected_reason[code].find('['))),
              std::string::npos)
        << f.message;
    std::cout << "[Greater Manchester] GEO001 " << code << " (feature " << expected_feature[code]
              << "): " << reason << "\n";
  }
  std::set<std::string> expected_codes;
  for (const auto& [code, reason] : expected_reason) expected_codes.insert(code);
  EXPECT_EQ(reported, expected_codes);

  // Every area of the snapshot is valid; the repaired ones keep the area make-valid gives.
  for (const Area& a : (*ref)->areas()) {
    EXPECT_EQ(a.geometry.InvalidReason(), "") << a.code;
    EXPECT_GT(a.geometry.Area(), 0) << a.code;
    if (auto it = repaired_area.find(a.code); it != repaired_area.end()) {
      EXPECT_NEAR(a.geometry.Area(), it->second, it->second * 1e-6) << a.code;
    }
  }
  std::cout << "[Greater Manchester] " << reported.size() << " GEO001 of 1702 LSOAs, "
            << watch.Seconds() << " s\n";
}

// With repair off the same polygons are refused: GEO001 becomes an ERROR.
TEST(GreaterManchesterTest, RepairOffTurnsGeo001IntoErrors) {
  PCNV_REQUIRE_REAL_DATA();
  io::ReferenceSources src;
  src.areas = io::LayerSpec{
      ::pcnv::testing::SharedData() + "/greater_manchester/lsoa_2021_gm_lsoa_generalised.geojson",
      "area_code", "", ""};
  auto ref = io::BuildReference(src);
  ASSERT_TRUE(ref.ok()) << ref.status();
  ValidationOptions options;
  options.ruleset.repair_geometry = false;
  auto report = Validate(**ref, OnePractice(), options);
  ASSERT_TRUE(report.ok()) << report.status();
  int errors = 0;
  for (const Finding& f : report->findings) {
    if (f.rule == "GEO001") errors += f.severity == Severity::kError;
  }
  EXPECT_EQ(errors, 4);
}

}  // namespace
}  // namespace pcnv::realdata
