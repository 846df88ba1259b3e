// Hostile inputs through the real `pcnv` binary (issue 17, docs/HOSTILE_INPUTS.md): each class is
// refused with exit code 2 and a message naming the file, the row or feature, and the field;
// never a crash, a hang or a silently wrong report.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;
using testing::WriteFile;

constexpr char kMapHeader[] =
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
    "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,"
    "ICB_NAME,ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME\n";
// A practice row with `name` as PRACTICE_NAME and `pcn_name` as PCN_NAME.
std::string MapRow(const std::string& name = "ONE SURGERY",
                   const std::string& pcn_name = "ONE PCN") {
  return absl::StrCat("GP_PRAC_PAT_LIST,01Jan2022,A00001,", name, ",ZZ1 1AA,U00001,", pcn_name,
                      ",E38000001,00A,SUB,E54000001,QAA,ICB,E40000001,Y00,REGION\n");
}
constexpr char kLsoaHeader[] =
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n";
constexpr char kBngCrs[] =
    R"("crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}})";

// A GeoJSON FeatureCollection in EPSG:27700 of polygons, each given as its outer ring's text.
std::string GeoJson(const std::string& field,
                    const std::vector<std::pair<std::string, std::string>>& features) {
  std::string out = absl::StrCat(R"({"type":"FeatureCollection",)", kBngCrs, R"(,"features":[)");
  for (size_t i = 0; i < features.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", R"({"type":"Feature","properties":{")", field, R"(":")",
                    features[i].first, R"("},"geometry":{"type":"Polygon","coordinates":[)",
                    features[i].second, "]}}");
  }
  return out + "]}";
}

std::string Square(double x, double y, double size) {
  return absl::StrCat("[[", x, ",", y, "],[", x + size, ",", y, "],[", x + size, ",", y + size,
                      "],[", x, ",", y + size, "],[", x, ",", y, "]]");
}

// Seconds since `since`, in the time of an optimised build: a sanitizer build (the asan preset
// adds ASan, UBSan and libFuzzer's comparison tracing; tsan) runs these CLI runs 10-70 times
// slower, so its time is divided by 10 and the bounds below keep one meaning in every build.
double Seconds(std::chrono::steady_clock::time_point since) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  constexpr double kSlowdown = 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  constexpr double kSlowdown = 10;
#else
  constexpr double kSlowdown = 1;
#endif
#else
  constexpr double kSlowdown = 1;
#endif
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count() /
         kSlowdown;
}

class HostileInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(map_, std::string(kMapHeader) + MapRow());
    WriteFile(sizes_, "practice_code,patients\nA00001,31000\n");
    WriteFile(dist_, std::string(kLsoaHeader) +
                         "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE,E01000001,ALL,31000\n");
    WriteFile(areas_, GeoJson("code", {{"E01000001", Square(400000, 300000, 1000)}}));
  }

  testing::CommandResult Validate(std::vector<std::string> extra) {
    std::vector<std::string> argv = {PCNV_CLI, "validate", "--quiet", "--out", report_};
    bool has_practices = false;
    for (const auto& a : extra) has_practices |= a == "--practices";
    if (!has_practices) argv.insert(argv.end(), {"--practices", map_});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return testing::Run(argv);
  }

  // Exit code 2, "pcnv: error: ", each of `must_name`, and none of a crash's words.
  void ExpectBadInput(const testing::CommandResult& r, const std::vector<std::string>& must_name) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("pcnv: error: "));
    EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
    EXPECT_THAT(r.err, Not(HasSubstr("terminate")));
    for (const auto& s : must_name) EXPECT_THAT(r.err, HasSubstr(s)) << r.err;
  }

  TempDir tmp_;
  std::string map_ = tmp_.File("map.csv");
  std::string sizes_ = tmp_.File("sizes.csv");
  std::string dist_ = tmp_.File("dist.csv");
  std::string areas_ = tmp_.File("areas.geojson");
  std::string report_ = tmp_.File("r.json");
};

// 1. Text that is not UTF-8 --------------------------------------------------------------------

TEST_F(HostileInputsTest, Latin1PracticeNameIsRefusedNamingRowFieldAndByte) {
  WriteFile(map_, std::string(kMapHeader) + MapRow("CAF\xC9 SURGERY"));  // É in Windows-1252
  ExpectBadInput(Validate({}), {"map.csv row 1: field PRACTICE_NAME: 'CAF\\xC9 SURGERY' is not "
                                "UTF-8 text: byte 4 is 0xC9",
                                "--input-encoding windows-1252"});
}

TEST_F(HostileInputsTest, Latin1PcnNameAndAreaCodeAreRefused) {
  WriteFile(map_, std::string(kMapHeader) + MapRow("ONE SURGERY", "ST HELEN\xB4S PCN"));
  ExpectBadInput(Validate({}), {"map.csv row 1: field PCN_NAME", "0xB4"});
  WriteFile(map_, std::string(kMapHeader) + MapRow());
  WriteFile(dist_, std::string(kLsoaHeader) +
                       "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE,E0100000\xE9,ALL,31000\n");
  ExpectBadInput(Validate({"--distribution", dist_}), {"dist.csv row 1: field LSOA_CODE", "0xE9"});
}

TEST_F(HostileInputsTest, InputEncodingTranscodesWindows1252) {
  WriteFile(map_, std::string(kMapHeader) + MapRow("CAF\xC9 SURGERY", "ST HELEN\x92S PCN"));
  auto r = Validate({"--input-encoding", "windows-1252", "--list-sizes", sizes_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json report = nlohmann::json::parse(testing::ReadFile(report_));
  ASSERT_EQ(report.at("pcns").size(), 1u);
  // 0x92 is Windows-1252's right single quotation mark, U+2019.
  EXPECT_EQ(report.at("pcns")[0].at("name").get<std::string>(), "ST HELEN\u2019S PCN");
}

TEST_F(HostileInputsTest, UnknownInputEncodingIsRefused) {
  ExpectBadInput(Validate({"--input-encoding", "klingon-8"}),
                 {"--input-encoding: 'klingon-8' is not an encoding", "windows-1252"});
}

TEST_F(HostileInputsTest, Latin1CodeInAGeoJsonLayerIsRefused) {
  WriteFile(areas_, GeoJson("code", {{"E0100000\xE9", Square(400000, 300000, 1000)}}));
  auto r = Validate({"--areas", areas_ + ":code"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("areas.geojson"));
  EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
}

// 2. Huge and infinite coordinates ---------------------------------------------------------------

TEST_F(HostileInputsTest, CoordinatesOf1e308AreRefusedNamingTheFeature) {
  // Used to overrun GEOS 3.11's WKT number buffer ("stack smashing detected") when a finding's
  // geometry was written.
  const std::string declared = tmp_.File("declared.geojson");
  WriteFile(declared, GeoJson("pcn_code", {{"U00001", Square(1e308, 1e308, 1e307)}}));
  auto r = Validate({"--areas", areas_ + ":code", "--declared", declared + ":pcn_code"});
  ExpectBadInput(
      r, {"declared.geojson feature 1 (U00001): geometry extends from", "outside Great Britain"});
  EXPECT_THAT(r.err, Not(HasSubstr("stack smashing")));
  WriteFile(areas_, GeoJson("code", {{"E01000001", Square(-1e308, 300000, 1000)}}));
  ExpectBadInput(Validate({"--areas", areas_ + ":code"}),
                 {"areas.geojson feature 1 (E01000001): geometry"});
}

TEST_F(HostileInputsTest, InfiniteCoordinatesAreRefused) {
  const std::string declared = tmp_.File("declared.geojson");
  WriteFile(declared, GeoJson("pcn_code", {{"U00001",
                                            "[[1e400,300000],[401000,300000],"
                                            "[401000,301000],[1e400,300000]]"}}));
  auto r = Validate({"--areas", areas_ + ":code", "--declared", declared + ":pcn_code"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("declared.geojson"));
  EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
}

// 3. Counts near INT64_MAX -----------------------------------------------------------------------

TEST_F(HostileInputsTest, PatientCountsNearInt64MaxAreRefused) {
  WriteFile(sizes_, "practice_code,patients\nA00001,9223372036854775000\n");
  ExpectBadInput(Validate({"--list-sizes", sizes_}),
                 {"sizes.csv row 1: field patients: '9223372036854775000': 9223372036854775000 "
                  "is more than 1,000,000"});
  WriteFile(dist_, std::string(kLsoaHeader) +
                       "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE,E01000001,ALL,4611686018427387904\n"
                       "GP_PRAC_PAT_LIST,01Jan2022,A00001,ONE,E01000002,ALL,4611686018427387904\n");
  ExpectBadInput(Validate({"--distribution", dist_}),
                 {"dist.csv row 1: field NUMBER_OF_PATIENTS", "more than 1,000,000"});
}

TEST_F(HostileInputsTest, RulesetThresholdNearTwoToThe63IsRefused) {
  const std::string ruleset = tmp_.File("rs.json");
  WriteFile(ruleset, R"({"rules": {"POP001": {"minimum": 9.3e18}}})");
  ExpectBadInput(Validate({"--ruleset", ruleset, "--list-sizes", sizes_}),
                 {"rs.json: rules.POP001.minimum: 9.3e+18 is more than 1e+08"});
}

// 4. Rulesets, waivers and dates out of range --------------------------------------------------

TEST_F(HostileInputsTest, RulesetValuesOutOfRangeAreRefusedNamingTheKey) {
  const std::string ruleset = tmp_.File("rs.json");
  const std::pair<std::string, std::string> cases[] = {
      {R"({"rules": {"OVL003": {"min_iou": 1.5}}})", "rules.OVL003.min_iou: 1.5 is more than 1"},
      {R"({"rules": {"CON001": {"min_share": 2}}})", "rules.CON001.min_share: 2 is more than 1"},
      {R"({"rules": {"POP001": {"minimum": 1e300}}})", "rules.POP001.minimum: 1e+300 is more"},
      {R"({"rules": {"POP001": {"minimum": 30000.5}}})", "is not a whole number"},
      {R"({"rules": {"CMP002": {"max_distance_m": -1}}})", "max_distance_m: -1 is negative"},
      {R"({"rules": {"XYZ999": {"enabled": false}}})", "rules.XYZ999: unknown rule code"},
      {R"({"contiguity": {"bridge_distance_m": 1e300}})", "contiguity.bridge_distance_m"},
  };
  for (const auto& [text, must_say] : cases) {
    WriteFile(ruleset, text);
    ExpectBadInput(Validate({"--ruleset", ruleset}), {"rs.json", must_say});
  }
}

TEST_F(HostileInputsTest, MalformedWaiversAreRefusedNamingTheWaiverAndField) {
  const std::string waivers = tmp_.File("w.json");
  const std::pair<std::string, std::string> cases[] = {
      {"2026-02-30",
       "waiver 1.expires: '2026-02-30' is not a date (YYYY-MM-DD): month 2 of 2026 "
       "has 28 days"},
      {"2026-13-01", "there is no month 13"},
      {"2026-1-1", "is not a date (YYYY-MM-DD)"},
  };
  for (const auto& [date, must_say] : cases) {
    WriteFile(waivers, absl::StrCat(R"([{"rule": "POP001", "pcn": "U00001", "reason": "r",)",
                                    R"( "approved_by": "a", "expires": ")", date, R"("}])"));
    ExpectBadInput(Validate({"--waivers", waivers}), {"w.json", must_say});
  }
  WriteFile(waivers, R"([{"rule": "NOPE01", "pcn": "U00001", "reason": "r", "approved_by": "a",)"
                     R"( "expires": "2027-01-01"}])");
  ExpectBadInput(Validate({"--waivers", waivers}), {"w.json: waiver 1.rule: unknown rule code"});
}

TEST_F(HostileInputsTest, AsOfThatIsNotADateIsRefused) {
  for (const std::string bad : {"yesterday", "2026-02-30", "2026-13-01", "2026-00-10"}) {
    ExpectBadInput(Validate({"--as-of", bad}), {"--as-of: '" + bad + "' is not a date"});
  }
}

TEST_F(HostileInputsTest, TimeoutThatIsNotAFiniteNumberOfSecondsIsRefused) {
  // NaN passes CLI11's own ranges, and 1e308 s overflowed the deadline's arithmetic.
  for (const std::string bad : {"nan", "inf", "1e308", "-1", "0", "5x"}) {
    const testing::CommandResult r = Validate({"--server", "127.0.0.1:1", "--timeout", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr("--timeout: " + bad + " is not a number of seconds")) << r.err;
  }
}

// 6. No unbounded work ----------------------------------------------------------------------------

TEST_F(HostileInputsTest, DevZeroAsRulesetOrWaiversIsRefusedPromptly) {
  for (const char* flag : {"--ruleset", "--waivers"}) {
    const auto start = std::chrono::steady_clock::now();
    ExpectBadInput(Validate({flag, "/dev/zero"}),
                   {"/dev/zero: is a character device, not a regular file"});
    EXPECT_LT(Seconds(start), 10) << flag;
  }
}

TEST_F(HostileInputsTest, OversizedRulesetIsRefusedBeforeReading) {
  const std::string ruleset = tmp_.File("big.json");
  WriteFile(ruleset, std::string(2 << 20, ' ') + "{}");
  ExpectBadInput(Validate({"--ruleset", ruleset}), {"big.json: is 2,097,154 bytes, more than"});
}

TEST_F(HostileInputsTest, DevZeroAsACsvIsRefused) {
  ExpectBadInput(Validate({"--list-sizes", "/dev/zero"}), {"/dev/zero: is not a regular file"});
}

TEST_F(HostileInputsTest, TenMegabyteFieldIsRefusedPromptly) {
  WriteFile(map_, std::string(kMapHeader) + MapRow(std::string(10 << 20, 'A')));
  const auto start = std::chrono::steady_clock::now();
  ExpectBadInput(Validate({}), {"map.csv row 1: field PRACTICE_NAME: longer than 128 KiB"});
  EXPECT_LT(Seconds(start), 10);
  // A 10 MB line with no line end at all: the header of a file that is not a CSV.
  WriteFile(map_, std::string(10 << 20, 'x'));
  ExpectBadInput(Validate({}), {"map.csv: header: longer than 128 KiB"});
}

TEST_F(HostileInputsTest, MillionVertexPolygonIsRefusedPromptly) {
  std::string ring = "[";
  const int n = 1'000'000;
  ring.reserve(static_cast<size_t>(n) * 30);
  for (int i = 0; i < n; ++i) {
    // A circle of radius 500 m: a valid polygon, only far too detailed.
    const double a = 2 * 3.141592653589793 * i / n;
    absl::StrAppend(&ring, i ? "," : "", "[", 400500 + 500 * std::cos(a), ",",
                    300500 + 500 * std::sin(a), "]");
  }
  absl::StrAppend(&ring, ",[401000,300500]]");
  const std::string declared = tmp_.File("declared.geojson");
  WriteFile(declared, GeoJson("pcn_code", {{"U00001", ring}}));
  const auto start = std::chrono::steady_clock::now();
  ExpectBadInput(Validate({"--areas", areas_ + ":code", "--declared", declared + ":pcn_code"}),
                 {"declared.geojson feature 1 (U00001): geometry has 1,000,001 vertices, more "
                  "than 500,000 (--max-vertices)"});
  EXPECT_LT(Seconds(start), 60);
}

TEST_F(HostileInputsTest, FiftyThousandDeclaredFeaturesAreRefused) {
  std::vector<std::pair<std::string, std::string>> features;
  for (int i = 0; i < 50'000; ++i) {
    features.emplace_back(absl::StrCat("U", 10000 + i),
                          Square(400000 + (i % 200) * 10, 300000 + (i / 200) * 10, 10));
  }
  const std::string declared = tmp_.File("declared.geojson");
  WriteFile(declared, GeoJson("pcn_code", features));
  ExpectBadInput(
      Validate({"--areas", areas_ + ":code", "--declared", declared + ":pcn_code"}),
      {"declared.geojson: has 50,000 features, more than 10,000", "--max-declared-features"});
}

// 7. Silent acceptance of garbage -----------------------------------------------------------------

TEST_F(HostileInputsTest, UnquotedCommaInANameIsRefusedNamingTheRow) {
  WriteFile(map_, std::string(kMapHeader) + MapRow() + MapRow("SMITH, JONES AND PARTNERS"));
  ExpectBadInput(Validate({}), {"map.csv row 2: field 17 (past the header's 16): the row has 17 "
                                "fields, the header 16"});
}

TEST_F(HostileInputsTest, PracticeLocationsOutsideGreatBritainAreRefused) {
  const std::string plain = tmp_.File("plain.csv");
  WriteFile(plain, "practice_code,pcn_code,lat,lon\nA00001,U00001,-0.12,51.5\n");
  ExpectBadInput(Validate({"--practices", plain}),
                 {"plain.csv row 1: field lat: lat/lon -0.12, 51.5 looks swapped"});
  WriteFile(plain, "practice_code,pcn_code,lat,lon\nA00001,U00001,40.4,-3.7\n");  // Madrid
  ExpectBadInput(Validate({"--practices", plain}),
                 {"plain.csv row 1: field lat: lat/lon 40.4, -3.7 is outside Great Britain"});
  WriteFile(plain, "practice_code,pcn_code,easting,northing\nA00001,U00001,0x1A,300000\n");
  ExpectBadInput(Validate({"--practices", plain}),
                 {"plain.csv row 1: field easting: '0x1A' is not a number"});
  WriteFile(plain, "practice_code,pcn_code,easting,northing\nA00001,U00001,1200000,400000\n");
  ExpectBadInput(Validate({"--practices", plain}),
                 {"plain.csv row 1: field easting: '1200000' is outside", "looks swapped"});
}

// 8. Writers -------------------------------------------------------------------------------------

TEST_F(HostileInputsTest, ReferenceBuildToDevFullFails) {
  auto r = testing::Run(
      {PCNV_CLI, "reference", "build", "--areas", areas_ + ":code", "--out", "/dev/full"});
  ExpectBadInput(r, {"/dev/full: is a character device, not a regular file"});
  EXPECT_THAT(r.out, Not(HasSubstr("Reference store written")));
  struct stat st {};
  ASSERT_EQ(stat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/full was replaced";
}

TEST_F(HostileInputsTest, OutputsThatAreNotRegularFilesAreRefused) {
  ExpectBadInput(testing::Run({PCNV_CLI, "reference", "build", "--areas", areas_ + ":code", "--out",
                               tmp_.path()}),
                 {tmp_.path() + ": is a directory, not a regular file"});
  ExpectBadInput(testing::Run({PCNV_CLI, "validate", "--practices", map_, "--out", "/dev/full"}),
                 {"/dev/full: is a character device"});
  ExpectBadInput(Validate({"--html", "/dev/null"}), {"/dev/null: is a character device"});
  ExpectBadInput(Validate({"--sarif", tmp_.path()}), {tmp_.path() + ": is a directory"});
}

// Runs `argv` with the file size limit at 1 KiB (SIGXFSZ ignored, so writes fail with EFBIG),
// as a full disk would make them fail.
testing::CommandResult RunWithSmallFileLimit(const std::vector<std::string>& argv) {
  std::vector<std::string> shell = {"/bin/sh", "-c", "ulimit -f 2 && trap '' XFSZ && exec \"$@\"",
                                    "sh"};
  shell.insert(shell.end(), argv.begin(), argv.end());
  return testing::Run(shell);
}

TEST_F(HostileInputsTest, AFailedWriteLeavesThePreviousReportInPlace) {
  WriteFile(report_, "previous report\n");
  auto r = RunWithSmallFileLimit({PCNV_CLI, "validate", "--quiet", "--practices", map_,
                                  "--list-sizes", sizes_, "--out", report_});
  ExpectBadInput(r, {report_ + ": write failed"});
  EXPECT_EQ(testing::ReadFile(report_), "previous report\n");
  // No temporary file is left beside it.
  auto ls = testing::Run({"/bin/sh", "-c", "ls -a " + tmp_.path()});
  EXPECT_THAT(ls.out, Not(HasSubstr(".pcnv-"))) << ls.out;
}

TEST_F(HostileInputsTest, AFailedReferenceBuildLeavesThePreviousStoreInPlace) {
  const std::string store = tmp_.File("ref.gpkg");
  WriteFile(store, "previous store\n");
  auto r = RunWithSmallFileLimit(
      {PCNV_CLI, "reference", "build", "--areas", areas_ + ":code", "--out", store});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("Reference store written")));
  EXPECT_EQ(testing::ReadFile(store), "previous store\n");
}

}  // namespace
}  // namespace pcnv
