// BuildReference / WriteReferenceStore / LoadReferenceStore round trip, and load errors.
#include "geo/io/reference_store.h"

#include <gdal.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "geo/io/readers.h"
#include "geo/io/versions.h"
#include "gtest/gtest.h"
#include "tests/io/io_test_util.h"
#include "tests/support/test_support.h"

namespace pcnv::io {
namespace {

using ::pcnv::testing::ExpectError;
using ::pcnv::testing::ExpectInvalid;
using ::pcnv::testing::TempDir;
using ::pcnv::testing::WriteFile;

constexpr char kBngCrs[] =
    R"("crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},)";

std::string Square(const std::string& props, double x, double y, double side) {
  return absl::StrCat(R"({"type": "Feature", "properties": {)", props,
                      R"(}, "geometry": {"type": "Polygon", "coordinates": [[[)", x, ",", y, "],[",
                      x + side, ",", y, "],[", x + side, ",", y + side, "],[", x, ",", y + side,
                      "],[", x, ",", y, "]]]}}");
}

// A bow-tie (the ring crosses itself at 410005, 300005): make-valid gives two triangles.
constexpr char kBowTie[] =
    R"({"type": "Feature", "properties": {"lsoa21cd": "E01000003", "lsoa21nm": "Knot"},
        "geometry": {"type": "Polygon", "coordinates": [[[410000, 300000], [410010, 300010],
        [410010, 300000], [410000, 300010], [410000, 300000]]]}})";

std::string Collection(const std::string& features) {
  return absl::StrCat(R"({"type": "FeatureCollection", )", kBngCrs, R"("features": [)", features,
                      "]}");
}

class ReferenceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two 1 km areas side by side and a self-intersecting one further east (repaired), one
    // ICB over the first two, two community footprints.
    areas_ = dir_.File("areas.geojson");
    WriteFile(
        areas_,
        Collection(absl::StrCat(
            Square(R"("lsoa21cd": "E01000001", "lsoa21nm": "West")", 400000, 300000, 1000), ",",
            Square(R"("lsoa21cd": "E01000002", "lsoa21nm": "East")", 401000, 300000, 1000), ",",
            kBowTie)));
    icb_ = dir_.File("icb.geojson");
    WriteFile(icb_, Collection(Square(R"("ICB22CD": "E54000001", "ICB22NM": "The ICB")", 400000,
                                      300000, 2000)));
    community_ = dir_.File("community.geojson");
    WriteFile(community_,
              Collection(Square(R"("code": "C1", "name": "North")", 400000, 300500, 2000) + "," +
                         Square(R"("code": "C2", "name": "South")", 400000, 299500, 2000)));
    // No LSOA column: areas come from point-in-polygon.
    postcodes_ = dir_.File("postcodes.csv");
    WriteFile(postcodes_,
              "pcds,oseast1m,osnrth1m\n"
              "AA1 1AA,400500,300500\n"
              "AA1 1AB,401500,300500\n"
              "AA1 1AC,405000,305000\n"  // outside every area
              "AA1 1AD,,\n");
  }

  ReferenceSources Sources() const {
    ReferenceSources src;
    src.areas = LayerSpec{areas_, "", "", ""};
    src.footprints.push_back({FootprintKind::kIcb, LayerSpec{icb_, "", "", ""}});
    src.footprints.push_back({FootprintKind::kCommunity, LayerSpec{community_, "", "", ""}});
    src.postcodes = postcodes_;
    return src;
  }

  TempDir dir_;
  std::string areas_, icb_, community_, postcodes_;
};

TEST_F(ReferenceStoreTest, BuildAssignsAreasByPointInPolygon) {
  auto ref = BuildReference(Sources());
  PCNV_ASSERT_OK(ref);
  const ReferenceData& r = **ref;
  ASSERT_EQ(r.areas().size(), 3u);
  EXPECT_EQ(r.areas()[0].code, "E01000001");
  EXPECT_EQ(r.areas()[0].name, "West");
  EXPECT_DOUBLE_EQ(r.areas()[0].area_m2, 1.0e6);
  ASSERT_EQ(r.postcode_count(), 3u);
  EXPECT_EQ(r.FindPostcode("AA11AA")->area_code, "E01000001");
  EXPECT_EQ(r.FindPostcode("AA11AB")->area_code, "E01000002");
  EXPECT_EQ(r.FindPostcode("AA11AC")->area_code, "");
  ASSERT_EQ(r.footprint_layers().size(), 2u);
  EXPECT_EQ(r.footprint_layer(FootprintKind::kCommunity)->footprints.size(), 2u);
  ASSERT_EQ(r.layers().size(), 4u);
  EXPECT_EQ(r.layers()[0].name, "areas");
  EXPECT_EQ(r.layers()[0].source, areas_);
  EXPECT_EQ(r.layers()[0].sha256, *Sha256OfPath(areas_));
  EXPECT_EQ(r.layers()[0].features, 3);
  EXPECT_EQ(r.layers()[1].name, "icb");
  EXPECT_EQ(r.layers()[2].name, "community");
  EXPECT_EQ(r.layers()[2].features, 2);
  EXPECT_EQ(r.layers()[3].name, "postcodes");
  EXPECT_EQ(r.layers()[3].features, 3);
  ASSERT_EQ(r.repairs().size(), 1u);
  EXPECT_EQ(r.repairs()[0].layer, "areas");
  EXPECT_EQ(r.repairs()[0].source, areas_);
  EXPECT_EQ(r.repairs()[0].code, "E01000003");
  EXPECT_EQ(r.repairs()[0].feature, 3);
  EXPECT_THAT(r.repairs()[0].reason, ::testing::HasSubstr("Self-intersection"));
  EXPECT_NEAR(r.areas()[2].area_m2, 50.0, 1e-6);
}

TEST_F(ReferenceStoreTest, RoundTripThroughGeoPackage) {
  auto built = BuildReference(Sources());
  PCNV_ASSERT_OK(built);
  std::string store = dir_.File("ref.gpkg");
  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  auto loaded = LoadReferenceStore(store);
  PCNV_ASSERT_OK(loaded);
  const ReferenceData& a = **built;
  const ReferenceData& b = **loaded;

  EXPECT_EQ(b.store_path(), store);
  EXPECT_EQ(b.store_sha256(), *Sha256OfPath(store));
  ASSERT_EQ(b.areas().size(), a.areas().size());
  for (size_t i = 0; i < a.areas().size(); ++i) {
    EXPECT_EQ(b.areas()[i].code, a.areas()[i].code);
    EXPECT_EQ(b.areas()[i].name, a.areas()[i].name);
    EXPECT_DOUBLE_EQ(b.areas()[i].area_m2, a.areas()[i].area_m2);
    EXPECT_EQ(b.areas()[i].geometry.NumParts(), a.areas()[i].geometry.NumParts());
  }
  EXPECT_EQ(b.FindArea("E01000002"), 1);
  EXPECT_EQ(b.AreaContaining({401500, 300500}), 1);

  ASSERT_EQ(b.footprint_layers().size(), a.footprint_layers().size());
  for (size_t i = 0; i < a.footprint_layers().size(); ++i) {
    const FootprintLayer& la = a.footprint_layers()[i];
    const FootprintLayer& lb = b.footprint_layers()[i];
    EXPECT_EQ(lb.kind, la.kind);
    ASSERT_EQ(lb.footprints.size(), la.footprints.size());
    for (size_t j = 0; j < la.footprints.size(); ++j) {
      EXPECT_EQ(lb.footprints[j].code, la.footprints[j].code);
      EXPECT_EQ(lb.footprints[j].name, la.footprints[j].name);
      EXPECT_DOUBLE_EQ(lb.footprints[j].geometry.Area(), la.footprints[j].geometry.Area());
    }
  }

  ASSERT_EQ(b.postcode_count(), a.postcode_count());
  for (const auto& [code, entry] : a.postcodes()) {
    const PostcodeEntry* e = b.FindPostcode(code);
    ASSERT_NE(e, nullptr) << code;
    EXPECT_DOUBLE_EQ(e->location.x, entry.location.x);
    EXPECT_DOUBLE_EQ(e->location.y, entry.location.y);
    EXPECT_EQ(e->area_code, entry.area_code);
  }

  ASSERT_EQ(b.layers().size(), a.layers().size());
  for (size_t i = 0; i < a.layers().size(); ++i) {
    EXPECT_EQ(b.layers()[i].name, a.layers()[i].name);
    EXPECT_EQ(b.layers()[i].source, a.layers()[i].source);
    EXPECT_EQ(b.layers()[i].sha256, a.layers()[i].sha256);
    EXPECT_EQ(b.layers()[i].features, a.layers()[i].features);
  }

  ASSERT_EQ(b.repairs().size(), a.repairs().size());
  for (size_t i = 0; i < a.repairs().size(); ++i) {
    EXPECT_EQ(b.repairs()[i].layer, a.repairs()[i].layer);
    EXPECT_EQ(b.repairs()[i].source, a.repairs()[i].source);
    EXPECT_EQ(b.repairs()[i].code, a.repairs()[i].code);
    EXPECT_EQ(b.repairs()[i].feature, a.repairs()[i].feature);
    EXPECT_EQ(b.repairs()[i].reason, a.repairs()[i].reason);
  }

  // Writing again over an existing store replaces it.
  PCNV_ASSERT_OK(WriteReferenceStore(**loaded, store));
  PCNV_ASSERT_OK(LoadReferenceStore(store));
}

TEST_F(ReferenceStoreTest, PostcodesOnlyStore) {
  ReferenceSources src;
  src.postcodes = postcodes_;
  auto built = BuildReference(src);
  PCNV_ASSERT_OK(built);
  EXPECT_EQ((*built)->FindPostcode("AA11AA")->area_code, "");  // no areas to place it in
  std::string store = dir_.File("pc.gpkg");
  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  auto loaded = LoadReferenceStore(store);
  PCNV_ASSERT_OK(loaded);
  EXPECT_EQ((*loaded)->postcode_count(), 3u);
  EXPECT_TRUE((*loaded)->areas().empty());
}

TEST_F(ReferenceStoreTest, BuildErrorsNameTheSource) {
  ReferenceSources src = Sources();
  src.footprints.push_back({FootprintKind::kIcb, LayerSpec{icb_, "", "", ""}});
  ExpectInvalid(BuildReference(src), {"footprint kind icb given twice"});

  std::string dup = dir_.File("dup.geojson");
  WriteFile(
      dup, Collection(Square(R"("code": "A")", 0, 0, 1) + "," + Square(R"("code": "A")", 1, 0, 1)));
  src = Sources();
  src.areas = LayerSpec{dup, "", "", ""};
  ExpectInvalid(BuildReference(src), {dup + " feature 2: area code A already used by feature 1"});

  src = Sources();
  src.postcodes = dir_.File("missing.csv");
  ExpectError(BuildReference(src), absl::StatusCode::kNotFound, {dir_.File("missing.csv")});
}

TEST_F(ReferenceStoreTest, LoadErrorsNameLayerAndFeature) {
  ExpectError(LoadReferenceStore(dir_.File("none.gpkg")), absl::StatusCode::kNotFound,
              {dir_.File("none.gpkg")});

  std::string junk = dir_.File("junk.gpkg");
  WriteFile(junk, "not a geopackage");
  ExpectInvalid(LoadReferenceStore(junk), {junk, "cannot open as a GeoPackage"});

  auto built = BuildReference(Sources());
  PCNV_ASSERT_OK(built);
  std::string store = dir_.File("ref.gpkg");
  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  EnsureGdalRegistered();
  auto exec = [&](const char* sql) {
    GDALDatasetH ds =
        GDALOpenEx(store.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, nullptr, nullptr);
    if (res != nullptr) GDALDatasetReleaseResultSet(ds, res);
    GDALClose(ds);
  };
  exec("UPDATE areas SET geom = NULL WHERE fid = 2");
  ExpectInvalid(LoadReferenceStore(store), {store + " layer areas: feature 2: no geometry"});

  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  exec("UPDATE footprints SET kind = 'ward' WHERE fid = 3");
  ExpectInvalid(LoadReferenceStore(store),
                {store + " layer footprints: feature 3: unknown kind 'ward'"});

  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  exec("DROP TABLE postcodes");
  ExpectInvalid(LoadReferenceStore(store), {store + ": no layer 'postcodes'"});
}

// Runs SQL on a GeoPackage (to play an older pcnv, or a damaged store).
void ExecSql(const std::string& path, const std::string& sql) {
  EnsureGdalRegistered();
  GDALDatasetH ds =
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr) << path;
  OGRLayerH res = GDALDatasetExecuteSQL(ds, sql.c_str(), nullptr, nullptr);
  if (res != nullptr) GDALDatasetReleaseResultSet(ds, res);
  GDALClose(ds);
}

// The snapshots agree bit for bit on the adjacency graph and the footprint shares.
void ExpectSameDerived(const ReferenceData& a, const ReferenceData& b) {
  ASSERT_EQ(b.adjacency().areas(), a.adjacency().areas());
  std::vector<AreaPair> pa = a.adjacency().Pairs(), pb = b.adjacency().Pairs();
  ASSERT_EQ(pb.size(), pa.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pb[i].a, pa[i].a);
    EXPECT_EQ(pb[i].b, pa[i].b);
    EXPECT_EQ(pb[i].shared_length_m, pa[i].shared_length_m);  // exactly
    EXPECT_EQ(pb[i].edge, pa[i].edge);
    EXPECT_EQ(pb[i].noded, pa[i].noded);
  }
  ASSERT_EQ(b.footprint_layers().size(), a.footprint_layers().size());
  for (size_t l = 0; l < a.footprint_layers().size(); ++l) {
    for (size_t area = 0; area < a.areas().size(); ++area) {
      const auto& sa = a.FootprintSharesOf(static_cast<int>(l), static_cast<int>(area));
      const auto& sb = b.FootprintSharesOf(static_cast<int>(l), static_cast<int>(area));
      ASSERT_EQ(sb.size(), sa.size()) << l << " " << area;
      for (size_t k = 0; k < sa.size(); ++k) {
        EXPECT_EQ(sb[k].footprint, sa[k].footprint);
        EXPECT_EQ(sb[k].fraction, sa[k].fraction);  // exactly
      }
    }
  }
  for (size_t i = 0; i < a.areas().size(); ++i) {
    EXPECT_EQ(b.areas()[i].perimeter_m, a.areas()[i].perimeter_m);
  }
}

TEST_F(ReferenceStoreTest, StoreSavesAdjacencyAndFootprintShares) {
  auto built = BuildReference(Sources());
  PCNV_ASSERT_OK(built);
  const ReferenceData& a = **built;
  ASSERT_EQ(a.adjacency().edges(), 1u);  // West and East; the repaired bow-tie is apart
  EXPECT_EQ(a.adjacency().Of(0)[0].shared_length_m, 1000);
  EXPECT_TRUE(a.adjacency().Of(0)[0].edge);
  // The community footprints overlap; West lies wholly inside C2 (the first that contains it).
  ASSERT_EQ(a.FootprintSharesOf(1, 0).size(), 1u);
  EXPECT_EQ(a.FootprintSharesOf(1, 0)[0].footprint, 1);

  std::string store = dir_.File("ref.gpkg");
  PCNV_ASSERT_OK(WriteReferenceStore(a, store));
  auto loaded = LoadReferenceStore(store);
  PCNV_ASSERT_OK(loaded);
  ExpectSameDerived(a, **loaded);

  // What the store says is what the snapshot holds: nothing is recomputed on load.
  ExecSql(store, "UPDATE area_adjacency SET shared_length_m = 123.25, kind = 'point', noded = 0");
  ExecSql(store, "UPDATE area_footprint_shares SET fraction = 0.5 WHERE area = 2 AND kind = 'icb'");
  auto edited = LoadReferenceStore(store);
  PCNV_ASSERT_OK(edited);
  EXPECT_EQ((*edited)->adjacency().Of(1)[0].shared_length_m, 123.25);
  EXPECT_FALSE((*edited)->adjacency().Of(1)[0].edge);
  EXPECT_FALSE((*edited)->adjacency().Of(1)[0].noded);
  EXPECT_EQ((*edited)->FootprintSharesOf(0, 1)[0].fraction, 0.5);
}

TEST_F(ReferenceStoreTest, ArrowAndFeatureByFeatureReadTheSameSnapshot) {
  // The generated sample region: hundreds of areas and adjacency rows, three footprint layers.
  ReferenceSources src;
  const std::string sample = ::pcnv::testing::SampleDir();
  src.areas = LayerSpec{sample + "/areas.geojson", "code", "", ""};
  src.footprints.push_back(
      {FootprintKind::kIcb, LayerSpec{sample + "/icb.geojson", "code", "", ""}});
  src.footprints.push_back(
      {FootprintKind::kSubIcb, LayerSpec{sample + "/subicb.geojson", "code", "", ""}});
  src.footprints.push_back(
      {FootprintKind::kCommunity, LayerSpec{sample + "/community.geojson", "code", "", ""}});
  auto built = BuildReference(src);
  PCNV_ASSERT_OK(built);
  const std::string store = dir_.File("sample.gpkg");
  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  ExecSql(store, "UPDATE areas SET name = NULL WHERE fid = 2");  // a name QGIS cleared
  auto arrow = LoadReferenceStore(store);
  auto features = LoadReferenceStore(store, StoreReading::kFeatureByFeature);
  PCNV_ASSERT_OK(arrow);
  PCNV_ASSERT_OK(features);
  const ReferenceData& a = **features;
  const ReferenceData& b = **arrow;
  ASSERT_GT(a.areas().size(), 100u);
  ASSERT_GT(a.adjacency().edges(), 100u);
  ASSERT_EQ(b.areas().size(), a.areas().size());
  for (size_t i = 0; i < a.areas().size(); ++i) {
    EXPECT_EQ(b.areas()[i].code, a.areas()[i].code);
    EXPECT_EQ(b.areas()[i].name, a.areas()[i].name);
    EXPECT_EQ(b.areas()[i].area_m2, a.areas()[i].area_m2);  // exactly
    EXPECT_EQ(b.areas()[i].geometry.ToWkb(), a.areas()[i].geometry.ToWkb());
  }
  EXPECT_EQ(b.areas()[1].name, "");
  EXPECT_NE(b.areas()[0].name, "");
  ExpectSameDerived(a, b);
  EXPECT_EQ(b.store_sha256(), a.store_sha256());
}

TEST_F(ReferenceStoreTest, StoreWithoutPerAreaTablesIsComputedOnLoad) {
  auto built = BuildReference(Sources());
  PCNV_ASSERT_OK(built);
  std::string store = dir_.File("old.gpkg");
  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  // A store written by a pcnv before format 2 has none of these tables.
  ExecSql(store, "DROP TABLE area_adjacency");
  ExecSql(store, "DROP TABLE area_footprint_shares");
  ExecSql(store, "DROP TABLE pcnv_meta");
  auto loaded = LoadReferenceStore(store);
  PCNV_ASSERT_OK(loaded);
  ExpectSameDerived(**built, **loaded);
  EXPECT_EQ((*loaded)->store_sha256(), *Sha256OfPath(store));

  // Rewriting it upgrades it.
  std::string upgraded = dir_.File("new.gpkg");
  PCNV_ASSERT_OK(WriteReferenceStore(**loaded, upgraded));
  auto again = LoadReferenceStore(upgraded);
  PCNV_ASSERT_OK(again);
  ExpectSameDerived(**built, **again);

  // A format 2 store's graph has no `noded` column: the graph is computed again, the rest used.
  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  ExecSql(store, "ALTER TABLE area_adjacency DROP COLUMN noded");
  ExecSql(store, "UPDATE area_adjacency SET shared_length_m = 123.25");  // would show if read
  ExecSql(store, "UPDATE pcnv_meta SET value = '2' WHERE key = 'format_version'");
  auto format2 = LoadReferenceStore(store);
  PCNV_ASSERT_OK(format2);
  ExpectSameDerived(**built, **format2);

  // Either table alone is used; the other is computed.
  PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
  ExecSql(store, "DROP TABLE area_footprint_shares");
  auto partial = LoadReferenceStore(store);
  PCNV_ASSERT_OK(partial);
  ExpectSameDerived(**built, **partial);
}

TEST_F(ReferenceStoreTest, PerAreaTableErrorsNameTableAndRow) {
  auto built = BuildReference(Sources());
  PCNV_ASSERT_OK(built);
  std::string store = dir_.File("ref.gpkg");
  auto expect_error = [&](const std::string& sql, const std::string& message) {
    PCNV_ASSERT_OK(WriteReferenceStore(**built, store));
    ExecSql(store, sql);
    ExpectInvalid(LoadReferenceStore(store), {store + " table " + message});
  };
  expect_error("UPDATE area_adjacency SET area_b = 40000",
               "area_adjacency row 1: area_b 40000 is not a feature of layer areas");
  expect_error("UPDATE area_adjacency SET area_a = 2, area_b = 1",
               "area_adjacency row 1: area_a 2 does not come before area_b 1");
  expect_error(
      "INSERT INTO area_adjacency (area_a, area_b, shared_length_m, kind, noded) "
      "VALUES (1, 2, 1000, 'edge', 1)",
      "area_adjacency row 2: not after the previous row");
  expect_error("UPDATE area_adjacency SET kind = 'side'",
               "area_adjacency row 1: kind 'side' (expected edge or point)");
  expect_error("UPDATE area_adjacency SET shared_length_m = -3",
               "area_adjacency row 1: shared_length_m '-3' is not a length >= 0");
  expect_error("UPDATE area_adjacency SET area_a = NULL", "area_adjacency row 1: no area_a");
  expect_error("UPDATE area_footprint_shares SET fraction = 1.5 WHERE fid = 1",
               "area_footprint_shares row 1: fraction '1.5' is not in (0, 1]");
  expect_error("UPDATE area_footprint_shares SET footprint = 99 WHERE fid = 1",
               "area_footprint_shares row 1: footprint 99 is not a feature of layer footprints");
  expect_error("UPDATE area_footprint_shares SET kind = 'community' WHERE fid = 1",
               "area_footprint_shares row 1: footprint 1 is of kind icb, not community");
  expect_error("UPDATE area_footprint_shares SET kind = 'ward' WHERE fid = 1",
               "area_footprint_shares row 1: unknown kind 'ward'");
  expect_error("UPDATE area_footprint_shares SET area = 7 WHERE fid = 1",
               "area_footprint_shares row 1: area 7 is not a feature of layer areas");
  expect_error(
      "INSERT INTO area_footprint_shares (kind, area, footprint, fraction) "
      "SELECT kind, area, footprint, fraction FROM area_footprint_shares WHERE fid = 1",
      "area_footprint_shares row 5: footprint 1 listed twice for area 1");
  expect_error("UPDATE area_adjacency SET noded = 2",
               "area_adjacency row 1: noded '2' (expected 1 or 0)");
  expect_error("UPDATE pcnv_meta SET value = '4' WHERE key = 'format_version'",
               "pcnv_meta: format_version 4 is newer than this pcnv reads (3)");
  expect_error("DELETE FROM areas WHERE fid = 3",
               "pcnv_meta: area_adjacency and area_footprint_shares were computed for 3 areas, "
               "but layer areas has 2");
  expect_error("ALTER TABLE area_adjacency RENAME COLUMN kind TO sort",
               "area_adjacency: missing field 'kind'");
}

}  // namespace
}  // namespace pcnv::io
