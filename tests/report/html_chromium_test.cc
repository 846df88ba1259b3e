// The sample region's HTML report opened in headless Chromium: the DOM after load must hold the
// map (a territory path per PCN, coloured apart from its neighbours, the verdict as outline and
// hatching, a label per PCN, the footprints as outlines, a legend) and every finding; the PCN
// table's filter must work, both as typed and from the address (#filter?failing=1, which also
// shows that the Content-Security-Policy lets the report's own script run); and the screenshot
// must be a real picture. The screenshot is kept under the build tree as a CI artifact,
// <build>/Testing/artifacts/sample_report.png; a reviewed copy is docs/img/sample_map.png.
#include <gdal_priv.h>

#include <array>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "geo/rules/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "report/svg_map.h"
#include "tests/report/report_test_util.h"
#include "tests/support/chromium.h"

namespace pcnv {
namespace {

using testing::Concat;
using ::testing::HasSubstr;
using testing::SampleDir;
using testing::TempDir;

using testing::ChromiumArgs;
using testing::kChromium;

int CountMatches(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// The PCNs with an unwaived ERROR finding: what "failing only" must leave (validate's default
// --fail-on error), counted from the JSON report.
std::set<std::string> FailingPcns(const nlohmann::json& report) {
  std::set<std::string> pcns, failing;
  for (const auto& p : report["pcns"]) pcns.insert(p["code"].get<std::string>());
  for (const auto& f : report["findings"]) {
    const std::string pcn = f.value("pcn", "");
    if (f["severity"] == "ERROR" && !f.contains("waiver") && pcns.contains(pcn)) {
      failing.insert(pcn);
    }
  }
  return failing;
}

class HtmlChromiumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kChromium)) {
      FAIL() << kChromium << " is missing: run deploy/install-deps.sh (Debian package chromium)";
    }
    auto r = pcnv::testing::Run(
        Concat(testing::SampleValidateArgs(SampleDir()),
               {"--out", tmp_.File("r.json"), "--html", tmp_.File("report.html")}));
    ASSERT_EQ(r.exit_code, 1) << r.err;
    url_ = "file://" + tmp_.File("report.html");
  }
  TempDir tmp_;
  std::string url_;
};

TEST_F(HtmlChromiumTest, DomAfterLoadHoldsTheMapAndEveryFinding) {
  TempDir profile;
  auto args = ChromiumArgs(profile.path());
  args.push_back("--dump-dom");
  args.push_back(url_);
  auto r = pcnv::testing::Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& dom = r.out;
  const auto report = nlohmann::json::parse(testing::ReadFile(tmp_.File("r.json")));
  int with_geometry = 0;
  for (const auto& f : report["findings"]) with_geometry += f.contains("geometry_wkt");
  EXPECT_THAT(dom, HasSubstr("<svg id=\"map\""));
  EXPECT_EQ(CountMatches(dom, "<path class=\"territory verdict-"),
            static_cast<int>(report["pcns"].size()));
  EXPECT_EQ(CountMatches(dom, "<path class=\"territory verdict-fail c\\d\" data-pcn=\"U90007\""),
            1);
  EXPECT_GE(CountMatches(dom, "<path class=\"territory verdict-warn c\\d\""), 1);  // POP002
  EXPECT_EQ(CountMatches(dom, "<circle class=\"practice "),
            report["summary"]["practices"].get<int>());
  // Every finding is listed; every finding with a place is on the map: drawn (data-finding) or,
  // when it covers its PCN's whole territory, named on that territory (data-findings).
  EXPECT_EQ(CountMatches(dom, "<li class=\"finding "), static_cast<int>(report["findings"].size()));
  std::set<int> on_map;
  const std::regex numbers("data-findings?=\"([0-9 ]+)\"");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), numbers);
       it != std::sregex_iterator(); ++it) {
    std::istringstream in((*it)[1].str());
    for (int n = 0; in >> n;) on_map.insert(n);
  }
  for (size_t i = 0; i < report["findings"].size(); ++i) {
    if (report["findings"][i].contains("geometry_wkt")) {
      EXPECT_TRUE(on_map.contains(static_cast<int>(i) + 1)) << "finding " << i + 1;
    }
  }
  EXPECT_GE(static_cast<int>(on_map.size()), with_geometry);
  const size_t section = dom.find("<section class=\"pcn\" id=\"pcn-U90007\"");
  ASSERT_NE(section, std::string::npos);
  EXPECT_THAT(dom.substr(section, dom.find("</section>", section) - section),
              HasSubstr("data-rule=\"POP001\""));
  // The script put each rule's title beside its code.
  EXPECT_THAT(dom, HasSubstr(absl::StrCat("<b class=\"rule\">POP001</b> ",
                                          std::string(FindRule("POP001")->title))));
  EXPECT_THAT(dom, HasSubstr("has a registered population of 24,100 patients"));
  EXPECT_EQ(CountMatches(dom, "<tr class=\"pcn-row\""), static_cast<int>(report["pcns"].size()));
}

TEST_F(HtmlChromiumTest, ScreenshotIsAPictureOfTheMap) {
  const std::filesystem::path artifacts =
      std::filesystem::path(PCNV_BINARY_DIR) / "Testing" / "artifacts";
  std::filesystem::create_directories(artifacts);
  const std::string shot = (artifacts / "sample_report.png").string();
  std::filesystem::remove(shot);
  TempDir profile;
  auto args = ChromiumArgs(profile.path());
  args.push_back("--screenshot=" + shot);
  args.push_back("--window-size=1200,1400");
  args.push_back(url_);
  auto r = pcnv::testing::Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(shot)) << r.err;
  EXPECT_GT(std::filesystem::file_size(shot), 20000u);  // a blank page is ~5 KB

  // Decode it (GDAL reads PNG) and count the map's colours: territories coloured by verdict
  // must be on screen, not just a white page.
  GDALAllRegister();
  GDALDatasetUniquePtr png(
      GDALDataset::Open(shot.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr));
  ASSERT_TRUE(png);
  ASSERT_GE(png->GetRasterCount(), 3);
  const int w = png->GetRasterXSize(), h = png->GetRasterYSize();
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
  int bands[3] = {1, 2, 3};
  ASSERT_EQ(png->RasterIO(GF_Read, 0, 0, w, h, rgb.data(), w, h, GDT_Byte, 3, bands, 3,
                          static_cast<GSpacing>(w) * 3, 1, nullptr),
            CE_None);
  auto near = [](const uint8_t* p, int r, int g, int b) {
    return std::abs(p[0] - r) < 12 && std::abs(p[1] - g) < 12 && std::abs(p[2] - b) < 12;
  };
  auto rgb_of = [](const char* hex) {
    const int v = std::stoi(std::string(hex + 1), nullptr, 16);
    return std::array<int, 3>{v >> 16, (v >> 8) & 0xff, v & 0xff};
  };
  // Territories in the categorical palette (several colours: neighbours differ), and the
  // verdict outlines and hatching: FAIL dark red, WARN orange.
  std::vector<int> palette(std::size(report::kTerritoryPalette), 0);
  int fail_red = 0, warn_orange = 0;
  for (size_t i = 0; i < rgb.size(); i += 3) {
    const uint8_t* p = &rgb[i];
    for (size_t c = 0; c < palette.size(); ++c) {
      const auto [r, g, b] = rgb_of(report::kTerritoryPalette[c]);
      palette[c] += near(p, r, g, b);
    }
    fail_red += near(p, 0xb7, 0x1c, 0x1c);
    warn_orange += near(p, 0xe6, 0x51, 0x00);
  }
  int colours_on_screen = 0;
  for (const int n : palette) colours_on_screen += n > 5000;
  EXPECT_GE(colours_on_screen, 3) << "territories not coloured apart";
  EXPECT_GT(fail_red, 1000) << "FAIL outline/hatching not rendered";
  EXPECT_GT(warn_orange, 500) << "WARN outline/hatching not rendered";
}

// What a reader sees once the page is laid out (tests/support/chromium.h): a label per PCN at a
// readable size, none overlapping, a legend naming every layer drawn, the footprint outlines,
// and the filter: "failing only" leaves exactly the PCNs with a failing finding; searching a
// code leaves that PCN.
TEST_F(HtmlChromiumTest, ProbeSeesLabelsLegendFootprintsAndFilter) {
  const auto report = nlohmann::json::parse(testing::ReadFile(tmp_.File("r.json")));
  const std::set<std::string> failing = FailingPcns(report);
  ASSERT_FALSE(failing.empty());
  const std::string probe = tmp_.File("probe.html");
  testing::WriteFile(probe,
                     testing::ProbePage(testing::ReadFile(tmp_.File("report.html")), "U90007"));
  TempDir profile;
  auto args = ChromiumArgs(profile.path());
  args.push_back("--window-size=1200,1400");
  args.push_back("--dump-dom");
  args.push_back("file://" + probe);
  auto r = pcnv::testing::Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json got = testing::ProbeResult(r.out);
  ASSERT_TRUE(got.is_object()) << "no probe result in the DOM";
  EXPECT_EQ(got["territories"], report["pcns"].size());
  EXPECT_EQ(got["labels"], got["territories"]);
  EXPECT_GE(got["labels_shown"].get<int>(), 1);
  EXPECT_EQ(got["label_overlaps"], 0);
  EXPECT_GE(got["label_font_px"].get<double>(), 11);
  EXPECT_GE(got["labels_shown_zoom2"].get<int>(), got["labels_shown"].get<int>());
  EXPECT_EQ(got["label_overlaps_zoom2"], 0);
  EXPECT_NEAR(got["label_font_px_zoom2"].get<double>(), got["label_font_px"].get<double>(), 0.5);
  EXPECT_GE(got["footprints"]["fp-icb"].get<int>(), 1);
  EXPECT_GE(got["footprints"]["fp-sub-icb"].get<int>(), 1);
  EXPECT_GE(got["footprints"]["fp-community"].get<int>(), 1);
  for (const char* entry : {"l-colours", "l-pass", "l-warn", "l-fail", "l-fp-icb", "l-fp-sub-icb",
                            "l-fp-community", "l-finding", "l-practice", "l-labels"}) {
    EXPECT_THAT(got["legend"], ::testing::Contains(entry));
  }
  EXPECT_TRUE(got["zoom_tools_shown"].get<bool>());
  EXPECT_TRUE(got["filter_tools_shown"].get<bool>());
  EXPECT_EQ(got["rows"], report["pcns"].size());
  EXPECT_EQ(got["failing_codes"].get<std::set<std::string>>(), failing);
  EXPECT_GE(got["dimmed_when_failing"].get<size_t>(), report["pcns"].size() - failing.size());
  EXPECT_EQ(got["address_when_failing"], "#filter?failing=1");
  EXPECT_EQ(got["search_codes"].get<std::vector<std::string>>(),
            std::vector<std::string>{"U90007"});
  EXPECT_EQ(got["search_and_failing_codes"].get<std::vector<std::string>>(),
            std::vector<std::string>{"U90007"});
}

// The filter from the address, on the report as written (its Content-Security-Policy in force):
// the rows left are the failing PCNs.
TEST_F(HtmlChromiumTest, FilterFromTheAddressUnderTheReportsOwnPolicy) {
  const auto report = nlohmann::json::parse(testing::ReadFile(tmp_.File("r.json")));
  const std::set<std::string> failing = FailingPcns(report);
  TempDir profile;
  auto args = ChromiumArgs(profile.path());
  args.push_back("--dump-dom");
  args.push_back(url_ + "#filter?failing=1");
  auto r = pcnv::testing::Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> shown;
  int rows = 0;
  const std::regex row("<tr class=\"pcn-row\" data-pcn=\"(U\\d+)\"([^>]*)>");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), row);
       it != std::sregex_iterator(); ++it) {
    ++rows;
    if ((*it)[2].str().find("hidden") == std::string::npos) shown.insert((*it)[1]);
  }
  EXPECT_EQ(rows, static_cast<int>(report["pcns"].size()));
  EXPECT_EQ(shown, failing);
}

}  // namespace
}  // namespace pcnv
