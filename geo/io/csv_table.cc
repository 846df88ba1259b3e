#include "geo/io/csv_table.h"

#include <cmath>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/io/versions.h"

namespace pcnv::io {
namespace fs = std::filesystem;

absl::string_view CsvRow::Get(int column) const {
  if (column < 0) return {};
  return absl::StripAsciiWhitespace(OGR_F_GetFieldAsString(feature_, column));
}

CsvTable::CsvTable(std::string path, gdal::DatasetPtr ds)
    : path_(std::move(path)), dataset_(std::move(ds)) {
  layer_ = GDALDatasetGetLayer(dataset_.get(), 0);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer_);
  for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
    columns_.emplace_back(
        absl::StripAsciiWhitespace(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i))));
  }
}

absl::StatusOr<CsvTable> CsvTable::Open(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  if (fs::is_directory(st)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, expected a CSV file"));
  }
  if (fs::file_size(path, ec) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": file is empty (expected a header)"));
  }
  EnsureGdalRegistered();
  gdal::QuietErrors quiet;
  // Every field as a string: type guessing would turn "00123" into 123 and hide bad values.
  const char* const drivers[] = {"CSV", nullptr};
  const char* const options[] = {"AUTODETECT_TYPE=NO", "HEADERS=YES", "KEEP_GEOM_COLUMNS=YES",
                                 nullptr};
  gdal::DatasetPtr ds(GDALOpenEx(("CSV:" + path).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 drivers, options, nullptr));
  if (!ds || GDALDatasetGetLayerCount(ds.get()) < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read as CSV: ", gdal::LastError("no layer")));
  }
  CsvTable table(path, std::move(ds));
  if (table.columns_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no header line"));
  }
  return table;
}

int CsvTable::Find(std::initializer_list<absl::string_view> names) const {
  for (absl::string_view name : names) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (absl::EqualsIgnoreCase(columns_[i], name)) return static_cast<int>(i);
    }
  }
  return -1;
}

absl::StatusOr<int> CsvTable::Require(std::initializer_list<absl::string_view> names) const {
  int column = Find(names);
  if (column >= 0) return column;
  return FileError(absl::StrCat("missing required column ", absl::StrJoin(names, " or "),
                                " (columns found: ", ColumnList(), ")"));
}

std::string CsvTable::ColumnList() const { return absl::StrJoin(columns_, ", "); }

absl::Status CsvTable::ForEachRow(absl::FunctionRef<absl::Status(const CsvRow&)> fn) const {
  gdal::QuietErrors quiet;
  OGR_L_ResetReading(layer_);
  const int ncols = static_cast<int>(columns_.size());
  int64_t counter = 0;
  while (true) {
    gdal::FeaturePtr feature(OGR_L_GetNextFeature(layer_));
    if (!feature) break;
    ++counter;
    GIntBig fid = OGR_F_GetFID(feature.get());
    CsvRow row(feature.get(), static_cast<int>(fid == OGRNullFID ? counter : fid));
    for (int c = 0; c < ncols; ++c) {
      if (!OGR_F_IsFieldSet(feature.get(), c)) {
        int present = 0;
        while (present < ncols && OGR_F_IsFieldSet(feature.get(), present)) ++present;
        return RowError(row, c,
                        absl::StrCat("missing: the row has ", present, " of the header's ", ncols,
                                     " fields (truncated row?)"));
      }
    }
    if (absl::Status s = fn(row); !s.ok()) return s;
  }
  rows_read_ = counter;
  // GDAL reports read errors (I/O, bad encoding) by ending the iteration early.
  if (CPLGetLastErrorType() >= CE_Failure) {
    return FileError(absl::StrCat("read error after row ", counter, ": ", gdal::LastError()));
  }
  return absl::OkStatus();
}

absl::Status CsvTable::RowError(const CsvRow& row, int column, absl::string_view message) const {
  return RowError(row.number(), column >= 0 ? columns_[column] : "?", message);
}

absl::Status CsvTable::RowError(int row, absl::string_view field, absl::string_view message) const {
  return absl::InvalidArgumentError(
      absl::StrCat(path_, " row ", row, ": field ", field, ": ", message));
}

absl::Status CsvTable::FileError(absl::string_view message) const {
  return absl::InvalidArgumentError(absl::StrCat(path_, ": ", message));
}

absl::StatusOr<int64_t> CsvTable::Count(const CsvRow& row, int column) const {
  absl::string_view text = row.Get(column);
  if (text.empty()) return RowError(row, column, "is empty, expected a whole number");
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return RowError(row, column, absl::StrCat("'", text, "' is not a whole number"));
  }
  if (value < 0) return RowError(row, column, absl::StrCat("'", text, "' is negative"));
  return value;
}

absl::StatusOr<double> CsvTable::Number(const CsvRow& row, int column) const {
  absl::string_view text = row.Get(column);
  if (text.empty()) return RowError(row, column, "is empty, expected a number");
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) {
    return RowError(row, column, absl::StrCat("'", text, "' is not a number"));
  }
  if (!std::isfinite(value)) {
    return RowError(row, column, absl::StrCat("'", text, "' is not a finite number"));
  }
  return value;
}

absl::StatusOr<double> CsvTable::NumberIn(const CsvRow& row, int column, double lo, double hi,
                                          absl::string_view what) const {
  absl::StatusOr<double> value = Number(row, column);
  if (!value.ok()) return value.status();
  if (*value < lo || *value > hi) {
    return RowError(
        row, column,
        absl::StrCat("'", row.Get(column), "' is outside ", lo, "..", hi, " (", what, ")"));
  }
  return value;
}

absl::StatusOr<absl::string_view> CsvTable::NonEmpty(const CsvRow& row, int column,
                                                     absl::string_view what) const {
  absl::string_view text = row.Get(column);
  if (text.empty()) return RowError(row, column, absl::StrCat("empty ", what));
  return text;
}

}  // namespace pcnv::io
