// `pcnv reference build --vintage LAYER=YYYY-MM`: the vintage is stored in the snapshot and
// reported in every report made with it; a bad one is refused before anything is built.
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

using nlohmann::json;
using testing::ReadFile;
using testing::SampleDir;
using testing::TempDir;

TEST(VintageCliTest, StoredInTheSnapshotAndReported) {
  TempDir tmp;
  std::vector<std::string> build = {PCNV_CLI,        "reference",          "build",
                                    "--out",         tmp.File("ref.gpkg"), "--vintage",
                                    "areas=2021-03", "--vintage",          "icb=2022-07"};
  for (const auto& a : testing::SampleLayerFlags()) build.push_back(a);
  auto b = testing::Run(build);
  ASSERT_EQ(b.exit_code, 0) << b.err;

  const std::string s = SampleDir();
  auto v = testing::Run({PCNV_CLI, "validate", "--reference", tmp.File("ref.gpkg"), "--practices",
                         s + "/gp-reg-pat-prac-map.csv", "--distribution",
                         s + "/gp-reg-pat-prac-lsoa-all.csv", "--out", tmp.File("r.json")});
  ASSERT_LE(v.exit_code, 1) << v.err;
  std::map<std::string, std::string> vintage;
  const json report = json::parse(ReadFile(tmp.File("r.json")));
  for (const json& l : report["provenance"]["reference"]["layers"]) {
    vintage[l.at("name").get<std::string>()] = l.value("vintage", std::string());
  }
  EXPECT_EQ(vintage["areas"], "2021-03");
  EXPECT_EQ(vintage["icb"], "2022-07");
  EXPECT_EQ(vintage["community"], "");  // not given, and its file name states none
}

TEST(VintageCliTest, BadVintageIsRefusedNamingTheFlag) {
  TempDir tmp;
  for (const std::string bad : {"areas=2021-13", "stp=2021-03", "areas"}) {
    std::vector<std::string> build = {
        PCNV_CLI, "reference", "build", "--out", tmp.File("ref.gpkg"), "--vintage", bad};
    for (const auto& a : testing::SampleLayerFlags()) build.push_back(a);
    auto b = testing::Run(build);
    EXPECT_EQ(b.exit_code, 2) << bad;
    EXPECT_TRUE(absl::StrContains(b.err, "--vintage " + bad)) << b.err;
  }
}

}  // namespace
}  // namespace pcnv
