// `pcnv diff` end to end on variants of the sample region made in a temp dir: an unchanged
// release, a candidate that breaks one PCN's contiguity, one that fixes a defect, a waived
// regression, saved-report sides, and the writers in diff mode.
#include <filesystem>
#include <regex>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/report/report_test_util.h"

namespace pcnv {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Concat;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::SampleDir;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kReleaseFiles[] = {"gp-reg-pat-prac-map.csv", "gp-reg-pat-prac-all.csv",
                                         "gp-reg-pat-prac-lsoa-all.csv"};

// A release folder holding the sample's three NHS Digital files.
std::string CopySample(const TempDir& tmp, const std::string& name) {
  const std::string dir = tmp.File(name);
  fs::create_directories(dir);
  for (const char* f : kReleaseFiles) fs::copy_file(SampleDir() + "/" + f, dir + "/" + f);
  return dir;
}

void Replace(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = ReadFile(path);
  ASSERT_THAT(text, HasSubstr(from)) << path;
  WriteFile(path, absl::StrReplaceAll(text, {{from, to}}));
}

// Breaks U90008's contiguity: practice Z00034 gains 1,500 patients in E01900288, an area on the
// far edge of U90001's block (column 7, row 14, testdata/README.md), which it then wins; its list
// size grows to match so POP003 stays quiet. The detached part holds about 3% of U90008's
// territory patients: above CON001's 2%, below every nesting and community threshold.
void BreakContiguity(const std::string& dir) {
  // The list-size row is found by pattern, not by its postcode, so the sample can evolve.
  const std::string sizes_path = dir + "/gp-reg-pat-prac-all.csv";
  std::string sizes = ReadFile(sizes_path);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(sizes, m, std::regex(R"((,Z00034,[^,\n]*,ALL,ALL,)(\d+))")));
  const int64_t list_size = std::stoll(m[2].str());
  sizes.replace(m.position(2), m.length(2), std::to_string(list_size + 1500));
  WriteFile(sizes_path, sizes);
  std::string dist = ReadFile(dir + "/gp-reg-pat-prac-lsoa-all.csv");
  const size_t at = dist.find(",Z00034,");
  ASSERT_NE(at, std::string::npos);
  const size_t name_start = at + 8, name_end = dist.find(',', name_start);
  const std::string name = dist.substr(name_start, name_end - name_start);
  dist += "GP_PRAC_PAT_LIST,01Apr2024,Z00034," + name + ",E01900288,ALL,1500\n";
  WriteFile(dir + "/gp-reg-pat-prac-lsoa-all.csv", dist);
}

testing::CommandResult Diff(const std::string& base, const std::string& candidate,
                            std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {PCNV_CLI, "diff", "--base", base, "--candidate", candidate};
  argv = Concat(argv, testing::SampleReferenceArgs());
  return pcnv::testing::Run(Concat(argv, extra));
}

TEST(DiffCliTest, UnchangedReleasePassesWithNoNewFindings) {
  TempDir tmp;
  const std::string base = CopySample(tmp, "base"), cand = CopySample(tmp, "cand");
  auto r = Diff(base, cand, {"--out", tmp.File("d.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("0 new, 0 fixed, "));
  json d = json::parse(ReadFile(tmp.File("d.json")));
  EXPECT_EQ(d["summary"]["new"], 0);
  EXPECT_EQ(d["summary"]["fixed"], 0);
  EXPECT_GT(d["summary"]["unchanged"], 0);  // the sample's planted findings, in both
  EXPECT_EQ(d["summary"]["unchanged"], d["findings"].size());
  EXPECT_EQ(d["summary"]["verdict"], "PASS");
}

TEST(DiffCliTest, BrokenContiguityIsExactlyOneNewFailingFinding) {
  TempDir tmp;
  const std::string base = CopySample(tmp, "base"), cand = CopySample(tmp, "cand");
  BreakContiguity(cand);
  auto r =
      Diff(base, cand,
           {"--out", tmp.File("d.json"), "--junit", tmp.File("j.xml"), "--sarif",
            tmp.File("d.sarif"), "--html", tmp.File("d.html"), "--geo-out", tmp.File("d.gpkg")});
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr(": 1 new, 0 fixed, "));
  EXPECT_THAT(r.out, HasSubstr("NEW [failing] ERROR CON001 U90008"));
  json d = json::parse(ReadFile(tmp.File("d.json")));
  std::vector<json> added;
  for (const json& f : d["findings"]) {
    if (f["status"] == "new") added.push_back(f);
  }
  ASSERT_EQ(added.size(), 1u) << d.dump(2);
  EXPECT_EQ(added[0]["rule"], "CON001");
  EXPECT_EQ(added[0]["pcn"], "U90008");
  EXPECT_EQ(added[0]["failing"], true);

  // The writers describe the diff: JUnit fails on the new finding only, SARIF marks it new.
  EXPECT_EQ(testing::JunitSchemaErrors(tmp.File("j.xml")), "");
  const std::string junit = ReadFile(tmp.File("j.xml"));
  EXPECT_THAT(junit, HasSubstr("<failure type=\"ERROR CON001\""));
  EXPECT_THAT(junit, HasSubstr("<testsuites name=\"pcnv diff\" tests=\""));
  EXPECT_THAT(junit, HasSubstr("failures=\"1\" errors=\"0\" time=\"0\">\n  <testsuite"));
  EXPECT_EQ(testing::SarifSchemaErrors(tmp.File("d.sarif")), "");
  json sarif = json::parse(ReadFile(tmp.File("d.sarif")));
  int new_results = 0;
  for (const json& res : sarif["runs"][0]["results"]) {
    if (res.value("baselineState", "") == "new") {
      ++new_results;
      EXPECT_EQ(res["ruleId"], "CON001");
      EXPECT_TRUE(res["properties"].contains("geometry_wkt"));
    }
  }
  EXPECT_EQ(new_results, 1);
  const std::string html = ReadFile(tmp.File("d.html"));
  EXPECT_THAT(html, HasSubstr("<path class=\"finding-geom sev-error\""));
  EXPECT_THAT(html, HasSubstr("badge state state-new"));
  EXPECT_TRUE(fs::exists(tmp.File("d.gpkg")));
}

TEST(DiffCliTest, FixedDefectIsReportedAndPasses) {
  TempDir tmp;
  const std::string base = CopySample(tmp, "base"), cand = CopySample(tmp, "cand");
  // Z00040 joins WESTMOOR (whose block it sits in): MEM001 is fixed; 41,500 + 4,300 stays
  // inside 30-50k, so nothing new appears.
  Replace(cand + "/gp-reg-pat-prac-map.csv", ",U,UNALLOCATED,", ",U90003,WESTMOOR PCN,");
  auto r = Diff(base, cand);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  // Its patients no longer form an enclave in WESTMOOR either, so CON002 may be fixed too.
  EXPECT_THAT(r.out, HasSubstr(": 0 new, "));
  EXPECT_THAT(r.out, HasSubstr("FIXED ERROR MEM001 Z00040"));
}

TEST(DiffCliTest, WaivedRegressionPassesAndSaysSo) {
  TempDir tmp;
  const std::string base = CopySample(tmp, "base"), cand = CopySample(tmp, "cand");
  BreakContiguity(cand);
  WriteFile(tmp.File("waivers.json"),
            R"([{"rule": "CON001", "pcn": "U90008", "reason": "Branch surgery across the moor",
                 "approved_by": "Sampleton ICB primary care board", "expires": "2099-12-31"}])");
  auto r = Diff(base, cand, {"--waivers", tmp.File("waivers.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr(": 1 new, 0 fixed, "));
  EXPECT_THAT(r.out, HasSubstr("; 1 waived;"));
  EXPECT_THAT(r.out, HasSubstr("NEW (waived) ERROR CON001 U90008"));
  EXPECT_THAT(r.out, HasSubstr("waived: Branch surgery across the moor"));

  // An expired waiver no longer applies.
  WriteFile(tmp.File("expired.json"),
            R"([{"rule": "CON001", "pcn": "U90008", "reason": "r", "approved_by": "a",
                 "expires": "2001-01-01"}])");
  EXPECT_EQ(Diff(base, cand, {"--waivers", tmp.File("expired.json")}).exit_code, 1);
}

TEST(DiffCliTest, FailOnPolicies) {
  TempDir tmp;
  const std::string base = CopySample(tmp, "base"), cand = CopySample(tmp, "cand");
  // Unchanged ERRORs fail only any-errors.
  EXPECT_EQ(Diff(base, cand, {"--fail-on", "any-errors"}).exit_code, 1);
  EXPECT_EQ(Diff(base, cand, {"--fail-on", "new-warnings"}).exit_code, 0);
  // A new WARNING (POP003: Z00026's list size moves further from its distribution).
  std::string sizes = ReadFile(cand + "/gp-reg-pat-prac-all.csv");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(sizes, m, std::regex(R"((,Z00001,[^,\n]*,ALL,ALL,)(\d+))")));
  sizes.replace(m.position(2), m.length(2), std::to_string(std::stoll(m[2].str()) + 500));
  WriteFile(cand + "/gp-reg-pat-prac-all.csv", sizes);
  EXPECT_EQ(Diff(base, cand, {"--fail-on", "new-errors"}).exit_code, 0);
  EXPECT_EQ(Diff(base, cand, {"--fail-on", "new-warnings"}).exit_code, 1);
  EXPECT_EQ(Diff(base, cand, {"--fail-on", "sometimes"}).exit_code, 2);
}

TEST(DiffCliTest, SidesMayBeSavedReports) {
  TempDir tmp;
  const std::string base = CopySample(tmp, "base"), cand = CopySample(tmp, "cand");
  BreakContiguity(cand);
  auto v = pcnv::testing::Run(
      Concat(testing::SampleValidateArgs(base), {"--out", tmp.File("base.json")}));
  ASSERT_EQ(v.exit_code, 1) << v.err;
  auto r = Diff(tmp.File("base.json"), cand);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr(": 1 new, 0 fixed, "));
  // Both sides saved reports: no reference needed.
  auto c = pcnv::testing::Run(
      Concat(testing::SampleValidateArgs(cand), {"--out", tmp.File("cand.json")}));
  ASSERT_EQ(c.exit_code, 1);
  auto both = pcnv::testing::Run(
      {PCNV_CLI, "diff", "--base", tmp.File("base.json"), "--candidate", tmp.File("cand.json")});
  EXPECT_EQ(both.exit_code, 1) << both.err;
  EXPECT_THAT(both.out, HasSubstr("NEW [failing] ERROR CON001 U90008"));
}

TEST(DiffCliTest, BadSidesAreUsageErrors) {
  TempDir tmp;
  auto missing = pcnv::testing::Run(
      {PCNV_CLI, "diff", "--base", tmp.File("nope.json"), "--candidate", tmp.File("nope.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("no such report file or input folder"));
  fs::create_directories(tmp.File("empty"));
  auto empty = pcnv::testing::Run(
      {PCNV_CLI, "diff", "--base", tmp.File("empty"), "--candidate", tmp.File("empty")});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr("gp-reg-pat-prac-map.csv"));
  WriteFile(tmp.File("not_a_report.json"), "{\"a\": 1}");
  auto bad = pcnv::testing::Run({PCNV_CLI, "diff", "--base", tmp.File("not_a_report.json"),
                                 "--candidate", tmp.File("not_a_report.json")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("is this a pcnv report?"));
  EXPECT_EQ(pcnv::testing::Run({PCNV_CLI, "diff", "--base", tmp.File("x")}).exit_code,
            2);  // no --candidate
}

}  // namespace
}  // namespace pcnv
