// Every writer on real geometry: the West Sussex 2022 declared PCN boundaries (WGS84, some
// invalid, multipart) read through pcnv's reader, each boundary drawn as a territory and as a
// finding geometry. The outputs must read back through GDAL and validate against the schemas.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "geo/io/readers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/geo_layers.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/sarif.h"
#include "tests/report/report_test_util.h"

namespace pcnv::report {
namespace {

using pcnv::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(WestSussexOutputsTest, EveryWriterProducesValidOutput) {
  if (pcnv::testing::SharedData().empty()) {
    GTEST_SKIP() << "real data folder ../shared/data is absent";
  }
  auto spec = io::ParseLayerSpec(pcnv::testing::SharedData() +
                                 "/west_sussex_2022/pcn_boundary_simple.geojson:PCN_Code");
  ASSERT_TRUE(spec.ok()) << spec.status();
  auto layer = io::ReadVectorLayer(*spec);
  ASSERT_TRUE(layer.ok()) << layer.status();
  ASSERT_EQ(layer->features.size(), 20u);

  Report r;
  r.summary.verdict = "FAIL";
  r.summary.rules = {{"GEO001", RuleState::kEvaluated, "", 0},
                     {"CMP001", RuleState::kEvaluated, "", 0}};
  r.provenance.tool = "pcnv 0.1.0";
  r.provenance.method = "majority";
  r.provenance.inputs = {{"declared", spec->path, "", 20}};
  for (const io::VectorFeature& f : layer->features) {
    PcnEntry p;
    p.code = f.code;
    p.name = f.name;
    p.territory_geometry = f.geometry;
    r.pcns.push_back(p);
    Finding finding;
    finding.rule = f.invalid_reason.empty() ? "CMP001" : "GEO001";
    finding.severity = f.invalid_reason.empty() ? Severity::kInfo : Severity::kError;
    finding.pcn = f.code;
    finding.message = f.invalid_reason.empty() ? "Declared boundary of " + f.code
                                               : f.code + ": " + f.invalid_reason;
    finding.values["feature"] = int64_t{f.feature};
    finding.geometry = f.geometry;
    r.findings.push_back(std::move(finding));
  }
  r.summary.pcns = static_cast<int>(r.pcns.size());
  const ReportView view = ViewForValidate(std::move(r), Severity::kError);

  TempDir tmp;
  auto files = WriteGeoLayers(view, tmp.File("ws.gpkg"));
  ASSERT_TRUE(files.ok()) << files.status();
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(tmp.File("ws.gpkg").c_str(),
                                            GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr));
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetLayerByName("pcn_territories")->GetFeatureCount(), 20);
  EXPECT_EQ(ds->GetLayerByName("findings")->GetFeatureCount(), 20);
  EXPECT_STREQ(ds->GetLayerByName("findings")->GetSpatialRef()->GetAuthorityCode(nullptr), "27700");
  ASSERT_TRUE(WriteGeoLayers(view, tmp.File("ws.geojson")).ok());

  ASSERT_TRUE(WriteJunit(view, tmp.File("ws.xml")).ok());
  EXPECT_EQ(pcnv::testing::JunitSchemaErrors(tmp.File("ws.xml")), "");
  ASSERT_TRUE(WriteSarif(view, tmp.File("ws.sarif")).ok());
  EXPECT_EQ(pcnv::testing::SarifSchemaErrors(tmp.File("ws.sarif")), "");
  ASSERT_TRUE(WriteHtmlReport(view, tmp.File("ws.html")).ok());
  const std::string html = pcnv::testing::ReadFile(tmp.File("ws.html"));
  size_t paths = 0;
  for (size_t at = html.find("<path class=\"territory "); at != std::string::npos;
       at = html.find("<path class=\"territory ", at + 1)) {
    ++paths;
  }
  EXPECT_EQ(paths, 20u);
  // Self-contained: nothing to fetch (the SVG namespace URI is a name, not a fetch).
  EXPECT_THAT(html, Not(HasSubstr("<script src")));  // one inline script, allowed by its hash
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr(" src=")));
}

}  // namespace
}  // namespace pcnv::report
