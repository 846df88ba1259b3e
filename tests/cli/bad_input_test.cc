// Bad input never crashes the CLI: each case exits 2 with a message naming the file, the row or
// feature, and the field. Runs the real `pcnv` binary.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::WriteFile;

constexpr char kMapHeader[] =
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
    "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,"
    "ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME\n";
constexpr char kMapRow[] =
    "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE SURGERY,ZZ1 1AA,U00001,ONE PCN,E38000001,00A,"
    "SUB,E54000001,QAA,ICB,E40000001,Y00,REGION\n";
constexpr char kLsoaHeader[] =
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n";

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(map_, std::string(kMapHeader) + kMapRow);
    WriteFile(sizes_, "practice_code,patients\nA00001,31000\n");
    WriteFile(dist_, std::string(kLsoaHeader) +
                         "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE,E01000001,ALL,31000\n");
    WriteFile(
        areas_,
        R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[)"
        R"({"type":"Feature","properties":{"code":"E01000001"},"geometry":{"type":"Polygon","coordinates":[[[400000,300000],[401000,300000],[401000,301000],[400000,301000],[400000,300000]]]}}]})");
  }

  // Runs `pcnv validate` with the good inputs, overridden by `extra` flags given later.
  testing::CommandResult Validate(std::vector<std::string> extra) {
    std::vector<std::string> argv = {PCNV_CLI, "validate", "--out", tmp_.File("r.json")};
    bool has_practices = false;
    for (const auto& a : extra) has_practices |= a == "--practices";
    if (!has_practices) {
      argv.insert(argv.end(), {"--practices", map_});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    return pcnv::testing::Run(argv);
  }

  void ExpectBadInput(const testing::CommandResult& r, const std::vector<std::string>& must_name) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("pcnv: error: "));
    for (const auto& s : must_name) EXPECT_THAT(r.err, HasSubstr(s)) << r.err;
  }

  TempDir tmp_;
  std::string map_ = tmp_.File("map.csv");
  std::string sizes_ = tmp_.File("sizes.csv");
  std::string dist_ = tmp_.File("dist.csv");
  std::string areas_ = tmp_.File("areas.geojson");
};

TEST_F(BadInputTest, GoodInputsValidate) {
  auto r = Validate({"--list-sizes", sizes_, "--distribution", dist_, "--areas", areas_ + ":code"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("PASS"));
}

TEST_F(BadInputTest, MissingFile) {
  ExpectBadInput(Validate({"--list-sizes", tmp_.File("nope.csv")}), {"nope.csv"});
}

TEST_F(BadInputTest, TruncatedPracticeMap) {
  std::string row(kMapRow);
  WriteFile(map_, std::string(kMapHeader) + kMapRow + row.substr(0, 40));
  ExpectBadInput(Validate({}), {"map.csv", "row 2"});
}

TEST_F(BadInputTest, WrongHeader) {
  WriteFile(map_, "PRACTICE,NETWORK\nA00001,U00001\n");
  ExpectBadInput(Validate({}), {"map.csv", "PRACTICE_CODE", "columns found: PRACTICE, NETWORK"});
}

TEST_F(BadInputTest, NegativeCount) {
  WriteFile(dist_, std::string(kLsoaHeader) +
                       "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE,E01000001,ALL,100\n"
                       "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE,E01000002,ALL,-4\n");
  ExpectBadInput(Validate({"--distribution", dist_}),
                 {"dist.csv", "row 2", "NUMBER_OF_PATIENTS", "-4"});
}

TEST_F(BadInputTest, NonNumericListSize) {
  WriteFile(sizes_, "practice_code,patients\nA00001,lots\n");
  ExpectBadInput(Validate({"--list-sizes", sizes_}), {"sizes.csv", "row 1", "patients", "lots"});
}

TEST_F(BadInputTest, NanCoordinates) {
  WriteFile(map_, "practice_code,pcn_code,easting,northing\nA00001,U00001,nan,300000\n");
  ExpectBadInput(Validate({}), {"map.csv", "row 1", "easting"});
}

TEST_F(BadInputTest, OutOfRangeLatitude) {
  WriteFile(map_, "practice_code,pcn_code,lat,lon\nA00001,U00001,95.0,-1.5\n");
  ExpectBadInput(Validate({}), {"map.csv", "row 1", "lat"});
}

TEST_F(BadInputTest, UnknownFootprintKind) {
  ExpectBadInput(Validate({"--footprint", "county=" + areas_}), {"county", "--footprint"});
}

TEST_F(BadInputTest, UnknownMethod) {
  ExpectBadInput(Validate({"--method", "biggest"}), {"--method", "biggest"});
}

TEST_F(BadInputTest, MissingCodeFieldListsTheFieldsThereAre) {
  ExpectBadInput(Validate({"--areas", areas_ + ":LSOA99CD"}),
                 {"areas.geojson", "LSOA99CD", "code"});
}

TEST_F(BadInputTest, NonPolygonGeometryNamesTheFeature) {
  WriteFile(
      areas_,
      R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[)"
      R"({"type":"Feature","properties":{"code":"E01000001"},"geometry":{"type":"Point","coordinates":[400000,300000]}}]})");
  ExpectBadInput(Validate({"--areas", areas_ + ":code"}), {"areas.geojson", "feature 1"});
}

TEST_F(BadInputTest, UnknownAreaCodesAreFindingsNotErrors) {
  // An area code the reference does not hold is data to report (DAT001), not a bad request.
  WriteFile(dist_, std::string(kLsoaHeader) +
                       "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE,E01999999,ALL,31000\n");
  auto r = Validate({"--distribution", dist_, "--areas", areas_ + ":code"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("DAT001"));
}

TEST_F(BadInputTest, InvalidPolygonIsRepairedAndNamed) {
  // A bow-tie: self-intersecting. Repaired by default and reported as a GEO001 WARNING that
  // names the file, the feature and GEOS's reason.
  WriteFile(
      areas_,
      R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[)"
      R"({"type":"Feature","properties":{"code":"E01000001"},"geometry":{"type":"Polygon","coordinates":[[[400000,300000],[401000,301000],[401000,300000],[400000,301000],[400000,300000]]]}}]})");
  auto r = Validate({"--distribution", dist_, "--areas", areas_ + ":code"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("WARNING GEO001"), HasSubstr("areas.geojson feature 1"),
                           HasSubstr("Self-intersection")));
}

TEST_F(BadInputTest, UsageErrors) {
  EXPECT_EQ(pcnv::testing::Run({PCNV_CLI}).exit_code, 2);
  EXPECT_EQ(pcnv::testing::Run({PCNV_CLI, "validate", "--practices", map_}).exit_code,
            2);  // no --out
  EXPECT_EQ(pcnv::testing::Run({PCNV_CLI, "frobnicate"}).exit_code, 2);
}

}  // namespace
}  // namespace pcnv

namespace pcnv {
namespace {

TEST_F(BadInputTest, RulesetChangesTheVerdictAndIsRecorded) {
  // 31,000 patients pass the default minimum of 30,000 but not a ruleset's 35,000.
  WriteFile(tmp_.File("rs.json"), R"({"name": "strict", "rules": {"POP001": {"minimum": 35000}}})");
  auto r = Validate({"--list-sizes", sizes_, "--ruleset", tmp_.File("rs.json")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("POP001"));
  std::string report = testing::ReadFile(tmp_.File("r.json"));
  EXPECT_THAT(report, HasSubstr("\"name\": \"strict\""));
  EXPECT_THAT(report, HasSubstr("\"role\": \"ruleset\""));
}

TEST_F(BadInputTest, BadRulesetNamesFileAndKey) {
  WriteFile(tmp_.File("rs.json"), R"({"rules": {"POP001": {"minimun": 35000}}})");
  ExpectBadInput(Validate({"--ruleset", tmp_.File("rs.json")}),
                 {"rs.json", "rules.POP001.minimun", "unknown setting"});
}

TEST_F(BadInputTest, WaiverAppliesUntilItExpires) {
  WriteFile(sizes_, "practice_code,patients\nA00001,21000\n");  // POP001 ERROR
  WriteFile(tmp_.File("w.json"),
            R"([{"rule": "POP001", "pcn": "U00001", "reason": "Rural exception",
                 "approved_by": "ICB", "expires": "2027-03-31"}])");
  std::vector<std::string> flags = {"--list-sizes", sizes_, "--waivers", tmp_.File("w.json")};
  auto before = flags;
  before.insert(before.end(), {"--as-of", "2027-03-31"});
  EXPECT_EQ(Validate(before).exit_code, 0);
  auto after = flags;
  after.insert(after.end(), {"--as-of", "2027-04-01"});
  auto r = Validate(after);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(testing::ReadFile(tmp_.File("r.json")),
              HasSubstr("POP001 U00001 expired 2027-03-31"));
  ExpectBadInput(Validate({"--as-of", "31/03/2027"}), {"--as-of"});
}

}  // namespace
}  // namespace pcnv
