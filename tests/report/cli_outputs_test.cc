// `pcnv validate` on the sample region with every writer: each output is read back and checked
// against its schema (JUnit XSD, SARIF 2.1.0 JSON schema) or through GDAL (layers, counts, CRS).
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/report/report_test_util.h"

namespace pcnv {
namespace {

using nlohmann::json;
using testing::Concat;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::SampleDir;
using testing::SampleValidateArgs;
using testing::TempDir;

class SampleOutputsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    result_ = new testing::CommandResult(pcnv::testing::Run(
        Concat(SampleValidateArgs(SampleDir()),
               {"--out", tmp_->File("r.json"), "--geo-out", tmp_->File("out.gpkg"), "--html",
                tmp_->File("r.html"), "--junit", tmp_->File("junit.xml"), "--sarif",
                tmp_->File("r.sarif")})));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete tmp_;
  }
  static testing::CommandResult* result_;

 public:
  static TempDir* tmp_;
};
TempDir* SampleOutputsTest::tmp_ = nullptr;
TempDir* SampleOutputsTest_tmp() { return SampleOutputsTest::tmp_; }
testing::CommandResult* SampleOutputsTest::result_ = nullptr;

TEST_F(SampleOutputsTest, ExitsOneWithoutProgressWhenStderrIsNotATerminal) {
  EXPECT_EQ(result_->exit_code, 1) << result_->err;  // the sample's planted ERROR findings
  EXPECT_EQ(result_->err, "");                       // progress only on a terminal
  EXPECT_THAT(result_->out, HasSubstr("FAIL"));
}

// What the JSON report says, to check the other outputs against (the sample evolves; its
// counts are not repeated here).
json SavedReport() { return json::parse(ReadFile(SampleOutputsTest_tmp()->File("r.json"))); }

TEST_F(SampleOutputsTest, GeoPackageReadsBackThroughGdal) {
  const json report = SavedReport();
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(tmp_->File("out.gpkg").c_str(),
                                            GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr));
  ASSERT_TRUE(ds);
  const int pcns = static_cast<int>(report["pcns"].size());
  ASSERT_GE(pcns, 8);
  const std::map<std::string, int> expected = {
      {"pcn_territories", pcns},
      {"share_catchments", pcns},
      {"findings", static_cast<int>(report["findings"].size())},
      {"practices", report["summary"]["practices"].get<int>()}};
  ASSERT_EQ(ds->GetLayerCount(), 4);
  for (const auto& [name, count] : expected) {
    OGRLayer* layer = ds->GetLayerByName(name.c_str());
    ASSERT_NE(layer, nullptr) << name;
    EXPECT_EQ(layer->GetFeatureCount(), count) << name;
    ASSERT_NE(layer->GetSpatialRef(), nullptr) << name;
    EXPECT_STREQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), "27700") << name;
  }
  OGRLayer* t = ds->GetLayerByName("pcn_territories");
  t->SetAttributeFilter("pcn_code = 'U90007'");
  OGRFeatureUniquePtr f(t->GetNextFeature());
  ASSERT_TRUE(f);
  EXPECT_STREQ(f->GetFieldAsString("verdict"), "FAIL");  // POP001
  EXPECT_EQ(f->GetFieldAsInteger64("population"), 24100);
  OGRLayer* p = ds->GetLayerByName("practices");
  p->SetAttributeFilter("practice_code = 'Z00040'");
  OGRFeatureUniquePtr z(p->GetNextFeature());
  ASSERT_TRUE(z);
  EXPECT_STREQ(z->GetFieldAsString("status"), "unallocated");
  EXPECT_NE(z->GetGeometryRef(), nullptr);  // geocoded from its postcode
}

TEST_F(SampleOutputsTest, JunitValidatesAgainstTheSchema) {
  const std::string xml = ReadFile(tmp_->File("junit.xml"));
  EXPECT_EQ(testing::JunitSchemaErrors(tmp_->File("junit.xml")), "");
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"U90007 HIGH FELL PCN\""));
  EXPECT_THAT(xml, HasSubstr("<failure type=\"ERROR POP001\""));
  // One failing testcase per (PCN or none, rule) holding an ERROR finding.
  std::set<std::pair<std::string, std::string>> failing;
  const json report = SavedReport();  // kept alive: the loop below iterates inside it
  for (const json& f : report["findings"]) {
    if (f["severity"] == "ERROR" && !f.contains("waiver")) {
      failing.insert({f["pcn"].get<std::string>(), f["rule"].get<std::string>()});
    }
  }
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"pcnv validate\" tests=\""));
  EXPECT_THAT(xml, HasSubstr(" failures=\"" + std::to_string(failing.size()) +
                             "\" errors=\"0\" time=\"0\">\n  <testsuite"));
  // The validator is live: a testcase without its required name is rejected.
  TempDir tmp;
  testing::WriteFile(tmp.File("bad.xml"),
                     "<testsuites><testsuite name=\"s\" tests=\"1\" failures=\"0\" "
                     "errors=\"0\"><testcase classname=\"c\"/></testsuite></testsuites>");
  EXPECT_NE(testing::JunitSchemaErrors(tmp.File("bad.xml")), "");
}

TEST_F(SampleOutputsTest, SarifValidatesAgainstTheSchemaAndPointsAtRows) {
  EXPECT_EQ(testing::SarifSchemaErrors(tmp_->File("r.sarif")), "");
  json sarif = json::parse(ReadFile(tmp_->File("r.sarif")));
  const json& run = sarif["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), 24u);
  const json report = SavedReport();
  ASSERT_EQ(run["results"].size(), report["findings"].size());
  int64_t mem001_row = 0;
  for (const json& f : report["findings"]) {
    if (f["rule"] == "MEM001") mem001_row = f["values"]["row"].get<int64_t>();
  }
  ASSERT_GT(mem001_row, 0);
  bool saw_mem001 = false;
  for (const json& r : run["results"]) {
    if (r["ruleId"] != "MEM001") continue;
    saw_mem001 = true;
    const json& loc = r["locations"][0]["physicalLocation"];
    EXPECT_THAT(loc["artifactLocation"]["uri"].get<std::string>(),
                HasSubstr("gp-reg-pat-prac-map.csv"));
    EXPECT_EQ(loc["region"]["startLine"], mem001_row + 1);  // data row + the header line
    EXPECT_EQ(r["level"], "error");
  }
  EXPECT_TRUE(saw_mem001);
  // The validator is live: a wrong version is rejected.
  json bad = sarif;
  bad["version"] = "2.0.0";
  TempDir tmp;
  testing::WriteFile(tmp.File("bad.sarif"), bad.dump());
  EXPECT_NE(testing::SarifSchemaErrors(tmp.File("bad.sarif")), "");
}

TEST(SampleGeoJsonTest, WritesOneFilePerLayerAndQuietPrintsNothing) {
  TempDir tmp;
  auto r = pcnv::testing::Run(
      Concat(SampleValidateArgs(SampleDir()),
             {"--out", tmp.File("r.json"), "--geo-out", tmp.File("out.geojson"), "--quiet"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  GDALAllRegister();
  for (const char* layer : {"pcn_territories", "share_catchments", "findings", "practices"}) {
    const std::string path = tmp.File(std::string("out_") + layer + ".geojson");
    GDALDatasetUniquePtr ds(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr));
    ASSERT_TRUE(ds) << path;
    ASSERT_EQ(ds->GetLayerCount(), 1);
    EXPECT_STREQ(ds->GetLayer(0)->GetSpatialRef()->GetAuthorityCode(nullptr), "4326") << path;
  }
  // RFC 7946: WGS84 is implied, so no "crs" member. --geo-crs 27700 asks for metres.
  EXPECT_THAT(ReadFile(tmp.File("out_findings.geojson")), Not(HasSubstr("\"crs\"")));
  auto bng = pcnv::testing::Run(Concat(SampleValidateArgs(SampleDir()),
                                       {"--out", tmp.File("r.json"), "--geo-out",
                                        tmp.File("bng.geojson"), "--geo-crs", "27700", "--quiet"}));
  EXPECT_EQ(bng.exit_code, 1) << bng.err;
  EXPECT_THAT(ReadFile(tmp.File("bng_findings.geojson")), HasSubstr("EPSG::27700"));
  auto bad = pcnv::testing::Run(Concat(
      SampleValidateArgs(SampleDir()),
      {"--out", tmp.File("r.json"), "--geo-out", tmp.File("x.geojson"), "--geo-crs", "3857"}));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--geo-crs"));
}

TEST(ValidateOutputsTest, BadOutputPathsAndFlagsAreUsageErrors) {
  TempDir tmp;
  auto r =
      pcnv::testing::Run(Concat(SampleValidateArgs(SampleDir()),
                                {"--out", tmp.File("r.json"), "--geo-out", tmp.File("out.shp")}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--geo-out"));
  r = pcnv::testing::Run(Concat(SampleValidateArgs(SampleDir()),
                                {"--out", tmp.File("r.json"), "--fail-on", "sometimes"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--fail-on"));
  r = pcnv::testing::Run(
      Concat(SampleValidateArgs(SampleDir()),
             {"--out", tmp.File("r.json"), "--html", tmp.path() + "/no/such/dir/r.html"}));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(ValidateOutputsTest, FailOnWarningAndWaiversChangeTheExitCode) {
  TempDir tmp;
  // Waive every ERROR of the sample that is about a PCN; MEM001/MEM002 are about practices and
  // cannot be waived by PCN, so --fail-on still fails on them.
  testing::WriteFile(tmp.File("w.json"),
                     R"([{"rule": "POP001", "pcn": "U90007", "reason": "Rural network",
                          "approved_by": "Sampleton ICB", "expires": "2099-12-31"}])");
  auto r = pcnv::testing::Run(
      Concat(SampleValidateArgs(SampleDir()), {"--out", tmp.File("r.json"), "--waivers",
                                               tmp.File("w.json"), "--junit", tmp.File("j.xml")}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("[WAIVED]"));
  EXPECT_THAT(ReadFile(tmp.File("j.xml")), HasSubstr("WAIVED: Rural network"));
  EXPECT_THAT(ReadFile(tmp.File("j.xml")), Not(HasSubstr("<failure type=\"ERROR POP001\"")));
}

}  // namespace
}  // namespace pcnv
