// The sample region's HTML report opened in headless Chromium: the DOM after load must hold the
// map (a territory path per PCN, coloured by verdict) and every finding, and the screenshot must
// be a real picture (not blank). The screenshot is kept under the build tree as a CI artifact:
// <build>/Testing/artifacts/sample_report.png.
#include <gdal_priv.h>

#include <filesystem>
#include <regex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/report/report_test_util.h"

namespace pcnv {
namespace {

using testing::Concat;
using ::testing::HasSubstr;
using testing::SampleDir;
using testing::TempDir;

constexpr char kChromium[] = "/usr/bin/chromium";

// Flags for a root container without a display or network: no sandbox (root), no GPU, and
// nothing that phones home, in a fresh profile so runs do not share state.
std::vector<std::string> ChromiumArgs(const std::string& profile) {
  return {kChromium,
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--user-data-dir=" + profile};
}

int CountMatches(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
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
  EXPECT_EQ(CountMatches(dom, "<path class=\"territory verdict-fail\" data-pcn=\"U90007\""), 1);
  EXPECT_GE(CountMatches(dom, "<path class=\"territory verdict-warn\""), 1);  // POP002 at least
  EXPECT_EQ(CountMatches(dom, "<circle class=\"practice "),
            report["summary"]["practices"].get<int>());
  // Every finding is listed; every finding with a place is highlighted on the map.
  EXPECT_EQ(CountMatches(dom, "<li class=\"finding "), static_cast<int>(report["findings"].size()));
  EXPECT_GE(CountMatches(dom, "class=\"finding-geom "), with_geometry);
  EXPECT_THAT(dom, HasSubstr("data-rule=\"POP001\" data-pcn=\"U90007\""));
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
  int pass = 0, warn = 0, fail = 0;
  for (size_t i = 0; i < rgb.size(); i += 3) {
    const uint8_t* p = &rgb[i];
    pass += near(p, 0x81, 0xc7, 0x84);
    warn += near(p, 0xff, 0xb7, 0x4d);
    fail += near(p, 0xe5, 0x73, 0x73);
  }
  // One territory at this size is tens of thousands of pixels.
  EXPECT_GT(pass, 20000) << "green (PASS) territories not rendered";
  EXPECT_GT(warn, 10000) << "orange (WARN) territories not rendered";
  EXPECT_GT(fail, 5000) << "red (FAIL) territory not rendered";
}

}  // namespace
}  // namespace pcnv
