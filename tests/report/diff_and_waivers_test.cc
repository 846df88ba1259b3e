// The release diff's matching and fail policies, waivers, escaping and small-number rules.
#include "geo/report_diff.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/diff_json.h"
#include "report/disclosure.h"
#include "report/markup.h"
#include "report/report_json.h"
#include "report/report_json_read.h"
#include "tests/report/report_test_util.h"

namespace pcnv::report {
namespace {

using ::testing::HasSubstr;

Finding F(const char* rule, Severity s, const char* pcn, const char* practice = "",
          const char* message = "m") {
  Finding f;
  f.rule = rule;
  f.severity = s;
  f.pcn = pcn;
  f.practice = practice;
  f.message = message;
  return f;
}

Report WithFindings(std::vector<Finding> findings) {
  Report r;
  r.findings = std::move(findings);
  return r;
}

std::vector<Baseline> States(const ReportDiff& d) {
  std::vector<Baseline> out;
  for (const FindingMark& m : d.view.marks) out.push_back(m.baseline);
  return out;
}

TEST(ReportDiffTest, ClassifiesNewFixedUnchangedAndUpdated) {
  Report base = WithFindings({F("POP001", Severity::kError, "U1", "", "24,100 patients"),
                              F("MEM001", Severity::kError, "", "A1"),
                              F("POP002", Severity::kWarning, "U2")});
  Report cand =
      WithFindings({F("POP001", Severity::kError, "U1", "", "24,000 patients"),
                    F("POP002", Severity::kWarning, "U2"), F("POP001", Severity::kError, "U3")});
  ReportDiff d = DiffReports(base, cand, FailOn::kNewErrors, {}, "2024-01-01");
  EXPECT_EQ(d.counts.new_findings, 1);
  EXPECT_EQ(d.counts.fixed, 1);
  EXPECT_EQ(d.counts.unchanged, 2);
  EXPECT_EQ(d.counts.failing, 1);
  ASSERT_EQ(d.view.report.findings.size(), 4u);
  EXPECT_EQ(States(d), (std::vector<Baseline>{Baseline::kUpdated, Baseline::kUnchanged,
                                              Baseline::kNew, Baseline::kAbsent}));
  EXPECT_EQ(d.view.report.findings[3].rule, "MEM001");  // the fixed one, appended
  EXPECT_TRUE(d.view.marks[2].failing);
  EXPECT_FALSE(d.view.marks[0].failing);  // unchanged errors do not fail new-errors
}

TEST(ReportDiffTest, StableKeyAndOrderPairDuplicates) {
  Finding a = F("CON002", Severity::kInfo, "U1");
  a.values["key"] = std::string("E01000001");
  Finding b = F("CON002", Severity::kInfo, "U1");
  b.values["key"] = std::string("E01000002");
  Finding c = F("CON002", Severity::kInfo, "U1");
  c.values["key"] = std::string("E01000003");
  ReportDiff d =
      DiffReports(WithFindings({a, b}), WithFindings({b, c}), FailOn::kNewErrors, {}, "2024-01-01");
  EXPECT_EQ(States(d),
            (std::vector<Baseline>{Baseline::kUnchanged, Baseline::kNew, Baseline::kAbsent}));
  EXPECT_EQ(std::get<std::string>(d.view.report.findings[2].values.at("key")), "E01000001");
}

TEST(ReportDiffTest, FailPolicies) {
  Report base = WithFindings({F("POP001", Severity::kError, "U1")});
  Report cand =
      WithFindings({F("POP001", Severity::kError, "U1"), F("POP002", Severity::kWarning, "U2")});
  EXPECT_EQ(DiffReports(base, cand, FailOn::kNewErrors, {}, "2024-01-01").counts.failing, 0);
  EXPECT_EQ(DiffReports(base, cand, FailOn::kAnyErrors, {}, "2024-01-01").counts.failing, 1);
  EXPECT_EQ(DiffReports(base, cand, FailOn::kNewWarnings, {}, "2024-01-01").counts.failing, 1);
  EXPECT_TRUE(ParseFailOn("new-warnings").ok());
  EXPECT_EQ(ParseFailOn("errors").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReportDiffTest, WaiverStopsANewErrorFailingUntilItExpires) {
  Report base = WithFindings({});
  Report cand = WithFindings({F("POP001", Severity::kError, "U1")});
  Waiver w{"POP001", "U1", "Rural exception", "Sampleton ICB", "2025-03-31"};
  ReportDiff in_force = DiffReports(base, cand, FailOn::kNewErrors, {w}, "2025-03-31");
  EXPECT_EQ(in_force.counts.failing, 0);
  EXPECT_EQ(in_force.counts.waived, 1);
  ASSERT_TRUE(in_force.view.report.findings[0].waiver.has_value());
  // The engine's rule: a waived POP001 is a WARNING (a commissioner's exception).
  EXPECT_EQ(in_force.view.report.findings[0].severity, Severity::kWarning);
  EXPECT_THAT(DiffToJson(in_force), HasSubstr("Rural exception"));
  ReportDiff expired = DiffReports(base, cand, FailOn::kNewErrors, {w}, "2025-04-01");
  EXPECT_EQ(expired.counts.failing, 1);
  EXPECT_EQ(expired.counts.waived, 0);
  // Other PCNs and rules are not covered.
  Waiver other{"POP001", "U2", "r", "a", "2030-01-01"};
  EXPECT_EQ(DiffReports(base, cand, FailOn::kNewErrors, {other}, "2025-01-01").counts.failing, 1);
}

TEST(MarkupTest, EscapesEverythingThatCouldBecomeMarkup) {
  EXPECT_EQ(EscapeMarkup("<a href=\"x\">Smith & Jones' </a>"),
            "&lt;a href=&quot;x&quot;&gt;Smith &amp; Jones&#39; &lt;/a&gt;");
  EXPECT_EQ(EscapeMarkup(std::string("a\x01"
                                     "b\tc")),
            "ab\tc");
  EXPECT_EQ(Grouped(24100), "24,100");
  EXPECT_EQ(Grouped(-400), "-400");
  EXPECT_EQ(Grouped(999), "999");
}

// Writers print what the engine gives them: suppression happened before (geo/disclosure.h).
TEST(DisplayValueTest, FormatsWithoutApplyingARuleOfItsOwn) {
  EXPECT_EQ(DisplayValue("patients", std::string("<5")), "<5");
  EXPECT_EQ(DisplayValue("patients", std::string("withheld")), "withheld");
  EXPECT_EQ(DisplayValue("patients", int64_t{4}), "4");  // --unsuppressed output
  EXPECT_EQ(DisplayValue("patients", int64_t{0}), "0");
  EXPECT_EQ(DisplayValue("population", int64_t{58300}), "58,300");
  EXPECT_EQ(DisplayValue("relative_difference", 0.04), "0.04");
  EXPECT_EQ(ValuesJson({{"patients", std::string("<5")}, {"rows", int64_t{2}}}),
            R"({"patients":"<5","rows":2})");
}

TEST(ReportJsonReadTest, RoundTripsWhatTheDiffNeeds) {
  Report r = pcnv::testing::TinyReport();
  auto back = report::ReportFromJson(report::ReportToJson(r), "r.json");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->findings.size(), r.findings.size());
  for (size_t i = 0; i < r.findings.size(); ++i) {
    EXPECT_EQ(back->findings[i].rule, r.findings[i].rule);
    EXPECT_EQ(back->findings[i].severity, r.findings[i].severity);
    EXPECT_EQ(back->findings[i].pcn, r.findings[i].pcn);
    EXPECT_EQ(back->findings[i].practice, r.findings[i].practice);
    EXPECT_EQ(back->findings[i].message, r.findings[i].message);
    EXPECT_EQ(back->findings[i].values, r.findings[i].values);
    EXPECT_EQ(back->findings[i].geometry.is_null(), r.findings[i].geometry.is_null());
  }
  EXPECT_EQ(back->pcns[0].name, "NORTH & EAST <PCN>");
  EXPECT_EQ(back->summary.rules.back().state, RuleState::kNotEvaluated);
  EXPECT_EQ(back->provenance.inputs[1].path, "/data/dist file.csv");
  EXPECT_EQ(report::ReportFromJson("{}", "x.json").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(report::ReportFromJson("not json", "x.json").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pcnv::report
