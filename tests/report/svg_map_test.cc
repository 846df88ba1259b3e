// The HTML report's map (report/svg_map.h): neighbouring territories never share a colour, the
// verdict is drawn as outline and hatching, every PCN is labelled (or labelled on zoom), footprints
// are outlines clipped to the map, a finding covering its whole territory is not drawn twice, and
// geometry is written as integers.
#include "report/svg_map.h"

#include <map>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "geo/report_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/html_report.h"
#include "tests/report/report_test_util.h"

namespace pcnv {
namespace {

using ::pcnv::testing::Wkt;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kSide = 4;        // a kSide x kSide grid of PCN territories
constexpr double kCell = 5000;  // metres

std::string Square(double x, double y, double side) {
  return absl::StrCat("POLYGON((", x, " ", y, ",", x + side, " ", y, ",", x + side, " ", y + side,
                      ",", x, " ", y + side, ",", x, " ", y, "))");
}

std::string Code(int i, int j) { return absl::StrCat("U", 10000 + i * 10 + j); }

// Every PCN a square of the grid; U10000 fails (an error about its whole territory and one about
// a corner of it), U10011 warns.
Report GridReport() {
  Report r;
  r.summary.verdict = "FAIL";
  for (int i = 0; i < kSide; ++i) {
    for (int j = 0; j < kSide; ++j) {
      PcnEntry p;
      p.code = Code(i, j);
      p.name = absl::StrCat("GRID PCN ", i, j);
      p.territory_geometry = Wkt(Square(400000 + i * kCell, 300000 + j * kCell, kCell));
      r.pcns.push_back(p);
    }
  }
  Finding whole;
  whole.rule = "NEST001";
  whole.severity = Severity::kError;
  whole.pcn = Code(0, 0);
  whole.message = "whole territory";
  whole.geometry = r.pcns[0].territory_geometry;
  Finding corner;
  corner.rule = "CON001";
  corner.severity = Severity::kError;
  corner.pcn = Code(0, 0);
  corner.message = "a corner";
  corner.geometry = Wkt(Square(400000, 300000, 1000));
  Finding warn;
  warn.rule = "POP002";
  warn.severity = Severity::kWarning;
  warn.pcn = Code(1, 1);
  warn.message = "small";
  r.findings = {whole, corner, warn};
  return r;
}

std::vector<FootprintLayer> Footprints() {
  FootprintLayer icb{FootprintKind::kIcb, {}};
  // One over the grid's west half, one far away (nowhere near the map: not drawn).
  icb.footprints.push_back(
      {"E54000001", "NHS WEST ICB", Wkt(Square(399000, 299000, kCell * kSide / 2 + 1000))});
  icb.footprints.push_back({"E54000099", "NHS FAR ICB", Wkt(Square(100000, 900000, 10000))});
  FootprintLayer community{FootprintKind::kCommunity, {}};
  community.footprints.push_back(
      {"E06000001", "Gridshire", Wkt(Square(398000, 298000, kCell * kSide + 4000))});
  return {icb, community};
}

std::map<std::string, std::string> Attr(const std::string& svg, const std::string& element_re,
                                        const std::string& attr) {
  std::map<std::string, std::string> out;
  std::regex re(element_re + "[^>]*data-pcn=\"(U\\d+)\"[^>]*" + attr + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    out[(*it)[1]] = (*it)[2];
  }
  return out;
}

TEST(SvgMapTest, NeighboursGetDifferentColoursAndTheVerdictIsOutlineAndHatching) {
  const Report r = GridReport();
  const std::string svg =
      report::RenderSvgMap(ViewForValidate(r, Severity::kError), {.footprints = Footprints()});
  std::map<std::string, int> colour;
  std::regex territory("<path class=\"territory verdict-(\\w+) c(\\d)\" data-pcn=\"(U\\d+)\"");
  std::map<std::string, std::string> verdict;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), territory);
       it != std::sregex_iterator(); ++it) {
    colour[(*it)[3]] = std::stoi((*it)[2]);
    verdict[(*it)[3]] = (*it)[1];
  }
  ASSERT_EQ(colour.size(), static_cast<size_t>(kSide * kSide));
  // Squares sharing an edge or a corner are neighbours.
  for (int i = 0; i < kSide; ++i) {
    for (int j = 0; j < kSide; ++j) {
      for (int di = -1; di <= 1; ++di) {
        for (int dj = -1; dj <= 1; ++dj) {
          const int ni = i + di, nj = j + dj;
          if ((di == 0 && dj == 0) || ni < 0 || nj < 0 || ni >= kSide || nj >= kSide) continue;
          EXPECT_NE(colour[Code(i, j)], colour[Code(ni, nj)])
              << Code(i, j) << " and " << Code(ni, nj) << " touch";
        }
      }
    }
  }
  EXPECT_EQ(verdict[Code(0, 0)], "fail");
  EXPECT_EQ(verdict[Code(1, 1)], "warn");
  EXPECT_EQ(verdict[Code(2, 2)], "pass");
  const auto fill = Attr(svg, "<path class=\"territory", "fill");
  EXPECT_THAT(fill.at(Code(0, 0)), ::testing::StartsWith("url(#hf"));
  EXPECT_THAT(fill.at(Code(1, 1)), ::testing::StartsWith("url(#hw"));
  EXPECT_EQ(fill.at(Code(2, 2)), report::kTerritoryPalette[colour[Code(2, 2)]]);
  EXPECT_THAT(svg, HasSubstr("<pattern id=\"hf"));
}

TEST(SvgMapTest, EveryPcnIsLabelledAndFootprintsAreClippedOutlines) {
  const Report r = GridReport();
  const std::string svg =
      report::RenderSvgMap(ViewForValidate(r, Severity::kError), {.footprints = Footprints()});
  // A label written now (shown at the first zoom) or data-l for the script; never both.
  std::set<std::string> labelled;
  std::regex text("<text class=\"pcn-label\" data-pcn=\"(U\\d+)\" data-z=\"1\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator();
       ++it) {
    labelled.insert((*it)[1]);
  }
  const auto deferred = Attr(svg, "<path class=\"territory", "data-l");
  for (const auto& [code, l] : deferred) {
    EXPECT_FALSE(labelled.contains(code)) << code;
    EXPECT_THAT(l, ::testing::MatchesRegex("[0-9.]+ [0-9.]+ [0-9]+ [0-9]+")) << code;
    labelled.insert(code);
  }
  EXPECT_EQ(labelled.size(), r.pcns.size());
  // 5 km squares on a 960 px map of 20 km: every code and name fits at the first zoom.
  EXPECT_TRUE(deferred.empty());
  EXPECT_THAT(svg, HasSubstr(">GRID PCN 00</tspan>"));

  EXPECT_THAT(svg, HasSubstr("class=\"footprint fp-icb\" data-code=\"E54000001\""));
  EXPECT_THAT(svg, Not(HasSubstr("E54000099")));
  EXPECT_THAT(svg, HasSubstr("class=\"footprint fp-community\" data-code=\"E06000001\""));
  EXPECT_THAT(svg, HasSubstr("<title>icb E54000001 NHS WEST ICB</title>"));
}

TEST(SvgMapTest, WholeTerritoryFindingIsNamedOnItsTerritoryAndGeometryIsIntegers) {
  const Report r = GridReport();
  const std::string svg = report::RenderSvgMap(ViewForValidate(r, Severity::kError));
  // NEST001 covers U10000's whole territory: named there, not drawn again; CON001 is drawn.
  EXPECT_EQ(Attr(svg, "<path class=\"territory", "data-findings").at(Code(0, 0)), "1");
  EXPECT_THAT(svg, Not(HasSubstr("data-finding=\"1\"")));
  EXPECT_THAT(svg, HasSubstr("class=\"finding-geom sev-error\" data-finding=\"2\""));
  EXPECT_THAT(svg, HasSubstr("about the whole territory: NEST001"));
  std::regex d(" d=\"([^\"]*)\"");
  int paths = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), d); it != std::sregex_iterator();
       ++it) {
    ++paths;
    EXPECT_THAT(std::string((*it)[1]), ::testing::MatchesRegex("[-0-9 MlzV]*")) << (*it)[1];
  }
  EXPECT_GE(paths, kSide * kSide + 1);
}

TEST(HtmlReportTest, ScriptIsAllowedByItsHashAndNothingIsFetched) {
  const std::string html =
      report::RenderHtmlReport(ViewForValidate(GridReport(), Severity::kError));
  EXPECT_THAT(html, ::testing::ContainsRegex("script-src 'sha256-[A-Za-z0-9+/]{43}='"));
  EXPECT_THAT(html, Not(HasSubstr("unsafe-inline'; img-src data:; script-src 'unsafe")));
  EXPECT_THAT(html, Not(HasSubstr(" src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, HasSubstr("id=\"pcn-search\""));
  EXPECT_THAT(html, HasSubstr("id=\"pcn-failing\""));
  // U10000 fails (two ERRORs): the filter's mark; U10011 only warns.
  EXPECT_THAT(html, HasSubstr("data-pcn=\"U10000\" data-failing=\"1\""));
  EXPECT_THAT(html, HasSubstr("data-pcn=\"U10011\"><td>"));
  EXPECT_THAT(html, HasSubstr("id=\"map-legend\""));
  EXPECT_THAT(html, HasSubstr("id=\"rule-NEST001\""));
}

}  // namespace
}  // namespace pcnv
