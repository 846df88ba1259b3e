// Issue 12 acceptance, the ODS PCN publications as downloaded: `pcnv validate` on the May 2022
// ePCN "PCN Core Partner Details" and "PCN Details" CSV exports with the February 2022 practice
// register (epraccur), at two --as-of dates, and on an .xlsx workbook made from the same two
// sheets with GDAL's XLSX writer (ogr2ogr).
//
// pcnv side: the CLI, as a user runs it, writing its JSON report. Independent side: the raw files
// split with the test's own CSV splitter, dates compared as YYYYMMDD text.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/realdata/realdata_util.h"
#include "tests/support/test_support.h"
#include "tests/support/xlsx_fixture.h"

namespace pcnv::realdata {
namespace {

using nlohmann::json;

std::string Ods() { return ::pcnv::testing::SharedData() + "/ods"; }
std::string Partners() { return Ods() + "/ePCN_2022-05_PCN_Core_Partner_Details.csv"; }
std::string Details() { return Ods() + "/ePCN_2022-05_PCNDetails.csv"; }
std::string Register() { return Ods() + "/epraccur_2022-02.csv"; }

struct Expected {
  int64_t in_force = 0, ended = 0, not_started = 0;
  std::set<std::string> practices, pcns;
  std::set<std::string> mem002;  // practices in force in two or more PCNs
  std::set<std::string> mem005;  // not active in the register, or not listed
  std::set<std::string> mem006;  // listed with a prescribing setting other than 4
};

// `as_of` as YYYYMMDD, the way ODS writes dates.
Expected Count(const std::string& as_of) {
  Expected e;
  std::map<std::string, std::set<std::string>> pcns_of;
  for (const auto& row : ReadRawCsv(Partners())) {
    const std::string& start = row.at("Practice to PCN Relationship Start Date");
    const std::string& end = row.at("Practice to PCN Relationship End Date");
    if (start > as_of) {
      ++e.not_started;
    } else if (!end.empty() && end < as_of) {
      ++e.ended;
    } else {
      ++e.in_force;
      const std::string& practice = row.at("Partner Organisation Code");
      e.practices.insert(practice);
      e.pcns.insert(row.at("PCN Code"));
      pcns_of[practice].insert(row.at("PCN Code"));
    }
  }
  for (const auto& [practice, pcns] : pcns_of) {
    if (pcns.size() > 1) e.mem002.insert(practice);
  }
  // epraccur: no header; field 1 code, 13 status, 26 prescribing setting (epraccur_spec.pdf).
  std::map<std::string, std::pair<std::string, std::string>> reg;
  std::ifstream in(Register());
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::vector<std::string> f = SplitCsvLine(line);
    if (f.size() < 26) continue;
    reg[f[0]] = {f[12], f[25]};
  }
  EXPECT_GT(reg.size(), 9000u);
  for (const std::string& practice : e.practices) {
    auto it = reg.find(practice);
    if (it == reg.end() || it->second.first != "A") e.mem005.insert(practice);
    if (it != reg.end() && it->second.second != "4") e.mem006.insert(practice);
  }
  return e;
}

struct OdsRun {
  int exit_code = 0;
  std::string err;
  json report;
};

OdsRun Validate(const std::string& practices, const std::vector<std::string>& extra,
                const std::string& as_of, const ::pcnv::testing::TempDir& tmp) {
  std::vector<std::string> argv = {PCNV_CLI, "validate", "--practices", practices};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const std::string out = tmp.File("r_" + as_of + ".json");
  argv.insert(argv.end(), {"--practice-register", Register(), "--as-of", as_of, "--out", out});
  ::pcnv::testing::CommandResult r = ::pcnv::testing::Run(argv);
  OdsRun run{r.exit_code, r.err, json()};
  std::ifstream in(out);
  if (in) run.report = json::parse(in);
  return run;
}

std::set<std::string> Practices(const json& report, const std::string& rule) {
  std::set<std::string> out;
  for (const json& f : report.at("findings")) {
    if (f.at("rule") == rule) out.insert(f.at("practice").get<std::string>());
  }
  return out;
}

void ExpectMatches(const OdsRun& run, const Expected& e) {
  ASSERT_FALSE(run.report.is_null()) << run.err;
  EXPECT_EQ(run.report.at("pcns").size(), e.pcns.size());
  EXPECT_EQ(run.report.at("summary").at("pcns").get<size_t>(), e.pcns.size());
  EXPECT_EQ(run.report.at("summary").at("practices").get<size_t>(), e.practices.size());
  EXPECT_EQ(Practices(run.report, "MEM002"), e.mem002);
  EXPECT_EQ(Practices(run.report, "MEM005"), e.mem005);
  EXPECT_EQ(Practices(run.report, "MEM006"), e.mem006);
  // Every PCN named from the PCN Details sheet or the partner rows: none left nameless.
  for (const json& p : run.report.at("pcns")) {
    EXPECT_FALSE(p.value("name", std::string()).empty()) << p.dump();
  }
}

TEST(OdsRealDataTest, EpcnCsvExportsAtTwoDatesMatchIndependentCounts) {
  PCNV_REQUIRE_REAL_DATA();
  ::pcnv::testing::TempDir tmp;
  for (const std::string as_of : {"2022-05-01", "2020-06-01"}) {
    SCOPED_TRACE(as_of);
    std::string compact = as_of;
    compact.erase(std::remove(compact.begin(), compact.end(), '-'), compact.end());
    const Expected e = Count(compact);
    // The file is a history: some relationships ended before either date.
    EXPECT_GT(e.ended, 0);
    EXPECT_GT(e.pcns.size(), 1000u);
    const OdsRun run = Validate(Partners(), {"--pcn-details", Details()}, as_of, tmp);
    ASSERT_LE(run.exit_code, 1) << run.err;
    ExpectMatches(run, e);
    // The console note states the same split of the relationships.
    EXPECT_NE(run.err.find(absl::StrCat(e.ended)), std::string::npos) << run.err;
    std::cout << as_of << ": " << e.in_force << " relationships in force, " << e.ended << " ended, "
              << e.not_started << " not started; " << e.pcns.size() << " PCNs, "
              << e.practices.size() << " practices; MEM002 " << e.mem002.size() << ", MEM005 "
              << e.mem005.size() << ", MEM006 " << e.mem006.size() << std::endl;
  }
}

// A CSV export as a sheet: its header and rows, split by the test's own splitter.
::pcnv::testing::SheetFixture Sheet(const std::string& name, const std::string& csv) {
  ::pcnv::testing::SheetFixture sheet{name, {}, {}};
  std::ifstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (sheet.header.empty()) {
      sheet.header = SplitCsvLine(line);
    } else {
      sheet.rows.push_back(SplitCsvLine(line));
    }
  }
  return sheet;
}

TEST(OdsRealDataTest, WorkbookOfTheSameSheetsGivesTheSameReport) {
  PCNV_REQUIRE_REAL_DATA();
  ::pcnv::testing::TempDir tmp;
  const std::string xlsx = tmp.File("ePCN.xlsx");
  // The two sheets under the names ODS gives them, every cell text, written by GDAL's XLSX driver.
  const std::string written = ::pcnv::testing::WriteXlsx(
      xlsx, {Sheet("PCN Core Partner Details", Partners()), Sheet("PCN Details", Details())});
  ASSERT_EQ(written, "");
  const OdsRun from_xlsx = Validate(xlsx, {}, "2022-05-01", tmp);
  ASSERT_LE(from_xlsx.exit_code, 1) << from_xlsx.err;
  ExpectMatches(from_xlsx, Count("20220501"));
  const OdsRun from_csv = Validate(Partners(), {"--pcn-details", Details()}, "2022-05-01", tmp);
  ASSERT_FALSE(from_csv.report.is_null()) << from_csv.err;
  EXPECT_EQ(from_xlsx.report.at("findings"), from_csv.report.at("findings"));
  EXPECT_EQ(from_xlsx.report.at("pcns"), from_csv.report.at("pcns"));
}

}  // namespace
}  // namespace pcnv::realdata
