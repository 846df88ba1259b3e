// The HTML report's "What would fix it" (report/html_fixes.h): a grid fixture's suggestions,
// searched by the engine, rendered in the failing PCN's section with the change's figures and
// its before/after maps; a PCN the search did not target has no such section.
#include "report/html_fixes.h"

#include <string>

#include "absl/strings/match.h"
#include "geo/engine.h"
#include "geo/report_view.h"
#include "geo/suggest.h"
#include "gtest/gtest.h"
#include "report/html_report.h"
#include "tests/geo/grid_fixture.h"

namespace pcnv::report {
namespace {

// The text of PCN `code`'s section in the rendered report.
std::string SectionOf(const std::string& html, const std::string& code) {
  const size_t at = html.find("<section class=\"pcn\" id=\"pcn-" + code + "\">");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</section>", at) - at);
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A 400-patient PCN (A) beside one of 1,000 (B 200 + C 800): moving B clears POP001.
testing::GridFixture SmallBesideLarge() {
  testing::GridFixture g{{"AAAABBCC", "..CCCCCC"}};
  g.pcn_of = {{'A', "U00001"}, {'B', "U00002"}, {'C', "U00002"}};
  return g;
}

ValidationOptions Bounds() {
  ValidationOptions o;
  o.ruleset.pop_min = 500;
  o.ruleset.pop_usual_max = 2000;
  o.disclosure.suppress_below = 0;  // the fixture's counts are tiny
  return o;
}

TEST(HtmlFixesTest, AFailingPcnShowsItsFixWithFiguresAndBeforeAfterMaps) {
  const testing::GridFixture g = SmallBesideLarge();
  const ValidationOptions o = Bounds();
  const Engine engine(g.Reference());
  auto base = engine.Validate(g.Input(), o);
  ASSERT_TRUE(base.ok()) << base.status();
  ASSERT_TRUE(HasFixTargets(*base));
  auto fixes = Suggest(engine, g.Input(), o, *base, {});
  ASSERT_TRUE(fixes.ok()) << fixes.status();
  ASSERT_FALSE(fixes->suggestions.empty());
  const std::string best = fixes->targets.front().suggestions.front();

  HtmlReportOptions with;
  with.suggestions = &*fixes;
  const std::string html = RenderHtmlReport(ViewForValidate(*base, Severity::kError), with);
  const std::string failing = SectionOf(html, "U00001");
  ASSERT_FALSE(failing.empty());
  EXPECT_TRUE(absl::StrContains(failing, "What would fix it"));
  EXPECT_TRUE(absl::StrContains(
      failing, "<b>Move B00001 Practice B</b> (200 patients) from U00002 to U00001"))
      << failing;
  EXPECT_TRUE(absl::StrContains(failing, "<code>" + best + "</code>"));
  EXPECT_TRUE(absl::StrContains(failing, "400 &rarr; 600"));  // U00001's population
  EXPECT_TRUE(absl::StrContains(failing, "1,000 &rarr; 800"));
  // Before and after, each with both PCNs' territories.
  EXPECT_GE(Count(failing, "<svg class=\"change-map\""), 2);
  EXPECT_GE(Count(failing, "<title>U00002</title>"), 2);
  // The grid's practices have no locations: no dots, and the legend does not offer them.
  EXPECT_FALSE(absl::StrContains(failing, "moved practices"));
  // U00002 passes: its section has no fixes.
  EXPECT_FALSE(absl::StrContains(SectionOf(html, "U00002"), "What would fix it"));
  // Without suggestions, no section anywhere.
  EXPECT_FALSE(absl::StrContains(RenderHtmlReport(ViewForValidate(*base, Severity::kError)),
                                 "What would fix it"));
}

TEST(HtmlFixesTest, AFindingWithNothingToTrySaysWhatWouldWidenTheSearch) {
  const testing::GridFixture g = SmallBesideLarge();
  const ValidationOptions o = Bounds();
  const Engine engine(g.Reference());
  auto base = engine.Validate(g.Input(), o);
  ASSERT_TRUE(base.ok()) << base.status();
  SuggestOptions locked;
  locked.locked_pcns = {"U00002"};  // nothing may move
  auto fixes = Suggest(engine, g.Input(), o, *base, locked);
  ASSERT_TRUE(fixes.ok()) << fixes.status();
  const std::string section = FixSection(*base, *fixes, "U00001");
  EXPECT_TRUE(absl::StrContains(section, "no change to try within the search")) << section;
  EXPECT_EQ(FixSection(*base, *fixes, "U00002"), "");
}

}  // namespace
}  // namespace pcnv::report
