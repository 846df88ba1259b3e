#include "geo/io/ruleset_json.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pcnv::io {
namespace {

using ::testing::HasSubstr;

TEST(RulesetJsonTest, ReadsEverySetting) {
  auto r = ParseRuleset(R"({
    "name": "rural-icb",
    "rules": {
      "POP001": {"severity": "WARNING", "minimum": 25000},
      "POP002": {"usual_maximum": 60000},
      "CON001": {"min_share": 0.05},
      "NEST001": {"max_outside": 0.1, "enabled": false},
      "CMP002": {"max_distance_m": 20000},
      "GEO001": {"repair": false}
    },
    "contiguity": {"adjacency": "point", "bridge_distance_m": 250,
                   "bridges": [["E01018463", "E01018464"]]}
  })",
                        "rs.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->name, "rural-icb");
  EXPECT_EQ(r->pop_min, 25000);
  EXPECT_EQ(r->SeverityOf("POP001"), Severity::kWarning);
  EXPECT_EQ(r->pop_usual_max, 60000);
  EXPECT_DOUBLE_EQ(r->con_detached_min_share, 0.05);
  EXPECT_FALSE(r->Enabled("NEST001"));
  EXPECT_TRUE(r->Enabled("CON001"));
  EXPECT_DOUBLE_EQ(r->cmp002_max_distance_m, 20000);
  EXPECT_FALSE(r->repair_geometry);
  EXPECT_EQ(r->contiguity.adjacency, Adjacency::kPoint);
  EXPECT_DOUBLE_EQ(r->contiguity.bridge_distance_m, 250);
  ASSERT_EQ(r->contiguity.bridges.size(), 1u);
  EXPECT_EQ(r->contiguity.bridges[0].second, "E01018464");
  EXPECT_EQ(r->SeverityOf("CON003"), Severity::kError);  // untouched default
}

TEST(RulesetJsonTest, ErrorsNameTheKey) {
  struct Case {
    const char* text;
    const char* must_say;
  } cases[] = {
      {R"({"rules": {"POP009": {}}})", "rules.POP009: unknown rule code"},
      {R"({"rules": {"POP001": {"minimun": 1}}})", "rules.POP001.minimun: unknown setting"},
      {R"({"rules": {"POP001": {"severity": "FATAL"}}})", "rules.POP001.severity"},
      {R"({"rules": {"POP003": {"tolerance": -1}}})", "rules.POP003.tolerance: -1 is negative"},
      {R"({"contiguity": {"adjacency": "rook"}})", "contiguity.adjacency"},
      {R"({"contiguity": {"bridges": [["E01"]]}})", "contiguity.bridges[0]"},
      {R"({"rulez": {}})", "rulez: unknown key"},
      {R"({"rules": )", "not valid JSON"},
  };
  for (const Case& c : cases) {
    auto r = ParseRuleset(c.text, "rs.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("rs.json")) << c.text;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.must_say)) << c.text;
  }
}

TEST(WaiversJsonTest, ReadsWaivers) {
  auto w = ParseWaivers(R"([{"rule": "POP001", "pcn": "U00001", "reason": "Island practice",
      "approved_by": "ICB primary care committee", "expires": "2027-03-31"}])",
                        "w.json");
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->size(), 1u);
  EXPECT_EQ((*w)[0].approved_by, "ICB primary care committee");
  EXPECT_EQ((*w)[0].expires, "2027-03-31");
}

TEST(WaiversJsonTest, ErrorsNameTheWaiverAndField) {
  auto missing = ParseWaivers(R"([{"rule": "POP001", "pcn": "U1", "reason": "r",
      "approved_by": "a"}])",
                              "w.json");
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("waiver 1.expires: missing"));
  auto date = ParseWaivers(R"([{"rule": "POP001", "pcn": "U1", "reason": "r",
      "approved_by": "a", "expires": "31/03/2027"}])",
                           "w.json");
  EXPECT_THAT(std::string(date.status().message()), HasSubstr("YYYY-MM-DD"));
  auto rule = ParseWaivers(R"([{"rule": "XYZ", "pcn": "U1", "reason": "r",
      "approved_by": "a", "expires": "2027-03-31"}])",
                           "w.json");
  EXPECT_THAT(std::string(rule.status().message()), HasSubstr("unknown rule code"));
  EXPECT_EQ(ReadWaivers("/nonexistent/w.json").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pcnv::io
