// ReadPostcodeDirectory: NSPL-style lat/long files, ONSPD-style grid references, folders.
#include <filesystem>
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

// M15 4AB: lon -2.26046, lat 53.465578 -> BNG 382805.976 396568.9996
// (gdaltransform -s_srs EPSG:4326 -t_srs EPSG:27700 -output_xy, GDAL 3.6.2 on this machine).
// M1 1AA: lon -2.22719, lat 53.48737 -> 385022.439 398985.881 (same command).
constexpr double kM154abX = 382805.976, kM154abY = 396568.9996;
constexpr double kM11aaX = 385022.439, kM11aaY = 398985.881;

TEST(PostcodeDirectoryTest, NsplLatLongWithPlaceholders) {
  TempDir dir;
  std::string path = dir.File("M.csv");
  WriteFile(path,
            "Postcode,lat,long\n"
            "M1 1AA,53.48737,-2.22719\n"
            "M15 4AB,53.465578,-2.26046\n"
            "M99 9ZZ,,0.00000\n"            // NSPL: no location
            "M99 9ZY,99.999999,0.000000\n"  // older NSPL placeholder
            "M1  1AD ,53.48378,-2.24486\n");
  auto d = ReadPostcodeDirectory(path);
  PCNV_ASSERT_OK(d);
  EXPECT_EQ(d->entries.size(), 3u);
  EXPECT_EQ(d->rows_without_location, 2);
  ASSERT_EQ(d->files.size(), 1u);
  EXPECT_EQ(d->files[0], path);
  ASSERT_TRUE(d->entries.contains("M11AA"));
  EXPECT_NEAR(d->entries.at("M11AA").location.x, kM11aaX, 1.0);
  EXPECT_NEAR(d->entries.at("M11AA").location.y, kM11aaY, 1.0);
  EXPECT_NEAR(d->entries.at("M154AB").location.x, kM154abX, 1.0);
  EXPECT_NEAR(d->entries.at("M154AB").location.y, kM154abY, 1.0);
  EXPECT_EQ(d->entries.at("M154AB").area_code, "");
  EXPECT_TRUE(d->entries.contains("M11AD"));
}

TEST(PostcodeDirectoryTest, OnspdGridReferencesAndLsoa) {
  TempDir dir;
  std::string path = dir.File("onspd.csv");
  WriteFile(path,
            "pcd,pcds,oseast1m,osnrth1m,lsoa11,lsoa21\n"
            "TS181AA,TS18 1AA,444800,518700,E01012345,E01033456\n"
            "TS181AB,TS18 1AB,,,E01012345,E01033456\n");
  auto d = ReadPostcodeDirectory(path);
  PCNV_ASSERT_OK(d);
  ASSERT_EQ(d->entries.size(), 1u);
  EXPECT_EQ(d->rows_without_location, 1);
  const PostcodeEntry& e = d->entries.at("TS181AA");
  EXPECT_DOUBLE_EQ(e.location.x, 444800);
  EXPECT_DOUBLE_EQ(e.location.y, 518700);
  EXPECT_EQ(e.area_code, "E01033456");  // lsoa21 preferred over lsoa11
}

TEST(PostcodeDirectoryTest, TraffordLayoutLsoaCodeLonLat) {
  TempDir dir;
  std::string path = dir.File("trafford.csv");
  WriteFile(path,
            "postcode,ward_code,lsoa_code,lon,lat\n"
            "M15 4AB,E05015247,E01034001,-2.26046,53.465578\n");
  auto d = ReadPostcodeDirectory(path);
  PCNV_ASSERT_OK(d);
  const PostcodeEntry& e = d->entries.at("M154AB");
  EXPECT_EQ(e.area_code, "E01034001");
  EXPECT_NEAR(e.location.x, kM154abX, 1.0);
  EXPECT_NEAR(e.location.y, kM154abY, 1.0);
}

TEST(PostcodeDirectoryTest, FolderReadsEveryCsvSorted) {
  TempDir dir;
  WriteFile(dir.File("B.csv"), "pcds,lat,long\nB1 1AA,52.48,-1.90\n");
  WriteFile(dir.File("AB.csv"), "pcds,lat,long\nAB1 0AA,57.10,-2.24\nB1 1AA,1,1\n");
  WriteFile(dir.File("notes.txt"), "not a csv");
  auto d = ReadPostcodeDirectory(dir.path());
  PCNV_ASSERT_OK(d);
  ASSERT_EQ(d->files.size(), 2u);
  EXPECT_EQ(std::filesystem::path(d->files[0]).filename(), "AB.csv");
  EXPECT_EQ(std::filesystem::path(d->files[1]).filename(), "B.csv");
  EXPECT_EQ(d->entries.size(), 2u);
  // B1 1AA is in both; the first file in name order wins (AB.csv's lat 1, lon 1 is far south).
  EXPECT_LT(d->entries.at("B11AA").location.y, 0);
}

TEST(PostcodeDirectoryTest, Errors) {
  TempDir dir;
  std::string missing = dir.File("missing.csv");
  ExpectError(ReadPostcodeDirectory(missing), absl::StatusCode::kNotFound, {missing});

  std::string path = dir.File("a.csv");
  WriteFile(path, "pcds,lat,long\nM1 1AA,53.48,-2.22\nM1 1AB,53.x,-2.22\n");
  ExpectInvalid(ReadPostcodeDirectory(path), {path + " row 2: field lat: '53.x' is not a number"});
  WriteFile(path, "pcds,lat,long\nM1 1AA,53.48,inf\n");
  ExpectInvalid(ReadPostcodeDirectory(path), {path + " row 1: field long: 'inf' is not a finite"});
  WriteFile(path, "pcds,lat,long\nM1 1AA,-91,-2\n");
  ExpectInvalid(ReadPostcodeDirectory(path),
                {path + " row 1: field lat: '-91' is outside -90..90"});
  WriteFile(path, "pcds,oseast1m,osnrth1m\nM1 1AA,385000,2000000\n");
  ExpectInvalid(ReadPostcodeDirectory(path),
                {path + " row 1: field osnrth1m: '2000000' is outside"});
  WriteFile(path, "pcds,lat,long\n,53.48,-2.22\n");
  ExpectInvalid(ReadPostcodeDirectory(path), {path + " row 1: field pcds: empty postcode"});
  WriteFile(path, "pcds,lat,long\nM1 1AA,53.48\n");
  ExpectInvalid(ReadPostcodeDirectory(path), {path + " row 1: field long: missing"});
  WriteFile(path, "pcds,x,y\nM1 1AA,1,2\n");
  ExpectInvalid(ReadPostcodeDirectory(path),
                {path + ": missing location columns", "(columns found: pcds, x, y)"});
  WriteFile(path, "code,lat,long\nM1 1AA,1,2\n");
  ExpectInvalid(ReadPostcodeDirectory(path), {path + ": missing required column pcds"});
  WriteFile(path, "pcds,lat,long\nM1 1AA,,0\n");
  ExpectInvalid(ReadPostcodeDirectory(path), {path, "no postcode with a location"});

  TempDir empty;
  ExpectInvalid(ReadPostcodeDirectory(empty.path()), {empty.path(), "no *.csv"});

  // One bad file in a folder fails the whole read and names that file.
  TempDir folder;
  WriteFile(folder.File("A.csv"), "pcds,lat,long\nA1 1AA,53,-2\n");
  WriteFile(folder.File("B.csv"), "pcds,lat,long\nB1 1AA,53,-2\nB1 1AB,53,west\n");
  ExpectInvalid(ReadPostcodeDirectory(folder.path()),
                {folder.File("B.csv") + " row 2: field long: 'west' is not a number"});

  // A *.csv in a folder that is not a file (a broken link here) is named, not skipped.
  TempDir linked;
  WriteFile(linked.File("A.csv"), "pcds,lat,long\nA1 1AA,53,-2\n");
  std::filesystem::create_symlink(linked.File("gone.csv"), linked.File("B.csv"));
  ExpectInvalid(ReadPostcodeDirectory(linked.path()),
                {linked.File("B.csv") + ": is not a regular file (a broken link"});
}

}  // namespace
}  // namespace pcnv::io
