// Internal to geo/io: a CSV file read through GDAL's CSV driver with every field kept as a
// string, plus the number parsing and error wording every CSV reader shares.
//
// Row numbers are GDAL's feature ids for the CSV driver: 1-based data records, the header not
// counted, blank lines skipped and a quoted field spanning lines counted once (checked with
// ogrinfo on GDAL 3.6). That is what a spreadsheet user sees as "row N below the header".
#ifndef PCNV_GEO_IO_CSV_TABLE_H_
#define PCNV_GEO_IO_CSV_TABLE_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "geo/io/gdal_util.h"

namespace pcnv::io {

// Debian's Abseil keeps its own string_view type; the public API speaks std::string_view.
inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }

// One data row; valid only inside the ForEachRow callback that received it.
class CsvRow {
 public:
  CsvRow(OGRFeatureH feature, int number) : feature_(feature), number_(number) {}
  int number() const { return number_; }
  // The field with surrounding whitespace stripped; "" when `column` is -1 (column absent).
  absl::string_view Get(int column) const;

 private:
  OGRFeatureH feature_;
  int number_;
};

// Plausible coordinate ranges. BNG's false origin puts Great Britain and its waters inside
// about 0..700000 x 0..1250000; the margin only catches swapped or mistyped columns.
inline constexpr double kMinEasting = -100000, kMaxEasting = 800000;
inline constexpr double kMinNorthing = -100000, kMaxNorthing = 1400000;

class CsvTable {
 public:
  // NotFound for a missing file; InvalidArgument for a directory, an empty file or something
  // GDAL cannot read as CSV.
  static absl::StatusOr<CsvTable> Open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<std::string>& columns() const { return columns_; }
  const std::string& column_name(int column) const { return columns_[column]; }

  // Index of the first of `names` present as a column (case-insensitive), or -1.
  int Find(std::initializer_list<absl::string_view> names) const;
  // As Find, but a missing column is an error listing the columns there are.
  absl::StatusOr<int> Require(std::initializer_list<absl::string_view> names) const;
  std::string ColumnList() const;  // "A, B, C"

  // Calls `fn` on every data row in order and stops at the first error. A row with fewer
  // fields than the header is an error naming the first missing field.
  absl::Status ForEachRow(absl::FunctionRef<absl::Status(const CsvRow&)> fn) const;
  int64_t rows_read() const { return rows_read_; }

  // "<path> row N: field F: <message>", as InvalidArgument.
  absl::Status RowError(const CsvRow& row, int column, absl::string_view message) const;
  absl::Status RowError(int row, absl::string_view field, absl::string_view message) const;
  // "<path>: <message>", as InvalidArgument.
  absl::Status FileError(absl::string_view message) const;

  // Field parsers whose errors name the file, row and field.
  absl::StatusOr<int64_t> Count(const CsvRow& row, int column) const;  // whole number >= 0
  absl::StatusOr<double> Number(const CsvRow& row, int column) const;  // finite
  // A finite number within [lo, hi]; `what` names the quantity in the error ("latitude").
  absl::StatusOr<double> NumberIn(const CsvRow& row, int column, double lo, double hi,
                                  absl::string_view what) const;
  // A required non-empty text field (codes): empty is an error saying `what` is empty.
  absl::StatusOr<absl::string_view> NonEmpty(const CsvRow& row, int column,
                                             absl::string_view what) const;

 private:
  CsvTable(std::string path, gdal::DatasetPtr ds);

  std::string path_;
  gdal::DatasetPtr dataset_;
  OGRLayerH layer_ = nullptr;
  std::vector<std::string> columns_;
  mutable int64_t rows_read_ = 0;
};

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_CSV_TABLE_H_
