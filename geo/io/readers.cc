// The tabular readers: practice map, list sizes, distribution. Column names are matched
// case-insensitively, so the NHS Digital files and the plain CSVs share one code path: the NHS
// header is the plain one in upper case plus extra columns.
#include "geo/io/readers.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/input_limits.h"
#include "geo/io/csv_table.h"

namespace pcnv::io {
namespace {

// Where a row's lon/lat sits until the whole file is reprojected in one call.
struct PendingLonLat {
  size_t index;  // into the result vector
  int row;
  double lon, lat;
};

std::string Str(absl::string_view s) { return std::string(s); }

// Reads the optional "both or neither" coordinate pair of a row. Returns nullopt when both are
// blank; one blank and one given is an error naming the blank one. With `swap_hint`, a pair
// outside the ranges that fits them the other way round is said to look swapped.
absl::StatusOr<std::optional<std::pair<double, double>>> ReadPair(
    const CsvTable& t, const CsvRow& row, int cx, int cy, double xlo, double xhi, double ylo,
    double yhi, absl::string_view xwhat, absl::string_view ywhat, bool swap_hint) {
  bool has_x = !row.Get(cx).empty(), has_y = !row.Get(cy).empty();
  if (!has_x && !has_y) return std::nullopt;
  if (!has_x) {
    return t.RowError(row, cx, absl::StrCat("is empty but ", t.column_name(cy), " is given"));
  }
  if (!has_y) {
    return t.RowError(row, cy, absl::StrCat("is empty but ", t.column_name(cx), " is given"));
  }
  absl::StatusOr<double> x = t.Number(row, cx);
  if (!x.ok()) return x.status();
  absl::StatusOr<double> y = t.Number(row, cy);
  if (!y.ok()) return y.status();
  auto in = [](double v, double lo, double hi) { return v >= lo && v <= hi; };
  const bool swapped = swap_hint && in(*y, xlo, xhi) && in(*x, ylo, yhi);
  auto with_hint = [&](const absl::Status& s) {
    if (!swapped) return s;
    return absl::Status(
        s.code(), absl::StrCat(s.message(), "; it looks swapped with ", t.column_name(cy), " '",
                               row.Get(cy), "' (the other way round both fit)"));
  };
  x = t.NumberIn(row, cx, xlo, xhi, xwhat);
  if (!x.ok()) return with_hint(x.status());
  y = t.NumberIn(row, cy, ylo, yhi, ywhat);
  if (!y.ok()) return with_hint(y.status());
  return std::make_pair(*x, *y);
}

// Both columns of a pair, or neither: a lone easting is a header mistake worth reporting.
absl::Status CheckPairColumns(const CsvTable& t, int a, int b, absl::string_view pair) {
  if ((a < 0) == (b < 0)) return absl::OkStatus();
  return t.FileError(absl::StrCat("has only ", t.column_name(a >= 0 ? a : b), " of the ", pair,
                                  " pair (columns found: ", t.ColumnList(), ")"));
}

// SEX / AGE filters of the NHS Digital files: a row is kept when the column is absent or ALL.
bool IsAllOrAbsent(const CsvRow& row, int column) {
  return column < 0 || absl::EqualsIgnoreCase(row.Get(column), "ALL");
}

}  // namespace

absl::StatusOr<std::vector<Membership>> ReadPracticeMap(const std::string& path,
                                                        const CsvOptions& options) {
  absl::StatusOr<CsvTable> table = CsvTable::Open(path, options);
  if (!table.ok()) return table.status();
  const CsvTable& t = *table;

  absl::StatusOr<int> c_practice = t.Require({"PRACTICE_CODE"});
  if (!c_practice.ok()) return c_practice.status();
  absl::StatusOr<int> c_pcn = t.Require({"PCN_CODE"});
  if (!c_pcn.ok()) return c_pcn.status();
  const int c_name = t.Find({"PRACTICE_NAME"});
  const int c_postcode = t.Find({"PRACTICE_POSTCODE", "POSTCODE"});
  const int c_pcn_name = t.Find({"PCN_NAME"});
  // 2022+ files name sub-ICB locations and ICBs; older ones the CCGs and STPs they replaced.
  const int c_ons_sub_icb = t.Find({"ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE"});
  const int c_sub_icb = t.Find({"SUB_ICB_LOCATION_CODE", "SUB_ICB_CODE", "CCG_CODE"});
  const int c_ons_icb = t.Find({"ONS_ICB_CODE", "ONS_STP_CODE"});
  const int c_icb = t.Find({"ICB_CODE", "STP_CODE"});
  const int c_east = t.Find({"EASTING"}), c_north = t.Find({"NORTHING"});
  const int c_lat = t.Find({"LAT", "LATITUDE"}), c_lon = t.Find({"LON", "LONG", "LONGITUDE"});
  const int c_list = t.Find({"LIST_SIZE"});
  if (absl::Status s = CheckPairColumns(t, c_east, c_north, "easting/northing"); !s.ok()) return s;
  if (absl::Status s = CheckPairColumns(t, c_lat, c_lon, "lat/lon"); !s.ok()) return s;
  const bool use_bng = c_east >= 0;  // easting/northing win when a file has both
  const bool use_lonlat = !use_bng && c_lat >= 0;

  std::vector<Membership> out;
  std::vector<PendingLonLat> pending;
  absl::Status s = t.ForEachRow([&](const CsvRow& row) -> absl::Status {
    Membership m;
    m.row = row.number();
    absl::StatusOr<absl::string_view> code = t.NonEmpty(row, *c_practice, "practice code");
    if (!code.ok()) return code.status();
    m.practice_code = Str(*code);
    // An empty PCN code is data, not a read error: MEM001 reports the practice.
    m.pcn_code = Str(row.Get(*c_pcn));
    m.practice_name = Str(row.Get(c_name));
    m.pcn_name = Str(row.Get(c_pcn_name));
    m.practice_postcode = NormalisePostcode(ToStd(row.Get(c_postcode)));
    m.ons_sub_icb_code = Str(row.Get(c_ons_sub_icb));
    m.sub_icb_code = Str(row.Get(c_sub_icb));
    m.ons_icb_code = Str(row.Get(c_ons_icb));
    m.icb_code = Str(row.Get(c_icb));
    if (c_list >= 0 && !row.Get(c_list).empty()) {
      absl::StatusOr<int64_t> n = t.Patients(row, c_list);
      if (!n.ok()) return n.status();
      m.list_size = *n;
    }
    // A practice is in Great Britain: a location outside it (or with its columns swapped) is
    // wrong, and would silently put the practice in the wrong place.
    if (use_bng) {
      auto xy = ReadPair(t, row, c_east, c_north, kMinEasting, kMaxEasting, kMinNorthing,
                         kMaxNorthing, "easting", "northing", /*swap_hint=*/true);
      if (!xy.ok()) return xy.status();
      if (*xy) m.location = Point{(*xy)->first, (*xy)->second};
    } else if (use_lonlat) {
      auto lonlat = ReadPair(t, row, c_lon, c_lat, -180, 180, -90, 90, "longitude", "latitude",
                             /*swap_hint=*/false);
      if (!lonlat.ok()) return lonlat.status();
      if (*lonlat) {
        if (absl::Status where = CheckGbLonLat((*lonlat)->first, (*lonlat)->second); !where.ok()) {
          return t.RowError(row, c_lat, where.message());
        }
        pending.push_back({out.size(), m.row, (*lonlat)->first, (*lonlat)->second});
      }
    }
    out.push_back(std::move(m));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (out.empty()) return t.FileError("has a header but no data rows");

  if (!pending.empty()) {
    std::vector<double> x, y;
    std::vector<int> ok;
    for (const PendingLonLat& p : pending) {
      x.push_back(p.lon);
      y.push_back(p.lat);
    }
    if (absl::Status st = gdal::LonLatToBng(x, y, ok); !st.ok()) return st;
    for (size_t i = 0; i < pending.size(); ++i) {
      if (!ok[i]) {
        return t.RowError(pending[i].row, t.column_name(c_lon),
                          absl::StrCat("lon/lat ", pending[i].lon, ", ", pending[i].lat,
                                       " cannot be reprojected to EPSG:27700"));
      }
      out[pending[i].index].location = Point{x[i], y[i]};
    }
  }
  return out;
}

absl::StatusOr<std::vector<ListSize>> ReadListSizes(const std::string& path,
                                                    const CsvOptions& options) {
  absl::StatusOr<CsvTable> table = CsvTable::Open(path, options);
  if (!table.ok()) return table.status();
  const CsvTable& t = *table;
  absl::StatusOr<int> c_practice = t.Require({"PRACTICE_CODE", "CODE"});
  if (!c_practice.ok()) return c_practice.status();
  absl::StatusOr<int> c_count = t.Require({"NUMBER_OF_PATIENTS", "PATIENTS", "LIST_SIZE"});
  if (!c_count.ok()) return c_count.status();
  const int c_sex = t.Find({"SEX"}), c_age = t.Find({"AGE"});

  std::vector<ListSize> out;
  absl::Status s = t.ForEachRow([&](const CsvRow& row) -> absl::Status {
    if (!IsAllOrAbsent(row, c_sex) || !IsAllOrAbsent(row, c_age)) return absl::OkStatus();
    absl::StatusOr<absl::string_view> code = t.NonEmpty(row, *c_practice, "practice code");
    if (!code.ok()) return code.status();
    absl::StatusOr<int64_t> n = t.Patients(row, *c_count);
    if (!n.ok()) return n.status();
    out.push_back({Str(*code), *n, row.number()});
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (t.rows_read() == 0) return t.FileError("has a header but no data rows");
  if (out.empty()) return t.FileError("has no rows with SEX=ALL and AGE=ALL");
  return out;
}

absl::StatusOr<Distribution> ReadDistribution(const std::string& path, const CsvOptions& options) {
  absl::StatusOr<CsvTable> table = CsvTable::Open(path, options);
  if (!table.ok()) return table.status();
  const CsvTable& t = *table;
  absl::StatusOr<int> c_practice = t.Require({"PRACTICE_CODE"});
  if (!c_practice.ok()) return c_practice.status();
  const int c_area =
      t.Find({"LSOA_CODE", "LSOA11_CODE", "LSOA21_CODE", "LSOA11CD", "LSOA21CD", "AREA_CODE"});
  const int c_postcode = t.Find({"POSTCODE", "PCDS", "PCD"});
  if (c_area < 0 && c_postcode < 0) {
    return t.FileError(absl::StrCat(
        "missing required column LSOA_CODE (patients per area) or postcode (patients per "
        "postcode) (columns found: ",
        t.ColumnList(), ")"));
  }
  absl::StatusOr<int> c_count = t.Require({"NUMBER_OF_PATIENTS", "PATIENTS"});
  if (!c_count.ok()) return c_count.status();
  const int c_sex = t.Find({"SEX"});

  Distribution out;
  out.level = c_area >= 0 ? DistributionLevel::kArea : DistributionLevel::kPostcode;
  // Room for every row at once (a national file has about a million): no copy of the rows
  // read so far each time the vector grows. A row takes at least 32 bytes of the file; room
  // not filled is never touched, so it costs address space, not memory.
  std::error_code size_error;
  const uintmax_t bytes = std::filesystem::file_size(path, size_error);
  if (!size_error) out.rows.reserve(static_cast<size_t>(std::min<uintmax_t>(bytes / 32, 1 << 26)));
  const int c_place = c_area >= 0 ? c_area : c_postcode;
  absl::Status s = t.ForEachRow([&](const CsvRow& row) -> absl::Status {
    if (!IsAllOrAbsent(row, c_sex)) return absl::OkStatus();
    absl::StatusOr<absl::string_view> code = t.NonEmpty(row, *c_practice, "practice code");
    if (!code.ok()) return code.status();
    absl::StatusOr<int64_t> n = t.Patients(row, *c_count);
    if (!n.ok()) return n.status();
    // Placeholder and blank places are kept: the patients still count in N(a), and DAT001
    // reports the rows that cannot be resolved.
    std::string place = out.level == DistributionLevel::kArea
                            ? Str(row.Get(c_place))
                            : NormalisePostcode(ToStd(row.Get(c_place)));
    out.rows.push_back({Str(*code), std::move(place), *n, row.number()});
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (t.rows_read() == 0) return t.FileError("has a header but no data rows");
  if (out.rows.empty()) return t.FileError("has no rows with SEX=ALL");
  return out;
}

}  // namespace pcnv::io
