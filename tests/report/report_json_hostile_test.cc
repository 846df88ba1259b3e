// A saved report with the wrong JSON types, as `pcnv diff` might be given (a hand-edited file, a
// report from another tool): every such member is refused naming its JSON pointer, never an
// uncaught nlohmann exception (docs/HOSTILE_INPUTS.md).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "report/report_json_read.h"

namespace pcnv::report {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

// A small, well-formed report as report_json.cc writes it.
Json GoodReport() {
  return Json::parse(R"({
    "summary": {"verdict": "FAIL", "pcns": 1, "practices": 2,
                "findings_by_severity": {"ERROR": 1, "WARNING": 0, "INFO": 0}, "waived": 0,
                "expired_waivers": [], "rules": [{"rule": "POP001", "state": "EVALUATED",
                                                   "findings": 1}]},
    "pcns": [{"code": "U00001", "name": "One", "population": 20000,
              "population_basis": "list_sizes", "practices": ["A1", "A2"],
              "territory": {"areas": 3, "parts": 1, "area_km2": 2.5,
                            "patients_in_territory": "<5"}}],
    "findings": [{"rule": "POP001", "severity": "ERROR", "pcn": "U00001", "practice": "",
                  "message": "too small", "values": {"population": 20000, "nested": [[1]]},
                  "waiver": {"reason": "r", "approved_by": "a", "expires": "2027-01-01"}}],
    "provenance": {"tool": "pcnv", "method": "majority",
                   "inputs": [{"role": "practices", "path": "m.csv", "sha256": "ab",
                               "records": 2}],
                   "ruleset": {"POP001.minimum": 30000}, "libraries": {"geos": "3.11"},
                   "reference": {"path": "ref.gpkg", "sha256": "cd"}}
  })");
}

std::string Error(const Json& j) {
  auto r = ReportFromJson(j.dump(), "base.json");
  EXPECT_FALSE(r.ok()) << j.dump();
  return r.ok() ? "" : std::string(r.status().message());
}

TEST(ReportJsonHostileTest, TheGoodReportReads) {
  auto r = ReportFromJson(GoodReport().dump(), "base.json");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].pcn, "U00001");
  ASSERT_TRUE(r->findings[0].waiver.has_value());
  EXPECT_EQ(r->findings[0].waiver->approved_by, "a");
  EXPECT_TRUE(r->pcns[0].territory.patients_suppressed);
  EXPECT_EQ(r->provenance.inputs[0].records, 2);
}

TEST(ReportJsonHostileTest, WrongTypesAreNamedByTheirJsonPointer) {
  struct Case {
    const char* pointer;  // member to replace
    Json value;
    const char* must_say;
  };
  const Case cases[] = {
      {"/findings/0/pcn", 5, "base.json: /findings/0/pcn: expected a string, found a number"},
      {"/findings/0/rule", nullptr, "/findings/0/rule: is missing"},
      {"/findings/0/severity", Json::array(), "/findings/0/severity: expected a string"},
      {"/findings/0/values", "x", "/findings/0/values: expected an object, found a string"},
      {"/findings/0/waiver", 1, "/findings/0/waiver: expected an object, found a number"},
      {"/findings/0/waiver/reason", true, "/findings/0/waiver/reason: expected a string"},
      {"/findings/0", nullptr, "/findings/0: expected an object, found null"},
      {"/pcns/0", nullptr, "/pcns/0: expected an object, found null"},
      {"/pcns", Json::object(), "/pcns: expected an array, found an object"},
      {"/findings", "many", "/findings: expected an array, found a string"},
      {"/pcns/0/population", 1e30, "/pcns/0/population: 1e+30 is not a whole number"},
      {"/pcns/0/population", -5, "/pcns/0/population: -5 is outside"},
      {"/pcns/0/practices", Json::array({1}), "/pcns/0/practices/0: expected a string"},
      {"/pcns/0/territory/areas", Json::object(), "/pcns/0/territory/areas: expected a whole"},
      {"/summary/pcns", 1e20, "/summary/pcns: 1e+20 is not a whole number"},
      {"/summary/rules", Json::object(), "/summary/rules: expected an array"},
      {"/summary/findings_by_severity/ERROR", "1", "/summary/findings_by_severity/ERROR"},
      {"/provenance/inputs/0/records", "2", "/provenance/inputs/0/records: expected a whole"},
      {"/provenance/reference", Json::array(), "/provenance/reference: expected an object"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pointer);
    Json j = GoodReport();
    if (c.value.is_null() && std::string(c.pointer) == "/findings/0/rule") {
      j["findings"][0].erase("rule");
    } else {
      j[Json::json_pointer(c.pointer)] = c.value;
    }
    EXPECT_THAT(Error(j), HasSubstr(c.must_say));
  }
}

TEST(ReportJsonHostileTest, DeepNestingIsRefusedBeforeParsing) {
  Json j = GoodReport();
  std::string text = j.dump();
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  text.replace(text.find("[[1]]"), 5, deep);
  auto r = ReportFromJson(text, "base.json");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("base.json: nested more than 64"));
}

TEST(ReportJsonHostileTest, TextThatIsNotUtf8IsRefusedWithItsByte) {
  std::string text = GoodReport().dump();
  text.replace(text.find("too small"), 9, "too sm\xE9ll");
  auto r = ReportFromJson(text, "base.json");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("base.json: not valid JSON at byte"));
}

}  // namespace
}  // namespace pcnv::report
