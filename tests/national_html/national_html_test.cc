// The national HTML report in headless Chromium (issue 12, part 7): all of England's PCNs with
// territories, ICB, sub-ICB and community footprints. The report must stay under 5 MB and open
// (parsed, its script run, laid out) in under 2 s; the laid-out page must label PCNs at a
// readable size without overlaps, draw every footprint layer and a legend, and filter the PCN
// table. The screenshot is kept: <build>/Testing/artifacts/national_report.png (a reviewed copy
// is docs/img/national_report.png).
//
// Input: the national benchmark workload (bench/README.md, "The workload") made by
// pcnv-bench-workload from ../shared/data, plus CCG 2021 polygons as the sub-ICB layer, packed into
// a reference store. Both are made once and kept under <build>/Testing/national-html (about 40 s;
// delete the folder to make them again); a run after that takes about 30 s. Skips when
// ../shared/data is absent. ctest labels: national, chromium, slow.
#include <gdal_priv.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/chromium.h"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

namespace fs = std::filesystem;
using testing::ChromiumArgs;
using testing::kChromium;

constexpr double kMaxBytes = 5e6;
constexpr double kMaxLoadMs = 2000;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

class NationalHtmlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = testing::SharedData();
    if (data_.empty()) return;
    cache_ = fs::path(PCNV_BINARY_DIR) / "Testing" / "national-html";
    fs::create_directories(cache_);
    const fs::path input = cache_ / "input";
    if (!fs::exists(input / "workload.txt")) {
      auto r = pcnv::testing::Run({PCNV_BENCH_WORKLOAD, "--data", data_, "--out", input.string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const fs::path store = cache_ / "reference.gpkg";
    if (!fs::exists(store)) {
      auto r = pcnv::testing::Run(
          {PCNV_CLI, "reference", "build", "--areas", (input / "lsoa11.gpkg").string(),
           "--footprint", "icb=" + (input / "icb22.gpkg").string(), "--footprint",
           "sub-icb=" + data_ + "/ons/boundaries_ccg21.geojson:ccg21_code", "--footprint",
           "community=" + (input / "ltla24.gpkg").string() + ":ltla24_code", "--out",
           store.string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    html_ = (cache_ / "national_report.html").string();
    json_ = (cache_ / "national_report.json").string();
    sarif_ = (cache_ / "national_report.sarif").string();
    auto r = pcnv::testing::Run(ValidateArgs(json_, html_, sarif_));
    ASSERT_NE(r.exit_code, 2) << r.err;
  }

  static std::vector<std::string> ValidateArgs(const std::string& json, const std::string& html,
                                               const std::string& sarif) {
    const fs::path input = cache_ / "input";
    return {PCNV_CLI,         "validate",
            "--reference",    (cache_ / "reference.gpkg").string(),
            "--practices",    (input / "gp-reg-pat-prac-map.csv").string(),
            "--list-sizes",   (input / "gp-reg-pat-prac-all.csv").string(),
            "--distribution", (input / "gp-reg-pat-prac-lsoa-all.csv").string(),
            "--out",          json,
            "--html",         html,
            "--sarif",        sarif,
            "--quiet"};
  }

  void SetUp() override {
    if (data_.empty()) {
      GTEST_SKIP() << "real data folder ../shared/data (beside the checkout) is absent: the "
                      "national HTML report test is skipped";
    }
    if (!fs::exists(kChromium)) {
      FAIL() << kChromium << " is missing: run deploy/install-deps.sh (Debian package chromium)";
    }
    ASSERT_TRUE(fs::exists(html_)) << "the national run wrote no HTML report";
  }

  static std::string data_, html_, json_, sarif_;
  static fs::path cache_;
};
std::string NationalHtmlTest::data_, NationalHtmlTest::html_, NationalHtmlTest::json_,
    NationalHtmlTest::sarif_;
fs::path NationalHtmlTest::cache_;

// The PCNs with an unwaived ERROR finding: what "failing only" must leave.
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

TEST_F(NationalHtmlTest, UnderFiveMegabytesOpensInUnderTwoSecondsAndReadsWithoutHelp) {
  const auto size = static_cast<double>(fs::file_size(html_));
  const auto report = nlohmann::json::parse(testing::ReadFile(json_));
  ASSERT_GT(report["pcns"].size(), 1000u);
  const std::set<std::string> failing = FailingPcns(report);
  ASSERT_FALSE(failing.empty());
  const std::string search = *std::next(failing.begin(), static_cast<long>(failing.size() / 2));

  testing::TempDir tmp;
  const std::string probe = tmp.File("probe.html");
  testing::WriteFile(probe, testing::ProbePage(testing::ReadFile(html_), search));
  // The best of two loads: the machine may be busy with other work.
  nlohmann::json got;
  double load_ms = 1e9;
  for (int attempt = 0; attempt < 2; ++attempt) {
    testing::TempDir profile;
    auto args = ChromiumArgs(profile.path());
    args.push_back("--window-size=1100,1500");
    args.push_back("--dump-dom");
    args.push_back("file://" + probe);
    auto r = pcnv::testing::Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    got = testing::ProbeResult(r.out);
    ASSERT_TRUE(got.is_object()) << "no probe result in the DOM";
    load_ms = std::min(load_ms, got["load_ms"].get<double>());
  }
  std::cout << "[national html] " << report["pcns"].size() << " PCNs, " << report["findings"].size()
            << " findings: " << size / 1e6 << " MB, load " << load_ms << " ms; labels "
            << got["labels_shown"] << " of " << got["labels"] << " shown at the first zoom\n";
  EXPECT_LT(size, kMaxBytes);
  EXPECT_LT(load_ms, kMaxLoadMs);

  // Labels: one per territory, 12 px on screen, the ones shown not overlapping.
  EXPECT_EQ(got["labels"], got["territories"]);
  EXPECT_GT(got["territories"].get<size_t>(), 1000u);
  EXPECT_GE(got["labels_shown"].get<int>(), 10);
  EXPECT_EQ(got["label_overlaps"], 0);
  EXPECT_GE(got["label_font_px"].get<double>(), 11);
  EXPECT_GE(got["labels_shown_zoom2"].get<int>(), got["labels_shown"].get<int>());
  EXPECT_EQ(got["label_overlaps_zoom2"], 0);
  EXPECT_NEAR(got["label_font_px_zoom2"].get<double>(), got["label_font_px"].get<double>(), 0.5);
  // Footprints: every ICB, sub-ICB and community footprint of the store (as its provenance
  // counts them) is an outline on the map, which covers England.
  std::map<std::string, int> features;
  for (const auto& l : report["provenance"]["reference"]["layers"]) {
    features[l["name"].get<std::string>()] = l["features"].get<int>();
  }
  for (const char* layer : {"icb", "sub-icb", "community"}) {
    ASSERT_GT(features[layer], 0) << layer;
    EXPECT_EQ(got["footprints"].value(std::string("fp-") + layer, 0), features[layer]) << layer;
  }
  for (const char* entry : {"l-colours", "l-pass", "l-warn", "l-fail", "l-fp-icb", "l-fp-sub-icb",
                            "l-fp-community", "l-finding", "l-labels"}) {
    EXPECT_THAT(got["legend"], ::testing::Contains(entry));
  }
  // The filter.
  EXPECT_TRUE(got["filter_tools_shown"].get<bool>());
  EXPECT_EQ(got["rows"], report["pcns"].size());
  EXPECT_EQ(got["failing_codes"].get<std::set<std::string>>(), failing);
  EXPECT_EQ(got["search_codes"].get<std::vector<std::string>>(), std::vector<std::string>{search});
  EXPECT_EQ(got["search_and_failing_codes"].get<std::vector<std::string>>(),
            std::vector<std::string>{search});
}

std::vector<std::string> Fingerprints(const std::string& sarif_path) {
  std::vector<std::string> out;
  const auto log = nlohmann::json::parse(testing::ReadFile(sarif_path));
  for (const auto& result : log["runs"][0]["results"]) {
    out.push_back(result["partialFingerprints"]["pcnvFinding/v1"].get<std::string>());
  }
  return out;
}

// SARIF partialFingerprints over the national run, where one PCN has many findings of one rule
// (detached fragments, parts outside a footprint): one fingerprint per finding, all different,
// and the same in a second run.
TEST_F(NationalHtmlTest, SarifFingerprintsAreUniqueAndStableAcrossRuns) {
  const auto report = nlohmann::json::parse(testing::ReadFile(json_));
  std::map<std::pair<std::string, std::string>, int> per_rule_and_pcn;
  int most = 0;
  for (const auto& f : report["findings"]) {
    most = std::max(most, ++per_rule_and_pcn[{f["rule"], f.value("pcn", "")}]);
  }
  ASSERT_GE(most, 3) << "no PCN with several findings of one rule: the test would prove little";
  const std::vector<std::string> first = Fingerprints(sarif_);
  ASSERT_EQ(first.size(), report["findings"].size());
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size());
  testing::TempDir again;
  auto r = pcnv::testing::Run(
      ValidateArgs(again.File("r.json"), again.File("r.html"), again.File("r.sarif")));
  ASSERT_NE(r.exit_code, 2) << r.err;
  EXPECT_EQ(Fingerprints(again.File("r.sarif")), first);
}

TEST_F(NationalHtmlTest, ScreenshotOfTheReportAsWritten) {
  const fs::path artifacts = fs::path(PCNV_BINARY_DIR) / "Testing" / "artifacts";
  fs::create_directories(artifacts);
  const std::string shot = (artifacts / "national_report.png").string();
  fs::remove(shot);
  // Wall time of a screenshot of the report, against one of an empty page (Chromium's own start
  // and exit): printed for the record; the load time asserted is the probe's, above.
  auto screenshot = [&](const std::string& url, const std::string& out) {
    testing::TempDir profile;
    auto args = ChromiumArgs(profile.path());
    args.push_back("--window-size=1100,1900");  // the whole map and its legend
    args.push_back("--screenshot=" + out);
    args.push_back(url);
    const auto start = std::chrono::steady_clock::now();
    auto r = pcnv::testing::Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Seconds(start);
  };
  testing::TempDir tmp;
  testing::WriteFile(tmp.File("blank.html"), "<!DOCTYPE html><title>blank</title><p>blank");
  const double blank = screenshot("file://" + tmp.File("blank.html"), tmp.File("blank.png"));
  const double page = screenshot("file://" + html_, shot);
  std::cout << "[national html] screenshot " << page << " s, of an empty page " << blank << " s\n";
  ASSERT_TRUE(fs::exists(shot));

  // A picture of the map, not a blank page: coloured territories cover a good part of it.
  GDALAllRegister();
  GDALDatasetUniquePtr png(
      GDALDataset::Open(shot.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr));
  ASSERT_TRUE(png);
  const int w = png->GetRasterXSize(), h = png->GetRasterYSize();
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
  int bands[3] = {1, 2, 3};
  ASSERT_EQ(png->RasterIO(GF_Read, 0, 0, w, h, rgb.data(), w, h, GDT_Byte, 3, bands, 3,
                          static_cast<GSpacing>(w) * 3, 1, nullptr),
            CE_None);
  size_t coloured = 0;
  for (size_t i = 0; i < rgb.size(); i += 3) {
    const int r = rgb[i], g = rgb[i + 1], b = rgb[i + 2];
    coloured += std::max({r, g, b}) - std::min({r, g, b}) > 40;  // not white, grey or black
  }
  EXPECT_GT(coloured, static_cast<size_t>(w) * h / 10) << "the map is not on the screenshot";
}

}  // namespace
}  // namespace pcnv
