// Internal to geo/io: a CSV file read through libcsv (an RFC 4180 parser) with every field kept
// as text, plus the number parsing and error wording every CSV reader shares. A UTF-8 file
// delimited by ',' or ';' is memory-mapped and its lines without a quote or CR are split in
// place, without libcsv or a copy; every other line, and every other file, goes through libcsv
// (CsvOptions::in_place; the two ways give the same rows and errors).
//
// Row numbers are those GDAL's CSV driver gave as feature ids, which pcnv used before: 1-based
// data records, the header not counted, blank lines skipped and a quoted field spanning lines
// counted once. That is what a spreadsheet user sees as "row N below the header".
//
// Also as GDAL's CSV driver did: a UTF-8 BOM is skipped; CRLF, LF and CR line ends are accepted
// (a line end inside a quoted field reads as "\n"); the delimiter is the first of , ; or tab
// found outside quotes on the header line (',' when they are mixed, ' ' when there is none of
// them but a space); an empty header name becomes field_N (1-based). Unlike GDAL, a line of only
// spaces counts as blank, and each of these is an error naming the row and field: a stray quote
// (in an unquoted field, or text after a closing quote), an unclosed quoted field, a field over
// kMaxFieldBytes (an unclosed quote swallowing the file, or not a CSV at all), a row with more
// fields than the header (an unquoted comma in a name shifts every column after it), and text
// that is not UTF-8 (CsvOptions::encoding names the encoding of a file that is not).
#ifndef PCNV_GEO_IO_CSV_TABLE_H_
#define PCNV_GEO_IO_CSV_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
// Not used here: the CSV readers reproject lon/lat with gdal::LonLatToBng and get it from here.
#include "geo/input_limits.h"  // kMinEasting etc., for the readers
#include "geo/io/gdal_util.h"
#include "geo/io/readers.h"

namespace pcnv::io {

// Debian's Abseil keeps its own string_view type; the public API speaks std::string_view.
inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }

// One data row; valid only inside the ForEachRow callback that received it.
class CsvRow {
 public:
  int number() const { return number_; }
  // The field with surrounding whitespace stripped; "" when `column` is -1 (column absent).
  absl::string_view Get(int column) const {
    return column < 0 ? absl::string_view() : fields_[column];
  }

 private:
  friend class CsvTable;
  CsvRow(const absl::string_view* fields, int number) : fields_(fields), number_(number) {}

  const absl::string_view* fields_;  // one per header column, into ForEachRow's record buffer
  int number_;
};

// The longest field read: a spreadsheet cell holds at most 32,767 characters, which UTF-8 writes
// in at most 4 bytes each. A longer field is an unclosed quote swallowing the file, or a file
// that is not a CSV at all (it is refused within the first 1 MiB read, not after all of it).
inline constexpr size_t kMaxFieldBytes = size_t{128} << 10;

class CsvTable {
 public:
  // Reads the header only. NotFound for a missing file; InvalidArgument for a directory, a
  // device or other file that is not a regular file, an empty or unreadable file, or a header
  // with malformed quoting.
  static absl::StatusOr<CsvTable> Open(const std::string& path, const CsvOptions& options = {});
  // A file without a header line (epraccur.csv): `columns` name its fields, in order, for
  // errors and Find; every record is a data row, so row N is the file's Nth record. A record
  // with fewer or more fields than `columns` is an error, as in Open's tables.
  static absl::StatusOr<CsvTable> OpenHeaderless(const std::string& path,
                                                 std::vector<std::string> columns,
                                                 const CsvOptions& options = {});

  const std::string& path() const { return path_; }
  const std::vector<std::string>& columns() const { return columns_; }
  const std::string& column_name(int column) const { return columns_[column]; }

  // Index of the first of `names` present as a column (case-insensitive), or -1.
  int Find(std::initializer_list<absl::string_view> names) const;
  // As Find, but a missing column is an error listing the columns there are.
  absl::StatusOr<int> Require(std::initializer_list<absl::string_view> names) const;
  std::string ColumnList() const;  // "A, B, C"

  // Streams the file (mapped, or in 1 MiB blocks; a line longer than that goes to libcsv a
  // block at a time, so a file with no line ends is refused within its first MiB) and calls
  // `fn` on every data row in order,
  // stopping at the first error. A row with fewer fields than the header is an error naming the
  // first missing field, one with more an error naming the first extra one; malformed quoting
  // and text that is not UTF-8 are errors naming the row and field.
  absl::Status ForEachRow(absl::FunctionRef<absl::Status(const CsvRow&)> fn) const;
  int64_t rows_read() const { return rows_read_; }  // data rows seen by the last ForEachRow

  // "<path> row N: field F: <message>", as InvalidArgument.
  absl::Status RowError(const CsvRow& row, int column, absl::string_view message) const;
  absl::Status RowError(int row, absl::string_view field, absl::string_view message) const;
  // "<path>: <message>", as InvalidArgument.
  absl::Status FileError(absl::string_view message) const;

  // Field parsers whose errors name the file, row and field.
  absl::StatusOr<int64_t> Count(const CsvRow& row, int column) const;  // whole number >= 0
  // A count of patients: a whole number from 0 to kMaxPatients (geo/input_limits.h).
  absl::StatusOr<int64_t> Patients(const CsvRow& row, int column) const;
  // A finite decimal number: digits with an optional sign, point and exponent ("-12.5",
  // "3e5"); never hexadecimal ("0x1A"), "inf", "nan" or a number beyond a double's range.
  absl::StatusOr<double> Number(const CsvRow& row, int column) const;
  // A finite number within [lo, hi]; `what` names the quantity in the error ("latitude").
  absl::StatusOr<double> NumberIn(const CsvRow& row, int column, double lo, double hi,
                                  absl::string_view what) const;
  // A required non-empty text field (codes): empty is an error saying `what` is empty.
  absl::StatusOr<absl::string_view> NonEmpty(const CsvRow& row, int column,
                                             absl::string_view what) const;

 private:
  // Called on each record, the header (index 0) included, with its first `keep` fields
  // (whitespace-stripped, valid during the call) and the number of fields it had.
  using RecordFn =
      absl::FunctionRef<absl::Status(absl::Span<const absl::string_view>, size_t, int64_t)>;

  CsvTable(std::string path, char delimiter, std::string encoding, bool in_place)
      : path_(std::move(path)),
        delimiter_(delimiter),
        encoding_(std::move(encoding)),
        in_place_(in_place) {}

  // Parses the file through libcsv in `block_bytes` reads, calling `fn` on each record until
  // it fails or `max_records` records have been passed to it (-1: all).
  absl::Status Stream(size_t keep, size_t block_bytes, int64_t max_records, RecordFn fn) const;
  // Field `index` (0-based) of a record, for error messages.
  std::string FieldName(size_t index) const;

  // Reads the file's first line: the delimiter comes from it (Open's tables read the header).
  static absl::StatusOr<CsvTable> OpenFirstLine(const std::string& path, bool header,
                                                const CsvOptions& options);
  // An error about field `index` (0-based) of record `record` as Stream counts them (the header
  // is record 0 of a table with one).
  absl::Status RecordError(int64_t record, size_t index, absl::string_view why) const;
  // The error for a field that is not UTF-8: `record` as Stream counts them, `index` 0-based.
  absl::Status NotUtf8(int64_t record, size_t index, absl::string_view field, size_t at) const;

  std::string path_;
  char delimiter_;
  std::string encoding_;  // empty: UTF-8, read as it is
  bool in_place_;         // CsvOptions::in_place
  bool header_ = true;    // false: OpenHeaderless, record 0 is data row 1
  std::vector<std::string> columns_;
  mutable int64_t rows_read_ = 0;
};

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_CSV_TABLE_H_
