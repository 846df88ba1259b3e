// Readers for what users hold (docs/DOMAIN.md section 3). Every reader either returns everything it
// read or an error naming the file, the row (1-based data row; header not counted) or feature,
// and the field; nothing half-loaded is ever returned. All coordinates come back in EPSG:27700.
//
// CSVs are read with libcsv (geo/io/csv_table.h: RFC 4180 quoting, BOMs, CRLF); numbers are
// parsed here so that errors can say exactly what was wrong.
#ifndef PCNV_GEO_IO_READERS_H_
#define PCNV_GEO_IO_READERS_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "geo/model.h"
#include "geo/reference.h"

namespace pcnv::io {

// How the CSV readers take their files (geo/io/csv_table.h).
struct CsvOptions {
  // The file's text encoding as iconv names it ("windows-1252", "iso-8859-1", "utf-16"); the
  // text is transcoded to UTF-8 as it is read. Empty (or "utf-8"): the file must be UTF-8, and a
  // field that is not is an error naming its row, field and byte.
  std::string encoding;
  // A UTF-8 file delimited by ',' or ';' is read in place (memory-mapped), its plain lines split
  // without libcsv. false: every file through read() and libcsv, a block at a time. Both give
  // the same rows and the same errors (tests/io/csv_paths_test.cc and the csv_paths fuzzer
  // compare them); the switch is there for those comparisons.
  bool in_place = true;
};

// Practice -> PCN mapping. Detects the format from the header:
//  - NHS Digital gp-reg-pat-prac-map.csv, 2022+ (ONS_SUB_ICB_LOCATION_CODE, SUB_ICB_LOCATION_CODE,
//    ONS_ICB_CODE, ICB_CODE) or older (ONS_CCG_CODE, CCG_CODE, ONS_STP_CODE, STP_CODE);
//  - plain CSV practice_code,pcn_code[,practice_name,postcode,easting,northing|lat,lon,
//    list_size,pcn_name] (column names case-insensitive).
absl::StatusOr<std::vector<Membership>> ReadPracticeMap(const std::string& path,
                                                        const CsvOptions& options = {});

// gp-reg-pat-prac-all.csv: rows with SEX=ALL and AGE=ALL; practice code in CODE.
// A plain practice_code,patients (or list_size) CSV is accepted too.
absl::StatusOr<std::vector<ListSize>> ReadListSizes(const std::string& path,
                                                    const CsvOptions& options = {});

// Detects the level from the header:
//  - gp-reg-pat-prac-lsoa-all.csv (PRACTICE_CODE, LSOA_CODE, SEX, NUMBER_OF_PATIENTS; SEX=ALL
//    rows only) -> kArea, codes kept as given (placeholders such as NO2011 included);
//  - practice_code,postcode,patients -> kPostcode, postcodes normalised.
absl::StatusOr<Distribution> ReadDistribution(const std::string& path,
                                              const CsvOptions& options = {});

// NSPL/ONSPD-style postcode directory: one CSV or a folder of CSVs (every *.csv in it).
// Postcode column: pcds, pcd, pcd7, pcd8, postcode (any case). Location: oseast1m+osnrth1m
// (EPSG:27700) or lat+long/lon (WGS84, reprojected). Optional LSOA column: lsoa21, lsoa11,
// lsoa21cd, lsoa11cd, lsoa_code. Rows without a coordinate (blank, or NSPL's 99.999999/0
// placeholders) are skipped and counted, not errors; malformed numbers are errors.
struct PostcodeDirectory {
  absl::flat_hash_map<std::string, PostcodeEntry> entries;
  int64_t rows_without_location = 0;
  std::vector<std::string> files;  // the CSVs read, sorted
};
absl::StatusOr<PostcodeDirectory> ReadPostcodeDirectory(const std::string& path,
                                                        const CsvOptions& options = {});

// A vector layer spec as given on the command line: FILE[:FIELD], where FIELD is the code
// field (default: guessed from common names such as lsoa11_code, LSOA21CD, ICB22CD, code).
// FILE may be a GDAL connection string such as PG:... (then FIELD must be given via `layer`).
// The most vertices one polygon of a layer may have, by default: generalised ONS boundaries
// have hundreds, full-resolution LSOAs a few thousand, a full-resolution ICB coastline a few
// hundred thousand. A million-vertex polygon is refused before it costs minutes of GEOS time.
inline constexpr int64_t kDefaultMaxVertices = 500'000;
// The most features a declared-boundary layer may have, by default: England has about 1,250
// PCNs, so a national file of them is well within it.
inline constexpr int64_t kDefaultMaxDeclaredFeatures = 10'000;

struct LayerSpec {
  std::string path;
  std::string code_field;  // empty: guess
  std::string name_field;  // empty: guess (a field ending in NM / _name), may stay empty
  std::string layer;       // empty: the first layer
  int64_t max_vertices = kDefaultMaxVertices;  // per feature; more is an error naming it
  int64_t max_features = 0;                    // 0: any number; more is an error
};
absl::StatusOr<LayerSpec> ParseLayerSpec(std::string_view text);

struct VectorFeature {
  std::string code;
  std::string name;
  Geometry geometry;           // EPSG:27700, Polygon or MultiPolygon; repaired when invalid
  std::string invalid_reason;  // GEOS's reason when the source geometry was invalid, else empty
  int feature = 0;             // 1-based feature index in the layer
};

struct VectorLayer {
  std::vector<VectorFeature> features;
  std::string code_field;  // the field actually used
  std::string source_crs;  // e.g. "EPSG:4326"
};

// Reads polygons with GDAL (Shapefile, GeoPackage, GeoJSON, FlatGeobuf, PostGIS, ...) and
// reprojects them to EPSG:27700. Errors: missing CRS (names the file), missing code field
// (lists the fields there are); and, each naming the feature and field: an empty code, a code or
// name that is not UTF-8, a null/empty or non-polygon geometry, one with more than
// spec.max_vertices vertices, a coordinate that is not finite or a polygon outside Great
// Britain (geo/input_limits.h) once reprojected; more than spec.max_features features. Invalid
// polygons are repaired with GEOS make-valid and flagged in invalid_reason.
absl::StatusOr<VectorLayer> ReadVectorLayer(const LayerSpec& spec);

// Hex SHA-256 of a file, or of a folder's files (sorted by name, each name and content hashed).
// When `cancel` (may be null) becomes true, stops within 64 KiB and returns Cancelled: a hash
// taken on another thread is abandoned when the read it goes with fails.
absl::StatusOr<std::string> Sha256OfPath(const std::string& path,
                                         const std::atomic<bool>* cancel = nullptr);

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_READERS_H_
