// ReadPostcodeDirectory: NSPL/ONSPD-style postcode centroids, one CSV or a folder of them.
#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/io/csv_table.h"
#include "geo/io/readers.h"

namespace pcnv::io {
namespace {
namespace fs = std::filesystem;

// NSPL writes this latitude (with longitude 0) for postcodes it has no location for.
constexpr double kNsplNoLatitude = 99.999999;

absl::StatusOr<std::vector<std::string>> ListCsvFiles(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  if (!fs::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(path, ec)) {
    if (!absl::EqualsIgnoreCase(e.path().extension().string(), ".csv")) continue;
    // A *.csv that cannot be read as a file (a broken link, a device, a folder) is an error,
    // not skipped: its postcodes would be missing from the store without a word.
    std::error_code file_ec;
    if (!e.is_regular_file(file_ec)) {
      return absl::InvalidArgumentError(absl::StrCat(
          e.path().string(), ": is not a regular file (a broken link, device, FIFO or folder), ",
          "expected a CSV file of the postcode directory"));
    }
    files.push_back(e.path().string());
  }
  if (ec) return absl::InvalidArgumentError(absl::StrCat(path, ": ", ec.message()));
  if (files.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": folder holds no *.csv files"));
  }
  std::sort(files.begin(), files.end());
  return files;
}

// One file's rows, held until its lon/lat (if any) are reprojected in one call.
struct FileRows {
  std::vector<std::string> postcodes;
  std::vector<std::string> areas;
  std::vector<double> x, y;
  std::vector<int> rows;
};

absl::Status ReadOneFile(const std::string& path, const CsvOptions& options,
                         PostcodeDirectory& dir) {
  absl::StatusOr<CsvTable> table = CsvTable::Open(path, options);
  if (!table.ok()) return table.status();
  const CsvTable& t = *table;
  absl::StatusOr<int> c_postcode = t.Require({"pcds", "pcd", "pcd7", "pcd8", "postcode"});
  if (!c_postcode.ok()) return c_postcode.status();
  const int c_east = t.Find({"oseast1m"}), c_north = t.Find({"osnrth1m"});
  const int c_lat = t.Find({"lat", "latitude"}), c_lon = t.Find({"long", "lon", "longitude"});
  const int c_area = t.Find({"lsoa21", "lsoa11", "lsoa21cd", "lsoa11cd", "lsoa_code"});
  const bool use_bng = c_east >= 0 && c_north >= 0;
  if (!use_bng && (c_lat < 0 || c_lon < 0)) {
    return t.FileError(
        absl::StrCat("missing location columns: oseast1m and osnrth1m, or lat and "
                     "long (columns found: ",
                     t.ColumnList(), ")"));
  }
  const int cx = use_bng ? c_east : c_lon, cy = use_bng ? c_north : c_lat;

  FileRows f;
  absl::Status s = t.ForEachRow([&](const CsvRow& row) -> absl::Status {
    absl::StatusOr<absl::string_view> pc = t.NonEmpty(row, *c_postcode, "postcode");
    if (!pc.ok()) return pc.status();
    if (row.Get(cx).empty() || row.Get(cy).empty()) {
      ++dir.rows_without_location;
      return absl::OkStatus();
    }
    double x = 0, y = 0;
    if (use_bng) {
      absl::StatusOr<double> e = t.NumberIn(row, cx, kMinEasting, kMaxEasting, "easting");
      if (!e.ok()) return e.status();
      absl::StatusOr<double> n = t.NumberIn(row, cy, kMinNorthing, kMaxNorthing, "northing");
      if (!n.ok()) return n.status();
      x = *e;
      y = *n;
      if (x == 0 && y == 0) {  // ONSPD's "no grid reference"
        ++dir.rows_without_location;
        return absl::OkStatus();
      }
    } else {
      // Parse latitude first: NSPL's placeholder latitude must be recognised before the range
      // check would reject it.
      absl::StatusOr<double> lat = t.Number(row, cy);
      if (!lat.ok()) return lat.status();
      if (*lat == kNsplNoLatitude) {
        ++dir.rows_without_location;
        return absl::OkStatus();
      }
      absl::StatusOr<double> checked = t.NumberIn(row, cy, -90, 90, "latitude");
      if (!checked.ok()) return checked.status();
      absl::StatusOr<double> lon = t.NumberIn(row, cx, -180, 180, "longitude");
      if (!lon.ok()) return lon.status();
      x = *lon;
      y = *lat;
    }
    f.postcodes.push_back(NormalisePostcode(ToStd(*pc)));
    f.areas.emplace_back(row.Get(c_area));
    f.x.push_back(x);
    f.y.push_back(y);
    f.rows.push_back(row.number());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;

  if (!use_bng) {
    std::vector<int> ok;
    if (absl::Status st = gdal::LonLatToBng(f.x, f.y, ok); !st.ok()) return st;
    for (size_t i = 0; i < ok.size(); ++i) {
      if (!ok[i]) {
        return t.RowError(f.rows[i], t.column_name(cx),
                          "lon/lat cannot be reprojected to EPSG:27700");
      }
    }
  }
  for (size_t i = 0; i < f.postcodes.size(); ++i) {
    // The first file (in name order) wins for a postcode listed twice; directories list a
    // postcode once, so this only matters for hand-made files.
    dir.entries.try_emplace(std::move(f.postcodes[i]),
                            PostcodeEntry{Point{f.x[i], f.y[i]}, std::move(f.areas[i])});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PostcodeDirectory> ReadPostcodeDirectory(const std::string& path,
                                                        const CsvOptions& options) {
  absl::StatusOr<std::vector<std::string>> files = ListCsvFiles(path);
  if (!files.ok()) return files.status();
  PostcodeDirectory dir;
  dir.files = *files;
  for (const std::string& file : dir.files) {
    if (absl::Status s = ReadOneFile(file, options, dir); !s.ok()) return s;
  }
  if (dir.entries.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": no postcode with a location (", dir.rows_without_location, " rows without one)"));
  }
  return dir;
}

}  // namespace pcnv::io
