// Honest rule states through the CLI: a rule that cannot be evaluated meaningfully is
// NOT_EVALUATED with its reason, even when its input is nominally there (a distribution but no
// area polygons, so every territory would be empty), and the console verdict line says how many
// rules were not evaluated and why, so a run on practices alone does not read as a clean pass.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::SampleDir;
using ::testing::StartsWith;
using testing::TempDir;

struct CliRun {
  testing::CommandResult result;
  json report;
  std::map<std::string, json> rules;  // code -> summary.rules entry
  std::string verdict_line;           // stdout's first line
};

CliRun Validate(const std::vector<std::string>& flags) {
  TempDir tmp;
  std::vector<std::string> argv = {PCNV_CLI, "validate", "--out", tmp.File("r.json")};
  argv.insert(argv.end(), flags.begin(), flags.end());
  CliRun run;
  run.result = testing::Run(argv);
  run.report = json::parse(ReadFile(tmp.File("r.json")));
  for (const json& r : run.report.at("summary").at("rules")) run.rules[r.at("rule")] = r;
  std::vector<std::string> lines = absl::StrSplit(run.result.out, '\n');
  run.verdict_line = lines.empty() ? "" : lines.front();
  return run;
}

int NotEvaluated(const CliRun& run) {
  int n = 0;
  for (const auto& [code, r] : run.rules) n += r.at("state") == "NOT_EVALUATED";
  return n;
}

// The console line naming `rule`'s reason: "  not evaluated: A, B (reason)".
std::string NotEvaluatedLine(const CliRun& run, const std::string& rule) {
  for (absl::string_view line : absl::StrSplit(run.result.out, '\n')) {
    if (absl::StartsWith(line, "  not evaluated: ") && absl::StrContains(line, rule)) {
      return std::string(line);
    }
  }
  return "";
}

std::string Sample(const std::string& file) { return SampleDir() + "/" + file; }

TEST(RuleStatesTest, PracticesAloneSayWhatWasNotChecked) {
  CliRun run = Validate({"--practices", Sample("gp-reg-pat-prac-map.csv"), "--list-sizes",
                         Sample("gp-reg-pat-prac-all.csv")});
  ASSERT_NE(run.result.exit_code, 2) << run.result.err;
  const int n = NotEvaluated(run);
  ASSERT_GT(n, 0);
  // The count on the verdict line is the report's own.
  EXPECT_THAT(run.verdict_line,
              HasSubstr(absl::StrCat("; ", n, " of ", run.rules.size(), " rules not evaluated")))
      << run.result.out;
  // Every rule not evaluated is named on a line with its reason, exactly as the report has it.
  for (const auto& [code, r] : run.rules) {
    const std::string line = NotEvaluatedLine(run, code);
    if (r.at("state") == "EVALUATED") {
      EXPECT_EQ(line, "") << code;
      continue;
    }
    EXPECT_THAT(line, HasSubstr(absl::StrCat("(", r.at("reason").get<std::string>(), ")")))
        << code << "\n"
        << run.result.out;
  }
  EXPECT_EQ(run.rules.at("CON001").at("reason"),
            "needs a distribution (--distribution) to derive catchments");
  EXPECT_THAT(NotEvaluatedLine(run, "CON001"),
              HasSubstr("CON001, CON002, CON003, CON004, CMP001 (needs a distribution"));
  EXPECT_EQ(run.rules.at("POP001").at("state"), "EVALUATED");
}

TEST(RuleStatesTest, DistributionWithoutAreaPolygonsIsNotEvaluated) {
  // A distribution is given, so the contiguity and nesting rules' input is nominally present;
  // but with no area polygons every territory is empty and no patient can be placed.
  CliRun run = Validate({"--practices", Sample("gp-reg-pat-prac-map.csv"), "--list-sizes",
                         Sample("gp-reg-pat-prac-all.csv"), "--distribution",
                         Sample("gp-reg-pat-prac-lsoa-all.csv"), "--footprint",
                         "icb=" + Sample("icb.geojson:code")});
  ASSERT_NE(run.result.exit_code, 2) << run.result.err;
  for (const char* code : {"CON001", "CON002", "CON003", "CON004", "CMP001"}) {
    EXPECT_EQ(run.rules.at(code).at("state"), "NOT_EVALUATED") << code;
    EXPECT_EQ(run.rules.at(code).at("reason"),
              "no area polygons (--areas or --reference), so every territory is empty")
        << code;
  }
  EXPECT_EQ(run.rules.at("NEST001").at("state"), "NOT_EVALUATED");
  EXPECT_THAT(run.rules.at("NEST001").at("reason").get<std::string>(),
              StartsWith("no area polygons"));
  // Rules that need only the practice file and the counts are evaluated.
  for (const char* code : {"POP001", "MEM001", "DAT001"}) {
    EXPECT_EQ(run.rules.at(code).at("state"), "EVALUATED") << code;
  }
  EXPECT_THAT(NotEvaluatedLine(run, "CON001"),
              HasSubstr("(no area polygons (--areas or --reference), so every territory is "
                        "empty)"));
  EXPECT_THAT(run.verdict_line, HasSubstr(absl::StrCat(NotEvaluated(run), " of ", run.rules.size(),
                                                       " rules not evaluated")));
}

TEST(RuleStatesTest, FullRunHasEveryRuleEvaluated) {
  std::vector<std::string> flags = {"--practices",         Sample("gp-reg-pat-prac-map.csv"),
                                    "--list-sizes",        Sample("gp-reg-pat-prac-all.csv"),
                                    "--distribution",      Sample("gp-reg-pat-prac-lsoa-all.csv"),
                                    "--declared",          Sample("declared.geojson:pcn_code"),
                                    "--practice-register", Sample("epraccur.csv")};
  for (const std::string& f : testing::SampleLayerFlags()) flags.push_back(f);
  CliRun run = Validate(flags);
  ASSERT_EQ(run.result.exit_code, 1) << run.result.err;
  // Every input the rules need is there (NEST003 reads the sub-ICB layer): every rule is
  // evaluated, and the verdict line says nothing about rules left out.
  EXPECT_EQ(NotEvaluated(run), 0);
  EXPECT_THAT(run.result.out, ::testing::Not(HasSubstr("not evaluated")));
  EXPECT_THAT(run.verdict_line, StartsWith("FAIL: "));
}

}  // namespace
}  // namespace pcnv
