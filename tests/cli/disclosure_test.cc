// Small-number disclosure control end to end: the sample region plus planted small counts, run
// through the real CLI with every output written, once as shared (the default) and once with
// --unsuppressed to learn the true values. Then, as an attacker holding every written file:
//  - no count of 1-4 patients appears in any file, by pattern over each format;
//  - every small true count is withheld in the report, the GeoPackage and the gRPC-shaped JSON;
//  - subtraction from published totals recovers none (tests/support/subtraction_attack.h):
//    practice list sizes against their PCN's population, the parts of DAT001 against its total,
//    POP003's list size from distribution total minus difference, CON00x counts from their share.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "ogrsf_frmts.h"
#include "tests/support/subtraction_attack.h"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

using nlohmann::json;
using testing::ReadFile;
using testing::SampleDir;
using testing::TempDir;

constexpr char kTiny[] = "Z09999";  // a practice of 3 patients in U90001

// The sample with small counts planted where findings report them:
//  - Z09999, a 3-patient practice (list size) in U90001, whose distribution rows total 120
//    (POP003: list size 3 beside distribution total and difference);
//  - 3 of its patients in E01900028, far from U90001, whose own rows are dropped so they win it
//    (CON002: a detached fragment of 3 patients, with its share of the territory);
//  - 3 patients of Z88888, a practice not in the list (MEM004);
//  - U90099, a PCN of one 2-patient practice Z07777 (its population and POP001's);
//  - the sample's unknown-area-code rows replaced by one of 3 patients beside the placeholder
//    rows (DAT001: a part of 3 and its total).
// The sample already has many 1-2 patient area counts for the share table.
struct Fixture {
  std::string practices, list_sizes, distribution;
};

std::string WithoutLinesContaining(const std::string& text, const std::string& needle) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line.find(needle) == absl::string_view::npos) absl::StrAppend(&out, line, "\n");
  }
  return out;
}

Fixture PlantSmallCounts(const TempDir& tmp) {
  const std::string s = SampleDir();
  Fixture f{tmp.File("map.csv"), tmp.File("all.csv"), tmp.File("lsoa.csv")};
  testing::WriteFile(
      f.practices,
      ReadFile(s + "/gp-reg-pat-prac-map.csv") +
          absl::StrCat("GP_PRAC_PAT_LIST,01Apr2024,", kTiny,
                       ",TINY BRANCH SURGERY,ZZ5 1ER,U90001,SAMPLETON NORTH PCN,E38900001,90A,NHS "
                       "Sampleton ICB - 90A,E54900001,QZZ,NHS Sampleton Integrated Care "
                       "Board,E40900001,Y90,Sampleton Region\n",
                       "GP_PRAC_PAT_LIST,01Apr2024,Z07777,TINY PCN SURGERY,ZZ5 1ER,U90099,TINY "
                       "PCN,E38900001,90A,NHS Sampleton ICB - 90A,E54900001,QZZ,NHS Sampleton "
                       "Integrated Care Board,E40900001,Y90,Sampleton Region\n"));
  testing::WriteFile(f.list_sizes, ReadFile(s + "/gp-reg-pat-prac-all.csv") +
                                       absl::StrCat("GP_PRAC_PAT_LIST,01Apr2024,GP,90A,E38900001,",
                                                    kTiny, ",ZZ5 1ER,ALL,ALL,3\n"));
  std::string distribution = ReadFile(s + "/gp-reg-pat-prac-lsoa-all.csv");
  distribution = WithoutLinesContaining(distribution, ",E01999999,");
  distribution = WithoutLinesContaining(distribution, ",E01900028,");
  const std::string row = "GP_PRAC_PAT_LIST,01Apr2024,";
  absl::StrAppend(&distribution, row, kTiny, ",TINY BRANCH SURGERY,E01900230,ALL,117\n", row, kTiny,
                  ",TINY BRANCH SURGERY,E01900028,ALL,3\n", row,
                  "Z88888,UNLISTED SURGERY,E01900400,ALL,3\n", row,
                  "Z00002,CASTLE HILL SURGERY,E01999999,ALL,3\n", row,
                  "Z00002,CASTLE HILL SURGERY,NO2011,ALL,60\n", row,
                  "Z07777,TINY PCN SURGERY,E01900400,ALL,2\n");
  testing::WriteFile(f.distribution, distribution);
  return f;
}

struct Outputs {
  std::string dir;
  std::string json() const { return dir + "/report.json"; }
  std::string html() const { return dir + "/report.html"; }
  std::string junit() const { return dir + "/junit.xml"; }
  std::string sarif() const { return dir + "/report.sarif"; }
  std::string gpkg() const { return dir + "/layers.gpkg"; }
  std::string geojson() const { return dir + "/layers.geojson"; }
  // GeoJSON holds one layer a file: layers.geojson becomes layers_practices.geojson, ...
  std::string geojson_practices() const { return dir + "/layers_practices.geojson"; }
  std::vector<std::string> geojson_files() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".geojson") out.push_back(e.path().string());
    }
    return out;
  }
};

Outputs RunAll(const Fixture& f, const std::string& dir, bool unsuppressed) {
  std::filesystem::create_directories(dir);
  Outputs o{dir};
  for (const std::string& geo : {o.gpkg(), o.geojson()}) {
    std::vector<std::string> argv = {
        PCNV_CLI,         "validate",     "--practices", f.practices, "--list-sizes", f.list_sizes,
        "--distribution", f.distribution, "--out",       o.json(),    "--html",       o.html(),
        "--junit",        o.junit(),      "--sarif",     o.sarif(),   "--geo-out",    geo};
    for (const auto& a : testing::SampleLayerFlags()) argv.push_back(a);
    if (unsuppressed) argv.push_back("--unsuppressed");
    const auto r = testing::Run(argv);
    EXPECT_LE(r.exit_code, 1) << r.err;
  }
  return o;
}

// Patterns that show a count of 1-4 patients, per format.
const std::regex kCountKey(
    "[a-z_]*(patients|list_size|population|distribution_total|difference|shortfall|excess)[a-z_]*");
std::vector<std::string> SmallCountsShown(const std::string& text) {
  static const std::vector<std::regex> patterns = {
      // message text: "3 patients", "1 patient" (not the "1" of "2.1" or "11")
      std::regex(R"((^|[^\d,.])[1-4] (registered )?patients?\b)"),
      // JSON, SARIF, GeoJSON: "patients": 3
      std::regex(
          R"re("[a-z_]*(patients|list_size|population|distribution_total|difference|shortfall|excess)[a-z_]*"\s*:\s*[1-4]([^\d,.]|$))re"),
      // HTML: a finding's numbers ("patients: 3 &middot; ...")
      std::regex(
          R"re((patients|list_size|population|distribution_total|difference|shortfall|excess)[a-z_]*: [1-4]([^\d,.]|$))re"),
      // HTML PCN figures: "registered population<td>3<"
      std::regex(R"re(population(</th>)?<td( class="num")?>[1-4]<)re"),
      // JUnit: "patients = 3"
      std::regex(
          R"((patients|list_size|population|distribution_total|difference|shortfall|excess)[a-z_]* = [1-4]([^\d,.]|$))"),
  };
  std::vector<std::string> hits;
  for (const std::regex& p : patterns) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), p); it != std::sregex_iterator();
         ++it) {
      hits.push_back(it->str());
    }
  }
  return hits;
}

// The practices layer of a GeoPackage or GeoJSON: code -> (list size or null, suppressed).
struct PublishedPractice {
  std::optional<int64_t> list_size;
  std::string pcn;
};
std::map<std::string, PublishedPractice> PracticesLayer(const std::string& path) {
  GDALAllRegister();
  std::map<std::string, PublishedPractice> out;
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
  EXPECT_NE(ds, nullptr) << path;
  if (ds == nullptr) return out;
  OGRLayer* layer = path.ends_with(".gpkg") ? ds->GetLayerByName("practices") : ds->GetLayer(0);
  EXPECT_NE(layer, nullptr) << path;
  if (layer == nullptr) return out;
  for (auto& feat : *layer) {
    PublishedPractice p;
    p.pcn = feat->GetFieldAsString("pcn_code");
    if (feat->IsFieldSetAndNotNull(feat->GetFieldIndex("list_size"))) {
      p.list_size = feat->GetFieldAsInteger64("list_size");
    }
    out[feat->GetFieldAsString("practice_code")] = p;
  }
  return out;
}

// Every text value of every attribute table of a vector file, for the pattern search.
std::string AttributeText(const std::string& path) {
  std::string text;
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
  if (ds == nullptr) return text;
  for (OGRLayer* layer : ds->GetLayers()) {
    for (auto& feat : *layer) {
      for (int i = 0; i < feat->GetFieldCount(); ++i) {
        const char* name = feat->GetFieldDefnRef(i)->GetNameRef();
        if (!feat->IsFieldSetAndNotNull(i)) continue;
        absl::StrAppend(&text, "\"", name, "\": ", feat->GetFieldAsString(i), "\n");
      }
    }
  }
  return text;
}

bool IsSmall(const json& v) {
  return v.is_number_integer() && v.get<int64_t>() > 0 && v.get<int64_t>() < 5;
}

class DisclosureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    const Fixture f = PlantSmallCounts(*tmp_);
    shared_ = new Outputs(RunAll(f, tmp_->File("shared"), false));
    truth_ = new Outputs(RunAll(f, tmp_->File("truth"), true));
  }
  static void TearDownTestSuite() {
    delete shared_;
    delete truth_;
    delete tmp_;
  }
  static TempDir* tmp_;
  static Outputs* shared_;
  static Outputs* truth_;
};
TempDir* DisclosureTest::tmp_ = nullptr;
Outputs* DisclosureTest::shared_ = nullptr;
Outputs* DisclosureTest::truth_ = nullptr;

TEST_F(DisclosureTest, NoSmallCountInAnyWrittenFile) {
  // The unsuppressed run shows them (so the patterns can find them)...
  std::string truth_text;
  for (const std::string& p : {truth_->json(), truth_->html(), truth_->junit(), truth_->sarif()}) {
    truth_text += ReadFile(p);
  }
  truth_text += AttributeText(truth_->gpkg());
  for (const std::string& p : truth_->geojson_files()) truth_text += AttributeText(p);
  EXPECT_FALSE(SmallCountsShown(truth_text).empty()) << "the fixture plants no small count";
  // ...and the shared run shows none, in any file.
  for (const std::string& p :
       {shared_->json(), shared_->html(), shared_->junit(), shared_->sarif()}) {
    for (const std::string& hit : SmallCountsShown(ReadFile(p))) ADD_FAILURE() << p << ": " << hit;
  }
  std::vector<std::string> layers = shared_->geojson_files();
  EXPECT_GE(layers.size(), 4u);
  layers.push_back(shared_->gpkg());
  for (const std::string& p : layers) {
    for (const std::string& hit : SmallCountsShown(AttributeText(p))) {
      ADD_FAILURE() << p << ": " << hit;
    }
  }
  const json report = json::parse(ReadFile(shared_->json()));
  EXPECT_EQ(report["provenance"]["ruleset"]["disclosure.suppress_below"], 5);
  bool tiny_pcn = false;
  for (const json& p : report["pcns"]) {
    if (p["code"] != "U90099") continue;
    tiny_pcn = true;
    EXPECT_EQ(p["population"], "<5");
  }
  EXPECT_TRUE(tiny_pcn);
  EXPECT_EQ(
      json::parse(ReadFile(truth_->json()))["provenance"]["ruleset"]["disclosure.suppress_below"],
      0);
}

TEST_F(DisclosureTest, EverySmallTrueCountIsWithheldInTheReport) {
  const json shared = json::parse(ReadFile(shared_->json()))["findings"];
  const json truth = json::parse(ReadFile(truth_->json()))["findings"];
  ASSERT_EQ(shared.size(), truth.size());
  int small = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    ASSERT_EQ(shared[i]["rule"], truth[i]["rule"]);
    if (!truth[i].contains("values")) continue;
    for (const auto& [key, v] : truth[i]["values"].items()) {
      if (!std::regex_match(key, kCountKey) || !IsSmall(v)) continue;
      ++small;
      EXPECT_EQ(shared[i]["values"][key], "<5") << truth[i]["rule"] << " " << key;
    }
  }
  EXPECT_GT(small, 0);
}

TEST_F(DisclosureTest, ListSizesCannotBeRecoveredFromThePcnPopulation) {
  const std::map<std::string, PublishedPractice> truth = PracticesLayer(truth_->gpkg());
  ASSERT_EQ(truth.at(kTiny).list_size, 3);
  for (const std::string& layers : {shared_->gpkg(), shared_->geojson_practices()}) {
    const std::map<std::string, PublishedPractice> shared = PracticesLayer(layers);
    EXPECT_FALSE(shared.at(kTiny).list_size.has_value()) << layers;
    // One line per PCN: its practices' list sizes, whose sum is the population the report
    // publishes for a list_sizes basis.
    std::vector<testing::AttackCell> cells;
    std::map<std::string, testing::AttackLine> lines;
    std::vector<std::string> code_of;
    for (const auto& [code, p] : truth) {
      if (!p.list_size || p.pcn.empty()) continue;
      lines[p.pcn].cells.push_back(static_cast<int>(cells.size()));
      cells.push_back({*p.list_size, shared.at(code).list_size.has_value()});
      code_of.push_back(code);
    }
    std::vector<testing::AttackLine> all;
    for (auto& [pcn, line] : lines) all.push_back(line);
    for (int c : testing::RecoveredBySubtraction(cells, all)) {
      if (cells[c].truth < 5)
        ADD_FAILURE() << layers << ": list size of " << code_of[c] << " recovered";
    }
  }
}

TEST_F(DisclosureTest, FindingPartsCannotBeRecoveredFromTheirTotals) {
  const json shared = json::parse(ReadFile(shared_->json()))["findings"];
  const json truth = json::parse(ReadFile(truth_->json()))["findings"];
  int lines_checked = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    const std::string rule = truth[i]["rule"];
    const json& tv = truth[i].value("values", json::object());
    const json& sv = shared[i].value("values", json::object());
    if (rule == "DAT001") {
      // patients = the sum of the per-kind counts.
      std::vector<testing::AttackCell> cells;
      testing::AttackLine line;
      for (const auto& [key, v] : tv.items()) {
        if (key == "patients" || !key.ends_with("_patients")) continue;
        line.cells.push_back(static_cast<int>(cells.size()));
        cells.push_back({v.get<int64_t>(), sv[key].is_number()});
      }
      if (!sv["patients"].is_number())
        continue;  // the total itself withheld: nothing to subtract from
      ++lines_checked;
      for (int c : testing::RecoveredBySubtraction(cells, {line})) {
        if (cells[c].truth < 5) ADD_FAILURE() << "DAT001 part recovered";
      }
    }
    if (rule == "POP003" && IsSmall(tv["list_size"])) {
      ++lines_checked;
      EXPECT_FALSE(sv["distribution_total"].is_number() && sv["difference"].is_number())
          << "list size = distribution_total - difference";
    }
    if (tv.contains("share_of_patients") && IsSmall(tv["patients"])) {
      ++lines_checked;
      EXPECT_FALSE(sv["share_of_patients"].is_number()) << rule << ": share x total = count";
    }
  }
  EXPECT_GT(lines_checked, 0);
}

}  // namespace
}  // namespace pcnv
