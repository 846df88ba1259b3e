// ReadPracticeMap, ReadListSizes, ReadDistribution on small fixtures: good files in every
// accepted layout, and each malformed case naming the file, row and field.
#include <string>

#include "geo/io/readers.h"
#include "gtest/gtest.h"
#include "tests/io/io_test_util.h"
#include "tests/support/test_support.h"

namespace pcnv::io {
namespace {

using ::pcnv::testing::ExpectError;
using ::pcnv::testing::ExpectInvalid;
using ::pcnv::testing::TempDir;
using ::pcnv::testing::WriteFile;

// M15 4AB (Trafford, ONSPD Feb 2025): lon -2.26046, lat 53.465578. Expected BNG from
//   echo "-2.26046 53.465578" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:27700 -output_xy
// on this machine (GDAL 3.6.2 / PROJ without the OSTN15 grid): 382805.975659 396568.999571.
constexpr double kM154abLon = -2.26046, kM154abLat = 53.465578;
constexpr double kM154abX = 382805.976, kM154abY = 396568.9996;

class CsvReadersTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_.File(name);
    WriteFile(path, content);
    return path;
  }
  TempDir dir_;
};

// --- practice map ---------------------------------------------------------------------------

TEST_F(CsvReadersTest, PracticeMapNhs2022Layout) {
  std::string path = Write(
      "map.csv",
      "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
      "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,"
      "ICB_CODE,ICB_NAME\r\n"
      "GP,01Aug2026,A81001,THE DENSHAM SURGERY,ts18 1hu,U89141,STOCKTON PCN,E38000247,16C,"
      "Tees,E54000050,QHM,NENC\r\n"
      "GP,01Aug2026, A81002 ,\"QUEENS PARK, MEDICAL\",TS18 2AW,U07032,NORTH PCN,E38000247,16C,"
      "Tees,E54000050,QHM,NENC\r\n"
      "GP,01Aug2026,A81001,THE DENSHAM SURGERY,TS18 1HU,U07032,NORTH PCN,E38000247,16C,Tees,"
      "E54000050,QHM,NENC\r\n"
      "GP,01Aug2026,A81004,NO PCN YET,TS1 1AA,,,E38000247,16C,Tees,E54000050,QHM,NENC\r\n");
  auto map = ReadPracticeMap(path);
  PCNV_ASSERT_OK(map);
  ASSERT_EQ(map->size(), 4u);  // the duplicate A81001 row is kept: MEM002 needs it
  const Membership& m = (*map)[0];
  EXPECT_EQ(m.practice_code, "A81001");
  EXPECT_EQ(m.practice_name, "THE DENSHAM SURGERY");
  EXPECT_EQ(m.practice_postcode, "TS181HU");
  EXPECT_EQ(m.pcn_code, "U89141");
  EXPECT_EQ(m.pcn_name, "STOCKTON PCN");
  EXPECT_EQ(m.ons_sub_icb_code, "E38000247");
  EXPECT_EQ(m.sub_icb_code, "16C");
  EXPECT_EQ(m.ons_icb_code, "E54000050");
  EXPECT_EQ(m.icb_code, "QHM");
  EXPECT_FALSE(m.location.has_value());
  EXPECT_FALSE(m.list_size.has_value());
  EXPECT_EQ(m.row, 1);
  EXPECT_EQ((*map)[1].practice_code, "A81002");  // whitespace stripped
  EXPECT_EQ((*map)[1].practice_name, "QUEENS PARK, MEDICAL");
  EXPECT_EQ((*map)[2].pcn_code, "U07032");
  EXPECT_EQ((*map)[3].pcn_code, "");  // allowed: MEM001's business
  EXPECT_EQ((*map)[3].row, 4);
}

TEST_F(CsvReadersTest, PracticeMapOlderCcgStpLayout) {
  std::string path = Write(
      "map.csv",
      "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
      "ONS_CCG_CODE,CCG_CODE,CCG_NAME,ONS_STP_CODE,STP_CODE,STP_NAME\n"
      "GP,01Jan2022,A81001,DENSHAM,TS18 1HU,U89141,STOCKTON PCN,E38000247,16C,Tees,E54000050,"
      "QHM,Cumbria\n");
  auto map = ReadPracticeMap(path);
  PCNV_ASSERT_OK(map);
  ASSERT_EQ(map->size(), 1u);
  EXPECT_EQ((*map)[0].sub_icb_code, "16C");
  EXPECT_EQ((*map)[0].ons_sub_icb_code, "E38000247");
  EXPECT_EQ((*map)[0].icb_code, "QHM");
  EXPECT_EQ((*map)[0].ons_icb_code, "E54000050");
}

TEST_F(CsvReadersTest, PracticeMapPlainWithEastingNorthing) {
  std::string path = Write("plain.csv",
                           "practice_code,pcn_code,practice_name,postcode,easting,northing,"
                           "list_size,pcn_name\n"
                           "P00001,U00001,One,ab1 2cd,400000,300000,12000,First PCN\n"
                           "P00002,U00001,Two,AB1 2CE,,,,First PCN\n");
  auto map = ReadPracticeMap(path);
  PCNV_ASSERT_OK(map);
  ASSERT_EQ(map->size(), 2u);
  ASSERT_TRUE((*map)[0].location.has_value());
  EXPECT_DOUBLE_EQ((*map)[0].location->x, 400000);
  EXPECT_DOUBLE_EQ((*map)[0].location->y, 300000);
  EXPECT_EQ((*map)[0].list_size, 12000);
  EXPECT_EQ((*map)[0].practice_postcode, "AB12CD");
  EXPECT_EQ((*map)[0].pcn_name, "First PCN");
  EXPECT_FALSE((*map)[1].location.has_value());  // blank pair: geocode by postcode later
  EXPECT_FALSE((*map)[1].list_size.has_value());
}

TEST_F(CsvReadersTest, PracticeMapPlainWithLatLonIsReprojected) {
  std::string path = Write("plain.csv",
                           "Practice_Code,PCN_Code,Lat,Lon\n"
                           "P00001,U00001,53.465578,-2.26046\n");
  auto map = ReadPracticeMap(path);
  PCNV_ASSERT_OK(map);
  ASSERT_TRUE((*map)[0].location.has_value());
  EXPECT_NEAR((*map)[0].location->x, kM154abX, 1.0);
  EXPECT_NEAR((*map)[0].location->y, kM154abY, 1.0);
}

TEST_F(CsvReadersTest, PracticeMapMissingFile) {
  std::string path = dir_.File("nope.csv");
  ExpectError(ReadPracticeMap(path), absl::StatusCode::kNotFound, {path});
}

TEST_F(CsvReadersTest, PracticeMapEmptyFile) {
  std::string path = Write("empty.csv", "");
  ExpectInvalid(ReadPracticeMap(path), {path, "empty"});
}

TEST_F(CsvReadersTest, PracticeMapHeaderOnly) {
  std::string path = Write("header.csv", "practice_code,pcn_code\n");
  ExpectInvalid(ReadPracticeMap(path), {path, "no data rows"});
}

TEST_F(CsvReadersTest, PracticeMapMissingColumnListsColumnsFound) {
  std::string path = Write("map.csv", "A,B,practice_code\n1,2,3\n");
  ExpectInvalid(ReadPracticeMap(path),
                {path + ": missing required column PCN_CODE (columns found: A, B, practice_code)"});
}

TEST_F(CsvReadersTest, PracticeMapTruncatedRow) {
  std::string path = Write("map.csv", "practice_code,pcn_code,practice_name\nP1,U1,x\nP2,U2\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 2: field practice_name: missing"});
}

TEST_F(CsvReadersTest, PracticeMapEmptyPracticeCode) {
  std::string path = Write("map.csv", "practice_code,pcn_code\nP1,U1\n  ,U2\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 2: field practice_code: empty practice code"});
}

TEST_F(CsvReadersTest, PracticeMapBadListSize) {
  std::string path = Write("map.csv", "practice_code,pcn_code,list_size\nP1,U1,12a\n");
  ExpectInvalid(ReadPracticeMap(path),
                {path + " row 1: field list_size: '12a' is not a whole number"});
  path = Write("map2.csv", "practice_code,pcn_code,list_size\nP1,U1,1\nP2,U1,-4\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 2: field list_size: '-4' is negative"});
}

TEST_F(CsvReadersTest, PracticeMapBadCoordinates) {
  const std::string header = "practice_code,pcn_code,easting,northing\n";
  std::string path = Write("nan.csv", header + "P1,U1,nan,300000\n");
  ExpectInvalid(ReadPracticeMap(path),
                {path + " row 1: field easting: 'nan' is not a finite number"});
  path = Write("inf.csv", header + "P1,U1,400000,inf\n");
  ExpectInvalid(ReadPracticeMap(path),
                {path + " row 1: field northing: 'inf' is not a finite number"});
  path = Write("range.csv", header + "P1,U1,400000,300000\nP2,U1,900000,300000\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 2: field easting: '900000' is outside"});
  path = Write("text.csv", header + "P1,U1,east,300000\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 1: field easting: 'east' is not a number"});
  path = Write("half.csv", header + "P1,U1,400000,\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 1: field northing: is empty"});

  const std::string ll = "practice_code,pcn_code,lat,lon\n";
  path = Write("lat.csv", ll + "P1,U1,95.5,-2\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 1: field lat: '95.5' is outside -90..90"});
  path = Write("lon.csv", ll + "P1,U1,53,-181\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 1: field lon: '-181' is outside -180..180"});
  path = Write("lonnan.csv", ll + "P1,U1,53,NaN\n");
  ExpectInvalid(ReadPracticeMap(path), {path + " row 1: field lon: 'NaN' is not a finite number"});
}

TEST_F(CsvReadersTest, PracticeMapLoneCoordinateColumn) {
  std::string path = Write("map.csv", "practice_code,pcn_code,easting\nP1,U1,400000\n");
  ExpectInvalid(ReadPracticeMap(path), {path, "easting", "northing"});
}

TEST_F(CsvReadersTest, RowNumbersAreDataRecordsNotLines) {
  // Blank lines are skipped and a quoted name spanning two lines is one record: the row a
  // spreadsheet shows below the header (and GDAL's CSV driver reports as the feature id).
  std::string path = Write("map.csv",
                           "practice_code,pcn_code,practice_name\n"
                           "P1,U1,one\n"
                           "\n"
                           "P2,U1,\"two\nlines\"\n"
                           "P3,U1,three\n");
  auto map = ReadPracticeMap(path);
  PCNV_ASSERT_OK(map);
  ASSERT_EQ(map->size(), 3u);
  EXPECT_EQ((*map)[1].row, 2);
  EXPECT_EQ((*map)[1].practice_name, "two\nlines");
  EXPECT_EQ((*map)[2].row, 3);
}

TEST_F(CsvReadersTest, BomAndCrlfAreHandled) {
  std::string path = Write("bom.csv", "\xEF\xBB\xBFPRACTICE_CODE,PCN_CODE\r\nA1,U1\r\n");
  auto map = ReadPracticeMap(path);
  PCNV_ASSERT_OK(map);
  EXPECT_EQ((*map)[0].practice_code, "A1");
  EXPECT_EQ((*map)[0].pcn_code, "U1");
}

TEST_F(CsvReadersTest, DirectoryIsNotACsv) {
  ExpectInvalid(ReadPracticeMap(dir_.path()), {dir_.path(), "directory"});
}

// --- list sizes -----------------------------------------------------------------------------

TEST_F(CsvReadersTest, ListSizesNhsLayoutKeepsAllAll) {
  std::string path =
      Write("all.csv",
            "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
            "NUMBER_OF_PATIENTS\n"
            "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,ALL,5903\n"
            "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,MALE,ALL,2900\n"
            "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84002,NE65 7UW,ALL,0_4,x\n"
            "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A84003,NE63 9UT,ALL,ALL,14738\n");
  auto sizes = ReadListSizes(path);
  PCNV_ASSERT_OK(sizes);
  ASSERT_EQ(sizes->size(), 2u);
  EXPECT_EQ((*sizes)[0].practice_code, "A84002");
  EXPECT_EQ((*sizes)[0].patients, 5903);
  EXPECT_EQ((*sizes)[0].row, 1);
  EXPECT_EQ((*sizes)[1].practice_code, "A84003");
  EXPECT_EQ((*sizes)[1].patients, 14738);
  EXPECT_EQ((*sizes)[1].row, 4);
}

TEST_F(CsvReadersTest, ListSizesPlain) {
  auto a = ReadListSizes(Write("a.csv", "practice_code,patients\nP1,100\nP2,0\n"));
  PCNV_ASSERT_OK(a);
  EXPECT_EQ(a->size(), 2u);
  auto b = ReadListSizes(Write("b.csv", "practice_code,list_size\nP1,100\n"));
  PCNV_ASSERT_OK(b);
  EXPECT_EQ((*b)[0].patients, 100);
}

TEST_F(CsvReadersTest, ListSizesErrors) {
  std::string path = Write("neg.csv",
                           "CODE,SEX,AGE,NUMBER_OF_PATIENTS\nA1,ALL,ALL,5\n"
                           "A2,ALL,ALL,-4\n");
  ExpectInvalid(ReadListSizes(path), {path + " row 2: field NUMBER_OF_PATIENTS: '-4' is negative"});
  path = Write("txt.csv", "practice_code,patients\nP1,lots\n");
  ExpectInvalid(ReadListSizes(path),
                {path + " row 1: field patients: 'lots' is not a whole number"});
  path = Write("dec.csv", "practice_code,patients\nP1,12.5\n");
  ExpectInvalid(ReadListSizes(path),
                {path + " row 1: field patients: '12.5' is not a whole number"});
  path = Write("empty_code.csv", "practice_code,patients\n,12\n");
  ExpectInvalid(ReadListSizes(path), {path + " row 1: field practice_code: empty practice code"});
  path = Write("cols.csv", "practice,patients\nP1,1\n");
  ExpectInvalid(ReadListSizes(path), {path + ": missing required column PRACTICE_CODE or CODE",
                                      "(columns found: practice, patients)"});
  path = Write("none.csv", "CODE,SEX,AGE,NUMBER_OF_PATIENTS\nA1,MALE,ALL,5\n");
  ExpectInvalid(ReadListSizes(path), {path, "SEX=ALL and AGE=ALL"});
  path = Write("trunc.csv", "practice_code,patients\nP1\n");
  ExpectInvalid(ReadListSizes(path), {path + " row 1: field patients: missing"});
}

// --- distribution ---------------------------------------------------------------------------

TEST_F(CsvReadersTest, DistributionByLsoaKeepsPlaceholders) {
  std::string path = Write(
      "lsoa.csv",
      "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n"
      "GP,01Jan2022,A81001,DENSHAM,E01012345,ALL,120\n"
      "GP,01Jan2022,A81001,DENSHAM,E01012345,MALE,60\n"
      "GP,01Jan2022,A81001,DENSHAM,NO2011,ALL,7\n"
      "GP,01Jan2022,A81002,QUEENS,E01012346,ALL,0\n");
  auto d = ReadDistribution(path);
  PCNV_ASSERT_OK(d);
  EXPECT_EQ(d->level, DistributionLevel::kArea);
  ASSERT_EQ(d->rows.size(), 3u);
  EXPECT_EQ(d->rows[0].practice_code, "A81001");
  EXPECT_EQ(d->rows[0].place, "E01012345");
  EXPECT_EQ(d->rows[0].patients, 120);
  EXPECT_EQ(d->rows[1].place, "NO2011");
  EXPECT_EQ(d->rows[1].row, 3);
  EXPECT_EQ(d->rows[2].patients, 0);
}

TEST_F(CsvReadersTest, DistributionByPostcodeNormalises) {
  std::string path =
      Write("pc.csv", "practice_code,postcode,patients\nP1,m15 4ab,12\nP1, M16 0AA ,3\n");
  auto d = ReadDistribution(path);
  PCNV_ASSERT_OK(d);
  EXPECT_EQ(d->level, DistributionLevel::kPostcode);
  ASSERT_EQ(d->rows.size(), 2u);
  EXPECT_EQ(d->rows[0].place, "M154AB");
  EXPECT_EQ(d->rows[1].place, "M160AA");
  EXPECT_EQ(d->rows[1].patients, 3);
}

TEST_F(CsvReadersTest, DistributionErrors) {
  std::string path = Write("cols.csv", "practice_code,ward,patients\nP1,W1,3\n");
  ExpectInvalid(ReadDistribution(path), {path + ": missing required column LSOA_CODE", "postcode",
                                         "(columns found: practice_code, ward, patients)"});
  path = Write("count.csv", "practice_code,postcode\nP1,M15 4AB\n");
  ExpectInvalid(ReadDistribution(path), {path, "NUMBER_OF_PATIENTS or PATIENTS"});
  path = Write("neg.csv",
               "PRACTICE_CODE,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\nA1,E01,ALL,3\n"
               "A1,E02,ALL,-1\n");
  ExpectInvalid(ReadDistribution(path),
                {path + " row 2: field NUMBER_OF_PATIENTS: '-1' is negative"});
  path = Write("nan.csv", "practice_code,postcode,patients\nP1,M15 4AB,nan\n");
  ExpectInvalid(ReadDistribution(path),
                {path + " row 1: field patients: 'nan' is not a whole number"});
  path = Write("trunc.csv", "practice_code,postcode,patients\nP1,M15 4AB,1\nP1,M15 4AD\n");
  ExpectInvalid(ReadDistribution(path), {path + " row 2: field patients: missing"});
  path = Write("code.csv", "practice_code,postcode,patients\n,M15 4AB,1\n");
  ExpectInvalid(ReadDistribution(path),
                {path + " row 1: field practice_code: empty practice code"});
  path = Write("empty.csv", "");
  ExpectInvalid(ReadDistribution(path), {path, "empty"});
  path = dir_.File("missing.csv");
  ExpectError(ReadDistribution(path), absl::StatusCode::kNotFound, {path});
}

TEST_F(CsvReadersTest, DistributionReadsManyRowsQuickly) {
  // 200k rows (a fifth of a national file) as a smoke test of the per-row cost.
  std::string content = "PRACTICE_CODE,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n";
  for (int i = 0; i < 200000; ++i) {
    content += "A" + std::to_string(10000 + i % 5000) + ",E0" + std::to_string(1000000 + i) +
               ",ALL," + std::to_string(i % 97) + "\n";
  }
  auto d = ReadDistribution(Write("big.csv", content));
  PCNV_ASSERT_OK(d);
  EXPECT_EQ(d->rows.size(), 200000u);
  EXPECT_EQ(d->rows.back().row, 200000);
}

}  // namespace
}  // namespace pcnv::io
