// The rule registry is the one place facts about rules live: these tests keep it well formed and
// keep docs/RULES.md's table of rules (code, title, default severity) in step with it.
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "geo/options.h"
#include "geo/rules/registry.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

struct DocRow {
  std::string title;
  std::string severity;
  int count = 0;
};

// The rows of docs/RULES.md's table: "| CODE | title | SEVERITY | computes | threshold |".
std::map<std::string, DocRow> DocumentedRules() {
  std::istringstream doc(testing::ReadFile(std::string(PCNV_SOURCE_DIR) + "/docs/RULES.md"));
  const std::regex row(R"(^\| ([A-Z]+[0-9]{3}) \| ([^|]*[^| ]) \| ([A-Z]+) \|)");
  std::map<std::string, DocRow> rows;
  std::smatch m;
  for (std::string line; std::getline(doc, line);) {
    if (!std::regex_search(line, m, row)) continue;
    DocRow& r = rows[m[1]];
    r.title = m[2];
    r.severity = m[3];
    r.count++;
  }
  return rows;
}

TEST(RuleRegistryTest, CodesAreUniqueAndEveryRuleIsDescribed) {
  std::set<std::string_view> codes;
  for (const RuleInfo& rule : RuleCatalogue()) {
    EXPECT_TRUE(codes.insert(rule.code).second) << rule.code << " twice";
    EXPECT_EQ(FindRule(rule.code), &rule);
    EXPECT_FALSE(rule.title.empty()) << rule.code;
    EXPECT_FALSE(rule.description.empty()) << rule.code;
    EXPECT_EQ(rule.description.find('\n'), std::string_view::npos) << rule.code;
    // At most one way to run: over the whole configuration or per PCN (neither: not
    // implemented yet, reported NOT_EVALUATED).
    EXPECT_FALSE(rule.whole != nullptr && rule.per_pcn != nullptr) << rule.code;
  }
  EXPECT_EQ(FindRule("XYZ999"), nullptr);
}

TEST(RuleRegistryTest, DefaultRulesetHasTheRegistryDefaults) {
  const Ruleset defaults;
  for (const RuleInfo& rule : RuleCatalogue()) {
    EXPECT_EQ(defaults.SeverityOf(rule.code), rule.default_severity) << rule.code;
  }
  Ruleset r;
  r.severity["POP001"] = Severity::kWarning;
  EXPECT_EQ(r.SeverityOf("POP001"), Severity::kWarning);
  EXPECT_EQ(r.SeverityOf("XYZ999"), Severity::kInfo);
}

TEST(RuleRegistryTest, RulesDocListsEveryRuleWithItsTitleAndDefaultSeverity) {
  const std::map<std::string, DocRow> doc = DocumentedRules();
  for (const RuleInfo& rule : RuleCatalogue()) {
    const std::string code(rule.code);
    auto it = doc.find(code);
    if (it == doc.end()) {
      ADD_FAILURE() << code << " is missing from docs/RULES.md's table";
      continue;
    }
    EXPECT_EQ(it->second.count, 1) << code << " has more than one row in docs/RULES.md";
    EXPECT_EQ(it->second.title, rule.title) << code << ": title in docs/RULES.md";
    EXPECT_EQ(it->second.severity, SeverityName(rule.default_severity))
        << code << ": default severity in docs/RULES.md";
  }
  for (const auto& [code, row] : doc) {
    EXPECT_NE(FindRule(code), nullptr) << "docs/RULES.md lists " << code << ", not a rule";
  }
}

}  // namespace
}  // namespace pcnv
