// The readers on the real open data in ../shared/data (skipped when that folder is absent).
#include <gdal.h>
#include <ogr_api.h>

#include <string>

#include "geo/io/readers.h"
#include "geo/io/versions.h"
#include "gtest/gtest.h"
#include "tests/io/io_test_util.h"
#include "tests/support/test_support.h"

namespace pcnv::io {
namespace {

using ::pcnv::testing::SharedData;

#define PCNV_REQUIRE_SHARED_DATA()                                                     \
  if (SharedData().empty()) {                                                          \
    GTEST_SKIP() << "real data folder ../shared/data (beside the checkout) is absent"; \
  }

const Membership* FindPractice(const std::vector<Membership>& map, const std::string& code) {
  for (const Membership& m : map) {
    if (m.practice_code == code) return &m;
  }
  return nullptr;
}

TEST(RealDataIoTest, PracticeMap2022UsesCcgAndStpColumns) {
  PCNV_REQUIRE_SHARED_DATA();
  auto map = ReadPracticeMap(SharedData() + "/nhsd/gp-reg-pat-prac-map_2022-01.csv");
  PCNV_ASSERT_OK(map);
  EXPECT_EQ(map->size(), 6527u);  // wc -l minus the header
  const Membership* m = FindPractice(*map, "A81001");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->practice_postcode, "TS181HU");
  EXPECT_EQ(m->pcn_code, "U89141");
  EXPECT_EQ(m->sub_icb_code, "16C");
  EXPECT_EQ(m->ons_sub_icb_code, "E38000247");
  EXPECT_EQ(m->icb_code, "QHM");
  EXPECT_EQ(m->ons_icb_code, "E54000050");
  EXPECT_EQ(m->row, 1);
}

TEST(RealDataIoTest, PracticeMap2026UsesSubIcbAndIcbColumns) {
  PCNV_REQUIRE_SHARED_DATA();
  auto map = ReadPracticeMap(SharedData() + "/nhsd/gp-reg-pat-prac-map_2026-08.csv");
  PCNV_ASSERT_OK(map);
  EXPECT_EQ(map->size(), 6129u);
  const Membership* m = FindPractice(*map, "A81002");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->practice_name, "QUEENS PARK MEDICAL CENTRE");
  EXPECT_EQ(m->pcn_code, "U07032");
  EXPECT_EQ(m->pcn_name, "NORTH STOCKTON PCN");
  EXPECT_EQ(m->sub_icb_code, "16C");
  EXPECT_EQ(m->ons_icb_code, "E54000050");
  EXPECT_EQ(m->icb_code, "QHM");
  int unallocated = 0;
  for (const Membership& x : *map) {
    EXPECT_FALSE(x.practice_code.empty());
    if (x.pcn_code == kUnallocatedPcn) ++unallocated;
  }
  EXPECT_LT(unallocated, 200);
}

TEST(RealDataIoTest, ListSizes2021) {
  PCNV_REQUIRE_SHARED_DATA();
  auto sizes = ReadListSizes(SharedData() + "/nhsd/gp-reg-pat-prac-all_2021-01.csv");
  PCNV_ASSERT_OK(sizes);
  EXPECT_EQ(sizes->size(), 6658u);  // every row is SEX=ALL, AGE=ALL in this extract
  EXPECT_EQ((*sizes)[0].practice_code, "A84002");
  EXPECT_EQ((*sizes)[0].patients, 5903);
  int64_t total = 0;
  for (const ListSize& s : *sizes) total += s.patients;
  EXPECT_GT(total, 55'000'000);  // England's registered population is ~60M
  EXPECT_LT(total, 65'000'000);
}

TEST(RealDataIoTest, NsplFolder) {
  PCNV_REQUIRE_SHARED_DATA();
  auto dir = ReadPostcodeDirectory(SharedData() + "/postcodes/nspl_2025-05");
  PCNV_ASSERT_OK(dir);
  EXPECT_EQ(dir->files.size(), 124u);  // the folder's *.csv (README.md etc. beside them)
  // 2,714,964 data rows, 24,087 of them "lat blank, long 0.00000" (counted with grep/awk); no
  // postcode is listed twice once spaces are stripped.
  EXPECT_EQ(dir->rows_without_location, 24087);
  EXPECT_EQ(dir->entries.size(), 2714964u - 24087u);
  // M1 1AA: 53.48737, -2.22719 -> 385022.439 398985.881 (gdaltransform, see the directory test).
  ASSERT_TRUE(dir->entries.contains("M11AA"));
  EXPECT_NEAR(dir->entries.at("M11AA").location.x, 385022.439, 1.0);
  EXPECT_NEAR(dir->entries.at("M11AA").location.y, 398985.881, 1.0);
  EXPECT_EQ(dir->entries.at("M11AA").area_code, "");
}

TEST(RealDataIoTest, TraffordPostcodesCarryLsoa21) {
  PCNV_REQUIRE_SHARED_DATA();
  auto dir =
      ReadPostcodeDirectory(SharedData() + "/greater_manchester/postcodes_trafford_postcodes.csv");
  PCNV_ASSERT_OK(dir);
  EXPECT_EQ(dir->entries.size() + dir->rows_without_location, 11264u);
  const PostcodeEntry& e = dir->entries.at("M154AB");
  EXPECT_EQ(e.area_code, "E01034001");
  EXPECT_NEAR(e.location.x, 382805.976, 1.0);
  EXPECT_NEAR(e.location.y, 396568.9996, 1.0);
}

// Counts invalid geometries the way GEOS sees them in the source CRS, independently of
// ReadVectorLayer (which checks after reprojection).
int CountInvalidInSource(const std::string& path) {
  EnsureGdalRegistered();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  if (ds == nullptr) return -1;
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
  int invalid = 0;
  while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    std::string wkb(OGR_G_WkbSize(g), '\0');
    OGR_G_ExportToIsoWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
    auto geometry = Geometry::FromWkb(wkb);
    if (geometry.ok() && !geometry->InvalidReason().empty()) ++invalid;
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
  return invalid;
}

TEST(RealDataIoTest, GreaterManchesterLsoa2021InvalidPolygonsAreRepaired) {
  PCNV_REQUIRE_SHARED_DATA();
  const std::string path =
      SharedData() + "/greater_manchester/lsoa_2021_gm_lsoa_generalised.geojson";
  LayerSpec spec;
  spec.path = path;
  auto layer = ReadVectorLayer(spec);
  PCNV_ASSERT_OK(layer);
  EXPECT_EQ(layer->code_field, "area_code");
  EXPECT_EQ(layer->source_crs, "EPSG:4326");
  ASSERT_EQ(layer->features.size(), 1702u);
  int flagged = 0;
  for (const VectorFeature& f : layer->features) {
    EXPECT_EQ(f.geometry.InvalidReason(), "") << f.code;
    EXPECT_GT(f.geometry.Area(), 0) << f.code;
    if (!f.invalid_reason.empty()) ++flagged;
  }
  // ogrinfo -dialect sqlite -sql "select count(*) from gm_lsoa_generalised where not
  // st_isvalid(geometry)" says 4; so does GEOS on the source geometries.
  EXPECT_EQ(flagged, 4);
  EXPECT_EQ(CountInvalidInSource(path), 4);
}

TEST(RealDataIoTest, Icb22ShapefileIsAlreadyBng) {
  PCNV_REQUIRE_SHARED_DATA();
  LayerSpec spec;
  spec.path = SharedData() + "/ons/icb22.shp";
  auto layer = ReadVectorLayer(spec);
  PCNV_ASSERT_OK(layer);
  EXPECT_EQ(layer->features.size(), 42u);
  EXPECT_EQ(layer->code_field, "ICB22CD");
  EXPECT_EQ(layer->source_crs, "EPSG:27700");
  EXPECT_FALSE(layer->features[0].name.empty());
}

}  // namespace
}  // namespace pcnv::io
