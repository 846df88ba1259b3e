// Hostile files at the readers and writers of geo/io (docs/HOSTILE_INPUTS.md): text that is not
// UTF-8 and the encodings that transcode it, rows that do not fit their header, fields and files
// too big to be what they claim, coordinates and counts out of bounds, damaged stores, and
// writers that must never leave a half-written file in place of a good one.
#include <fcntl.h>
#include <gdal.h>
#include <ogr_api.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/io/csv_table.h"
#include "geo/io/file_io.h"
#include "geo/io/json_text.h"
#include "geo/io/ods.h"
#include "geo/io/readers.h"
#include "geo/io/reference_store.h"
#include "geo/io/ruleset_json.h"
#include "geo/io/text_encoding.h"
#include "geo/io/versions.h"
#include "gtest/gtest.h"
#include "tests/io/io_test_util.h"
#include "tests/support/test_support.h"

namespace pcnv::io {
namespace {

using ::pcnv::testing::ExpectError;
using ::pcnv::testing::ExpectInvalid;
using ::pcnv::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

class HostileFilesTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.File(name);
    pcnv::testing::WriteFile(path, content);
    return path;
  }
  TempDir dir_;
};

// UTF-16LE with a BOM, as Excel's "Unicode text" export writes it (ASCII input only).
std::string Utf16Le(const std::string& ascii) {
  std::string out = "\xFF\xFE";
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

TEST_F(HostileFilesTest, CsvTextThatIsNotUtf8IsRefusedNamingRowFieldAndByte) {
  const std::string path = Write("sizes.csv",
                                 "practice_code,patients\nA\xD8"
                                 "001,10\n");
  ExpectInvalid(ReadListSizes(path),
                {path + " row 1: field practice_code: 'A\\xD8001' is not UTF-8 text: byte 2 is "
                        "0xD8",
                 "--input-encoding windows-1252"});
  const std::string header = Write("header.csv", "practice_code,pati\xE9nts\nA0001,10\n");
  ExpectInvalid(ReadListSizes(header), {header + ": header: 'pati\\xE9nts' is not UTF-8"});
}

TEST_F(HostileFilesTest, NamedEncodingsAreTranscoded) {
  const std::string path =
      Write("map.csv", "practice_code,pcn_code,practice_name\nA00001,U00001,CAF\xC9\n");
  auto map = ReadPracticeMap(path, CsvOptions{"windows-1252"});
  PCNV_ASSERT_OK(map);
  EXPECT_EQ((*map)[0].practice_name, "CAF\xC3\x89");
  // UTF-16: the delimiter is found in the transcoded header.
  const std::string wide = Write("wide.csv", Utf16Le("practice_code\tpatients\r\nA00001\t10\r\n"));
  auto sizes = ReadListSizes(wide, CsvOptions{"UTF-16"});
  PCNV_ASSERT_OK(sizes);
  ASSERT_EQ(sizes->size(), 1u);
  EXPECT_EQ((*sizes)[0].patients, 10);
  // A byte the named encoding does not have.
  const std::string ascii = Write("ascii.csv", "practice_code,patients\nA0001,1\xE9\n");
  ExpectInvalid(ReadListSizes(ascii, CsvOptions{"ASCII"}), {ascii + ": byte 31 is not ASCII text"});
  EXPECT_FALSE(CheckEncoding("no-such-encoding", "--input-encoding").ok());
  EXPECT_TRUE(CheckEncoding("Windows-1252", "--input-encoding").ok());
  EXPECT_TRUE(CheckEncoding("", "--input-encoding").ok());
}

TEST_F(HostileFilesTest, Utf16WithAByteOrderMarkIsReadWithoutBeingNamed) {
  // Excel's "Unicode Text" export: UTF-16LE with a BOM, tab-separated.
  const std::string wide = Write("wide.csv", Utf16Le("practice_code\tpatients\r\nA00001\t10\r\n"));
  auto sizes = ReadListSizes(wide);
  PCNV_ASSERT_OK(sizes);
  ASSERT_EQ(sizes->size(), 1u);
  EXPECT_EQ((*sizes)[0].practice_code, "A00001");
  EXPECT_EQ((*sizes)[0].patients, 10);
  // Without the BOM it is refused as binary, with the way to name it.
  const std::string bare =
      Write("bare.csv", Utf16Le("practice_code,patients\nA00001,10\n").substr(2));
  ExpectInvalid(ReadListSizes(bare),
                {bare + ": holds a NUL byte (byte 2)", "--input-encoding UTF-16LE"});
}

TEST_F(HostileFilesTest, CompressedAndBinaryFilesAreNamedForWhatTheyAre) {
  const std::pair<std::string, std::string> cases[] = {
      {std::string("\x1F\x8B\x08\0\0\0\0\0", 8), "is gzip-compressed"},
      {"PK\x03\x04\x14\0\x06\0", "is a ZIP archive"},
      {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "is an Excel 97-2003 workbook (.xls)"},
      {std::string("SQLite format 3\0\x10\0", 18), "is an SQLite database"},
      {std::string("practice_code,patients\nA00001,1\0\n", 33), "holds a NUL byte (byte 32)"},
  };
  for (const auto& [bytes, said] : cases) {
    const std::string path = Write("sizes.csv", bytes);
    ExpectInvalid(ReadListSizes(path), {path + ": " + said});
  }
}

TEST_F(HostileFilesTest, ACharacterCutByTheReadBlockIsCarriedOver) {
  // UTF-16 surrogate pairs (4 bytes) straddling the 1 MiB read boundary: the BOM and header
  // take 12 bytes and each line 8, so the boundary falls inside a pair.
  std::string content = Utf16Le("name\n");
  const std::string pair("\x3D\xD8\x00\xDE", 4);  // U+1F600 as UTF-16LE
  const std::string line = std::string("x\0", 2) + pair + std::string("\n\0", 2);
  while (content.size() < (3u << 20)) content += line;
  const std::string path = Write("emoji.csv", content);
  auto t = CsvTable::Open(path, CsvOptions{"UTF-16"});
  PCNV_ASSERT_OK(t);
  int64_t rows = 0, wrong = 0;
  PCNV_ASSERT_OK(t->ForEachRow([&](const CsvRow& row) {
    ++rows;
    if (row.Get(0) != "x\xF0\x9F\x98\x80") ++wrong;
    return absl::OkStatus();
  }));
  EXPECT_EQ(rows, static_cast<int64_t>((content.size() - 12) / 8));
  EXPECT_EQ(wrong, 0);
}

TEST_F(HostileFilesTest, RowsWithMoreFieldsThanTheHeaderAreRefused) {
  const std::string path =
      Write("map.csv", "practice_code,pcn_code,practice_name\nA00001,U00001,SMITH, JONES\n");
  ExpectInvalid(ReadPracticeMap(path),
                {path + " row 1: field 4 (past the header's 3): the row has 4 fields, the header "
                        "3: an unquoted delimiter"});
  // epraccur.csv has no header: its 27 fields are the format.
  std::string row =
      "A81001,NAME,Y63,QHM,L1,L2,L3,L4,L5,TS18 1HU,19740401,,A,B,00K,19740401,,"
      "01642 1,,,,,,,,4,,EXTRA\n";
  const std::string reg = Write("epraccur.csv", row);
  ExpectInvalid(ReadPracticeRegister(reg),
                {reg + " row 1", "the row has 28 fields, the format 27"});
}

TEST_F(HostileFilesTest, FieldsLongerThanASpreadsheetCellAreRefused) {
  // Within one read block, and spanning several.
  for (size_t size : {size_t{200} << 10, size_t{5} << 20}) {
    const std::string path =
        Write("long.csv", "practice_code,patients\nA0001," + std::string(size, '7') + "\n");
    ExpectInvalid(ReadListSizes(path), {path + " row 1: field patients: longer than 128 KiB"});
  }
}

TEST_F(HostileFilesTest, CountsAndNumbersAreBounded) {
  const std::string sizes = Write("sizes.csv", "practice_code,patients\nA0001,1000001\n");
  ExpectInvalid(ReadListSizes(sizes), {sizes + " row 1: field patients: '1000001': 1000001 is "
                                               "more than 1,000,000"});
  const std::string map =
      Write("map.csv", "practice_code,pcn_code,list_size\nA00001,U00001,99999999999\n");
  ExpectInvalid(ReadPracticeMap(map), {map + " row 1: field list_size", "more than 1,000,000"});
  const std::string hex =
      Write("hex.csv", "practice_code,pcn_code,easting,northing\nA00001,U00001,400000,0x1A\n");
  ExpectInvalid(ReadPracticeMap(hex), {hex + " row 1: field northing: '0x1A' is not a number"});
  const std::string huge =
      Write("huge.csv", "practice_code,pcn_code,easting,northing\nA00001,U00001,1e400,300000\n");
  ExpectInvalid(ReadPracticeMap(huge),
                {huge + " row 1: field easting: '1e400' is not a finite number"});
  const std::string exp =
      Write("exp.csv", "practice_code,pcn_code,easting,northing\nA00001,U00001,4e5,3E5\n");
  auto ok = ReadPracticeMap(exp);
  PCNV_ASSERT_OK(ok);
  EXPECT_EQ((*ok)[0].location->x, 400000);
}

TEST_F(HostileFilesTest, DevicesAndFifosAreNotReadAsFiles) {
  ExpectInvalid(ReadFile("/dev/zero", "the ruleset"),
                {"/dev/zero: is a character device, not a regular file as the ruleset"});
  const std::string fifo = dir_.File("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  ExpectInvalid(ReadFile(fifo), {fifo + ": is a FIFO"});
  ExpectInvalid(ReadListSizes(fifo), {fifo + ": is not a regular file"});
  ExpectInvalid(ReadRuleset(fifo), {fifo + ": is a FIFO"});
  // A reference store that is a FIFO or a folder: refused before GDAL (which would wait for a
  // writer) or the store's hash (taken on another thread) opens it.
  ExpectInvalid(LoadReferenceStore(fifo), {fifo + ": is not a regular file"});
  ExpectInvalid(LoadReferenceStore(dir_.path()), {dir_.path() + ": is not a regular file"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  const std::string big = Write("big.json", std::string(5000, ' '));
  ExpectInvalid(ReadFile(big, "the ruleset", 4096),
                {big + ": is 5,000 bytes, more than the 4,096 pcnv reads as the ruleset"});
}

TEST_F(HostileFilesTest, OutputPathsMustBeRegularFilesOrNew) {
  PCNV_ASSERT_OK(CheckOutputPath(dir_.File("new.json")));
  PCNV_ASSERT_OK(CheckOutputPath(Write("old.json", "x")));
  ExpectInvalid(CheckOutputPath(dir_.path()), {dir_.path() + ": is a directory"});
  ExpectInvalid(CheckOutputPath("/dev/full"), {"/dev/full: is a character device"});
  ExpectInvalid(WriteFile("/dev/full", "report"), {"/dev/full: is a character device"});
  PCNV_ASSERT_OK(CheckOutputPath("/vsimem/out.json"));
}

TEST_F(HostileFilesTest, WriteFileReplacesOnlyOnSuccess) {
  const std::string path = Write("report.json", "old");
  PCNV_ASSERT_OK(WriteFile(path, "new"));
  EXPECT_EQ(pcnv::testing::ReadFile(path), "new");
  // A directory that does not exist: nothing written, nothing left behind.
  const std::string nowhere = dir_.File("missing/report.json");
  ExpectError(WriteFile(nowhere, "x"), absl::StatusCode::kPermissionDenied,
              {nowhere + ": cannot open for writing"});
  // A writer that fails part-way (here: the file size limit, as a full disk would) leaves the
  // old file and no temporary file. Run in a child so the limit does not outlive the test.
  const pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    rlimit limit{1024, 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    const absl::Status s = WriteFile(path, std::string(1 << 20, 'x'));
    _exit(s.code() == absl::StatusCode::kDataLoss &&
                  absl::StrContains(s.message(), "write failed (File too large)")
              ? 0
              : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(pcnv::testing::ReadFile(path), "new");
  auto ls = pcnv::testing::Run({"/bin/ls", "-a", dir_.path()});
  EXPECT_THAT(ls.out, Not(HasSubstr(".pcnv-"))) << ls.out;
}

TEST_F(HostileFilesTest, ReplaceFileRemovesItsTemporaryWhenNotCommitted) {
  const std::string target = dir_.File("layers.gpkg");
  std::string temporary;
  {
    auto out = ReplaceFile::Begin(target);
    PCNV_ASSERT_OK(out);
    temporary = out->temporary();
    EXPECT_THAT(temporary, HasSubstr(".gpkg"));  // GDAL's drivers look at the extension
    pcnv::testing::WriteFile(temporary, "half");
  }
  EXPECT_NE(access(temporary.c_str(), F_OK), 0);
  EXPECT_NE(access(target.c_str(), F_OK), 0);
}

TEST_F(HostileFilesTest, JsonNestingAndBadTextAreRefusedWithAPosition) {
  ExpectInvalid(ParseJson(std::string(100000, '[') + std::string(100000, ']'), "x.json"),
                {"x.json: nested more than 64 deep at byte 65"});
  ExpectInvalid(ParseJson("{\"name\": \"Caf\xE9\"}", "x.json"),
                {"x.json: not valid JSON at byte", "UTF-8"});
  auto ok = ParseJson(R"({"a": "[[[[", "b": [[1]]})", "x.json");  // brackets in strings
  PCNV_ASSERT_OK(ok);
  const nlohmann::json j = nlohmann::json::parse(R"({"n": "5", "s": 5, "a": {}})");
  const JsonObject o(j, "/findings/3", "r.json");
  int64_t n = 0;
  ExpectInvalid(o.Int("n", 0, 10, n), {"r.json: /findings/3/n: expected a whole number, found "
                                       "a string"});
  std::string s;
  ExpectInvalid(o.String("s", s), {"r.json: /findings/3/s: expected a string, found a number"});
  ExpectInvalid(o.Member("a", nlohmann::json::value_t::array).status(),
                {"/findings/3/a: expected an array, found an object"});
}

TEST_F(HostileFilesTest, RulesetAndWaiversFilesAreRangeChecked) {
  ExpectInvalid(ParseRuleset(R"({"rules": {"OVL003": {"min_iou": 1.5}}})", "rs.json"),
                {"rs.json: rules.OVL003.min_iou: 1.5 is more than 1"});
  ExpectInvalid(ParseRuleset(R"({"rules": {"POP002": {"usual_maximum": 1e300}}})", "rs.json"),
                {"rs.json: rules.POP002.usual_maximum: 1e+300 is more than 1e+08"});
  ExpectInvalid(ParseRuleset(R"({"contiguity": {"bridges": [["", "E01"]]}})", "rs.json"),
                {"rs.json: contiguity.bridges[0][0]: missing or empty"});
  ExpectInvalid(ParseWaivers(R"([{"rule": "POP001", "pcn": "U1", "reason": "r",
                                  "approved_by": "a", "expires": "2026-02-30"}])",
                             "w.json"),
                {"w.json: waiver 1.expires: '2026-02-30' is not a date"});
}

// A GeoJSON layer in EPSG:27700 with one polygon feature, coordinates as given.
std::string Layer(const std::string& code, const std::string& ring) {
  return absl::StrCat(
      R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
      R"("urn:ogc:def:crs:EPSG::27700"}},"features":[{"type":"Feature","properties":{"code":")",
      code, R"("},"geometry":{"type":"Polygon","coordinates":[)", ring, "]}}]}");
}

TEST_F(HostileFilesTest, VectorLayersRefuseHugeCoordinatesAndTooMuchWork) {
  const std::string huge =
      Write("huge.geojson", Layer("A", "[[1e308,0],[1e308,1e308],[0,1e308],[1e308,0]]"));
  ExpectInvalid(ReadVectorLayer(LayerSpec{huge, "code"}),
                {huge + " feature 1 (A): geometry extends from easting/northing", "1e+308",
                 "outside Great Britain"});
  const std::string square = "[[400000,300000],[401000,300000],[401000,301000],[400000,300000]]";
  const std::string ok = Write("ok.geojson", Layer("A", square));
  LayerSpec spec{ok, "code"};
  spec.max_vertices = 3;
  ExpectInvalid(ReadVectorLayer(spec),
                {ok + " feature 1 (A): geometry has 4 vertices, more than 3 (--max-vertices)"});
  spec.max_vertices = kDefaultMaxVertices;
  PCNV_ASSERT_OK(ReadVectorLayer(spec));
  const std::string two = Write(
      "two.geojson",
      absl::StrCat(R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
                   R"("urn:ogc:def:crs:EPSG::27700"}},"features":[)",
                   R"({"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon",)",
                   R"("coordinates":[)", square, "]}},",
                   R"({"type":"Feature","properties":{"code":"B"},"geometry":{"type":"Polygon",)",
                   R"("coordinates":[)", square, "]}}]}"));
  LayerSpec capped{two, "code"};
  capped.max_features = 1;
  ExpectInvalid(ReadVectorLayer(capped),
                {two + ": has 2 features, more than 1 (--max-declared-features)"});
  // An empty collection (no features, so no fields to guess the code from) says so.
  const std::string none = Write("none.geojson", R"({"type":"FeatureCollection","features":[]})");
  ExpectInvalid(ReadVectorLayer(LayerSpec{none}), {none + ": no features"});
}

class DamagedStoreTest : public HostileFilesTest {
 protected:
  // A store of two 1 km areas, written by pcnv.
  std::string WriteStore() {
    const std::string areas = Write(
        "areas.geojson",
        absl::StrCat(
            R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
            R"("urn:ogc:def:crs:EPSG::27700"}},"features":[)",
            R"({"type":"Feature","properties":{"code":"E01000001"},"geometry":{"type":"Polygon",)",
            R"("coordinates":[[[400000,300000],[401000,300000],[401000,301000],[400000,300000]]]}},)",
            R"({"type":"Feature","properties":{"code":"E01000002"},"geometry":{"type":"Polygon",)",
            R"("coordinates":[[[401000,300000],[402000,300000],[402000,301000],[401000,300000]]]}}]})"));
    ReferenceSources src;
    src.areas = LayerSpec{areas, "code"};
    auto built = BuildReference(src);
    EXPECT_TRUE(built.ok()) << built.status();
    const std::string store = dir_.File("ref.gpkg");
    EXPECT_TRUE(WriteReferenceStore(**built, store).ok());
    return store;
  }

  // Opens the store for update and calls `edit` on the areas layer's feature `fid`.
  void EditArea(const std::string& store, int fid, void (*edit)(OGRFeatureH)) {
    EnsureGdalRegistered();
    GDALDatasetH ds =
        GDALOpenEx(store.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, "areas");
    OGRFeatureH f = OGR_L_GetFeature(layer, fid);
    ASSERT_NE(f, nullptr);
    edit(f);
    EXPECT_EQ(OGR_L_SetFeature(layer, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    GDALClose(ds);
  }
};

TEST_F(DamagedStoreTest, AnAreaThatIsAPointIsRefusedOnLoad) {
  const std::string store = WriteStore();
  EditArea(store, 2, [](OGRFeatureH f) {
    OGRGeometryH point = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(point, 0, 401500, 300500);
    OGR_F_SetGeometryDirectly(f, point);
  });
  ExpectInvalid(LoadReferenceStore(store),
                {store + " layer areas: feature 2: geometry is a Point, expected a polygon"});
}

TEST_F(DamagedStoreTest, RepeatedAreaCodesAreRefusedOnLoad) {
  const std::string store = WriteStore();
  EditArea(store, 2, [](OGRFeatureH f) {
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "code"), "E01000001");
  });
  ExpectInvalid(LoadReferenceStore(store),
                {store + " layer areas: feature 2: area code E01000001 already used by feature 1"});
}

TEST_F(DamagedStoreTest, ErrorsAreReportedInReadingOrderThoughTablesLoadSideBySide) {
  // The per-area tables load on a second handle beside the areas (reference_store_read.cc): a
  // damaged area must still be the error reported when area_adjacency is damaged too, as in a
  // serial load, and the adjacency's own error when it is the only one.
  const std::string store = WriteStore();
  {
    EnsureGdalRegistered();
    GDALDatasetH ds =
        GDALOpenEx(store.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRLayerH rows =
        GDALDatasetExecuteSQL(ds, "SELECT COUNT(*) FROM area_adjacency", nullptr, "SQLITE");
    ASSERT_NE(rows, nullptr);
    OGRFeatureH count = OGR_L_GetNextFeature(rows);
    ASSERT_NE(count, nullptr);
    EXPECT_GE(OGR_F_GetFieldAsInteger64(count, 0), 1) << "the two areas touch";
    OGR_F_Destroy(count);
    GDALDatasetReleaseResultSet(ds, rows);
    GDALDatasetExecuteSQL(ds, "UPDATE area_adjacency SET area_a = 99", nullptr, "SQLITE");
    GDALClose(ds);
  }
  ExpectInvalid(LoadReferenceStore(store),
                {store + " table area_adjacency row 1: area_a 99 is not a feature of layer areas"});
  EditArea(store, 2, [](OGRFeatureH f) {
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "code"), "E01000001");
  });
  ExpectInvalid(LoadReferenceStore(store),
                {store + " layer areas: feature 2: area code E01000001 already used by feature 1"});
}

}  // namespace
}  // namespace pcnv::io
