// Layer vintages: read from file names when unambiguous, given with --vintage LAYER=YYYY-MM.
#include "absl/strings/match.h"
#include "geo/io/reference_store.h"
#include "gtest/gtest.h"

namespace pcnv::io {
namespace {

TEST(VintageFromFileNameTest, OneYearMonthInTheName) {
  EXPECT_EQ(VintageFromFileName("/data/ods/epraccur_2022-02.csv"), "2022-02");
  EXPECT_EQ(VintageFromFileName("gp-reg-pat-prac-map_2026-08.csv"), "2026-08");
  EXPECT_EQ(VintageFromFileName("/data/postcodes/nspl_2025-05"), "2025-05");
  EXPECT_EQ(VintageFromFileName("/data/postcodes/nspl_2025-05/"), "2025-05");
  EXPECT_EQ(VintageFromFileName("lsoa_202103.geojson"), "2021-03");
}

TEST(VintageFromFileNameTest, NothingWhenAmbiguousOrAbsent) {
  EXPECT_EQ(VintageFromFileName("icb22.shp"), "");                    // two-digit year
  EXPECT_EQ(VintageFromFileName("boundaries_lsoa11.geojson"), "");    // no date
  EXPECT_EQ(VintageFromFileName("lsoa_2021-03_to_2022-07.csv"), "");  // two dates
  EXPECT_EQ(VintageFromFileName("extract_20220513.csv"), "");         // a day, not a vintage
  EXPECT_EQ(VintageFromFileName("areas_2021-13.geojson"), "");        // no month 13
}

TEST(AddVintagesTest, GivenVintagesAreCheckedAgainstTheLayersBuilt) {
  ReferenceSources src;
  src.areas = LayerSpec{"areas.geojson", "code"};
  src.postcodes = "postcodes.csv";
  ASSERT_TRUE(AddVintages({"areas=2021-03", "postcodes=2025-05"}, src).ok());
  EXPECT_EQ(src.vintages.at("areas"), "2021-03");
  EXPECT_EQ(src.vintages.at("postcodes"), "2025-05");

  ReferenceSources again = src;
  again.vintages.clear();
  absl::Status twice = AddVintages({"areas=2021-03", "areas=2022-03"}, again);
  EXPECT_TRUE(absl::StrContains(twice.message(), "given twice")) << twice;
  absl::Status unknown = AddVintages({"icb=2022-07"}, again);
  EXPECT_TRUE(absl::StrContains(unknown.message(), "no layer 'icb'")) << unknown;
  EXPECT_TRUE(absl::StrContains(unknown.message(), "areas, postcodes")) << unknown;
  for (const char* bad : {"areas", "areas=2021", "areas=2021-13", "areas=21-03", "areas=2021-3"}) {
    absl::Status s = AddVintages({bad}, again);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StrContains(s.message(), "LAYER=YYYY-MM")) << bad << ": " << s;
  }
}

}  // namespace
}  // namespace pcnv::io
