#include "geo/io/csv_table.h"

#include <csv.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/io/mapped_file.h"
#include "geo/io/text_encoding.h"
#include "geo/utf8.h"

namespace pcnv::io {
namespace {
namespace fs = std::filesystem;

constexpr size_t kBlockBytes = size_t{1} << 20;         // ForEachRow's reads
constexpr size_t kHeaderBlockBytes = size_t{64} << 10;  // Open's reads: the header only
constexpr absl::string_view kBom = "\xEF\xBB\xBF";

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// Owns a libcsv parser: strict, so that stray or unclosed quotes are errors rather than
// silently merged rows.
class Parser {
 public:
  Parser() { ok_ = csv_init(&p_, CSV_STRICT | CSV_STRICT_FINI) == 0; }
  ~Parser() { csv_free(&p_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  bool ok() const { return ok_; }
  csv_parser* get() { return &p_; }

 private:
  csv_parser p_;
  bool ok_;
};

// GDAL's CSV driver's rule (CSVDetectSeperator, GDAL 3.6) on the header line: the first of
// , ; or tab outside quotes; ',' when they are mixed; ' ' when there is none of them but a space.
char DetectDelimiter(absl::string_view line) {
  char found = '\0';
  bool quoted = false, space = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        ++i;  // "" inside quotes
      } else {
        quoted = !quoted;
      }
    } else if (!quoted && (c == ',' || c == ';' || c == '\t')) {
      if (found == '\0') {
        found = c;
      } else if (found != c) {
        return ',';
      }
    } else if (!quoted && c == ' ') {
      space = true;
    }
  }
  if (found != '\0') return found;
  return space ? ' ' : ',';
}

// Where libcsv's callbacks put the current record, and what to do with each complete one.
struct Sink {
  Sink(size_t keep, int64_t max_records,
       absl::FunctionRef<absl::Status(absl::Span<const absl::string_view>, size_t, int64_t)> fn)
      : keep(keep), max_records(max_records), on_record(fn) {}

  const size_t keep;
  const int64_t max_records;
  absl::FunctionRef<absl::Status(absl::Span<const absl::string_view>, size_t, int64_t)> on_record;
  std::string text;  // the stripped fields of the current record, back to back
  std::vector<std::pair<size_t, size_t>> spans;  // offset and length in `text` of each field kept
  std::vector<absl::string_view> views;          // `spans` as views, built once per record
  size_t fields = 0;        // fields of the current record so far, including those not kept
  int64_t records = 0;      // complete records, the header included
  int64_t long_field = -1;  // index of a field of the current record over kMaxFieldBytes
  bool stopped = false;
  absl::Status status;  // the first error of on_record
  // Set by Stream: the error for a field over kMaxFieldBytes (record, field index).
  std::function<absl::Status(int64_t, size_t)> too_long;
};

// A line end inside a quoted field reads as "\n", whatever the file's line ends.
void AppendWithLf(absl::string_view field, std::string& out) {
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\r') {
      out.push_back(field[i]);
    } else {
      out.push_back('\n');
      if (i + 1 < field.size() && field[i + 1] == '\n') ++i;
    }
  }
}

void OnField(void* data, size_t size, void* sink_ptr) {
  Sink& s = *static_cast<Sink*>(sink_ptr);
  if (size > kMaxFieldBytes && !s.stopped && s.long_field < 0) {
    s.long_field = static_cast<int64_t>(s.fields);  // reported when the record ends
  }
  if (s.fields++ >= s.keep || s.stopped) return;
  // libcsv trims spaces and tabs around unquoted fields; this strips the rest.
  absl::string_view field =
      absl::StripAsciiWhitespace(absl::string_view(static_cast<const char*>(data), size));
  const size_t start = s.text.size();
  // Only a quoted field can hold a CR (elsewhere it ends the record). A plain loop: memchr's
  // call costs more than it saves on fields this short.
  if (std::find(field.begin(), field.end(), '\r') == field.end()) {
    s.text.append(field.data(), field.size());
  } else {
    AppendWithLf(field, s.text);
  }
  s.spans.emplace_back(start, s.text.size() - start);
}

// Hands the record in `s.views` (its `s.fields` fields) on and starts the next one.
void EndRecord(Sink& s) {
  if (!s.stopped) {
    s.status = s.long_field >= 0 ? s.too_long(s.records, static_cast<size_t>(s.long_field))
                                 : s.on_record(s.views, s.fields, s.records);
    if (!s.status.ok() || s.records + 1 == s.max_records) s.stopped = true;
  }
  ++s.records;
  s.text.clear();
  s.spans.clear();
  s.views.clear();
  s.fields = 0;
  s.long_field = -1;
}

void OnRecord(int /*terminator*/, void* sink_ptr) {
  Sink& s = *static_cast<Sink*>(sink_ptr);
  if (!s.stopped) {
    s.views.clear();
    for (const auto& [start, size] : s.spans) s.views.emplace_back(s.text.data() + start, size);
  }
  EndRecord(s);
}

// What the in-place path needs to know of a line, found in one pass eight bytes at a time:
// whether it holds a quote or a CR (then libcsv reads it) and whether it is all ASCII (then its
// fields need no UTF-8 check).
struct LineKind {
  bool quote_or_cr = false;
  bool ascii = true;
};
LineKind ClassifyLine(absl::string_view line) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  // A byte of `v` is zero <=> its bit in the result is set (exact for the lowest such byte,
  // which is all an any-zero test needs).
  auto zero_byte = [&](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  LineKind kind;
  uint64_t high = 0, special = 0;
  size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, line.data() + i, 8);
    high |= w & kHighs;
    special |= zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\r'));
  }
  for (; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    high |= c & 0x80;
    special |= static_cast<uint64_t>(c == '"' || c == '\r');
  }
  kind.quote_or_cr = special != 0;
  kind.ascii = high == 0;
  return kind;
}

// A record on one line with no quote and no CR in it, split in place: what libcsv (strict, the
// delimiter ',' or ';') and OnField/OnRecord make of such a line, without copying its fields.
// `line` has no line end. A line of only spaces and tabs is blank, as libcsv skips it.
void FastRecord(absl::string_view line, char delimiter, Sink& s) {
  size_t lead = 0;  // spaces and tabs before anything else
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
  if (lead == line.size()) return;
  size_t start = 0;
  while (true) {
    const void* hit = std::memchr(line.data() + start, delimiter, line.size() - start);
    const size_t end = hit ? static_cast<const char*>(hit) - line.data() : line.size();
    absl::string_view field = line.substr(start, end - start);
    if (s.long_field < 0 && field.size() > kMaxFieldBytes) {
      // libcsv measures an unquoted field without the spaces and tabs around it.
      const size_t first = field.find_first_not_of(" \t");
      const size_t last = field.find_last_not_of(" \t");
      if (first != absl::string_view::npos && last - first + 1 > kMaxFieldBytes) {
        s.long_field = static_cast<int64_t>(s.fields);
      }
    }
    if (s.fields++ < s.keep && !s.stopped) s.views.push_back(absl::StripAsciiWhitespace(field));
    if (!hit) break;
    start = end + 1;
  }
  EndRecord(s);
}

// [+-]digits[.digits][(e|E)[+-]digits], with digits on at least one side of the point: what a
// spreadsheet writes. absl::SimpleAtod alone would also take "inf", "nan" and "infinity".
bool IsDecimal(absl::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < t.size() && absl::ascii_isdigit(static_cast<unsigned char>(t[i]))) ++i;
    return i - start;
  };
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  size_t mantissa = digits();
  if (i < t.size() && t[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == t.size();
}

// The encoding a byte-order mark names: Excel's "Unicode Text" and PowerShell's default are
// UTF-16 with one, which is never UTF-8, so it is read as what it says it is.
std::string EncodingOfBom(absl::string_view head) {
  if (absl::StartsWith(head, "\xFF\xFE") || absl::StartsWith(head, "\xFE\xFF")) return "UTF-16";
  return "";
}

// What a file that is not text at all is, from its first bytes, for an error that says what
// to do with it (a parse error on compressed or binary bytes helps nobody). A NUL byte is
// binary in UTF-8; a named encoding (UTF-16 has NULs) is left to the transcoder.
std::optional<std::string> NotText(absl::string_view head, bool nul_is_binary) {
  if (absl::StartsWith(head, "\x1F\x8B")) {
    return "is gzip-compressed, expected CSV text: decompress it first (gunzip)";
  }
  if (absl::StartsWith(head, "PK\x03\x04")) {
    return "is a ZIP archive (a zipped download, or an Excel workbook: only --practices reads "
           "one, named .xlsx), expected CSV text: unzip it, or save the sheet as CSV";
  }
  if (absl::StartsWith(head, "\xD0\xCF\x11\xE0")) {
    return "is an Excel 97-2003 workbook (.xls), expected CSV text: save the sheet as CSV";
  }
  if (absl::StartsWith(head, absl::string_view("SQLite format 3\0", 16))) {
    return "is an SQLite database (a GeoPackage?), expected CSV text";
  }
  if (const size_t nul = head.find('\0'); nul_is_binary && nul != absl::string_view::npos) {
    // UTF-16 without a byte-order mark has a NUL beside every ASCII character.
    const bool wide = head.size() >= 2 && (head[0] == '\0' || head[1] == '\0');
    return absl::StrCat("holds a NUL byte (byte ", nul + 1, "): binary data, expected CSV text",
                        wide ? " (UTF-16 without a byte-order mark? name it: --input-encoding "
                               "UTF-16LE or UTF-16BE)"
                             : "");
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<CsvTable> CsvTable::OpenFirstLine(const std::string& path, bool header,
                                                 const CsvOptions& options) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  if (fs::is_directory(st)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, expected a CSV file"));
  }
  // A device (/dev/zero), FIFO or socket never ends, or cannot be read twice (pcnv reads each
  // input again to hash it for the report's provenance).
  if (!fs::is_regular_file(st)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": is not a regular file (a device, FIFO or socket), expected a CSV file"));
  }
  if (fs::file_size(path, ec) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, header ? ": file is empty (expected a header)" : ": file is empty"));
  }

  // The delimiter comes from the header line, which is almost always in the first block.
  std::string head(kHeaderBlockBytes, '\0');
  {
    FilePtr file(std::fopen(path.c_str(), "rb"));
    if (!file) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
    }
    head.resize(std::fread(head.data(), 1, head.size(), file.get()));
    if (std::ferror(file.get())) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
    }
  }
  std::string encoding = IsUtf8Name(options.encoding) ? "" : options.encoding;
  if (encoding.empty()) encoding = EncodingOfBom(head);
  if (std::optional<std::string> what = NotText(head, encoding.empty())) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", *what));
  }
  if (!encoding.empty()) {
    absl::StatusOr<Transcoder> transcoder = Transcoder::Open(encoding, path);
    if (!transcoder.ok()) return transcoder.status();
    std::string utf8;
    if (absl::Status s = transcoder->Convert(head, false, utf8); !s.ok()) return s;
    head = std::move(utf8);
  }
  absl::string_view line = head;
  if (absl::StartsWith(line, kBom)) line.remove_prefix(kBom.size());
  line = line.substr(0, line.find_first_of("\r\n"));

  return CsvTable(path, DetectDelimiter(line), encoding, options.in_place);
}

absl::StatusOr<CsvTable> CsvTable::Open(const std::string& path, const CsvOptions& options) {
  absl::StatusOr<CsvTable> opened = OpenFirstLine(path, true, options);
  if (!opened.ok()) return opened.status();
  CsvTable& table = *opened;
  absl::Status s = table.Stream(
      std::numeric_limits<size_t>::max(), kHeaderBlockBytes, 1,
      [&](absl::Span<const absl::string_view> fields, size_t, int64_t) -> absl::Status {
        for (size_t i = 0; i < fields.size(); ++i) {
          table.columns_.emplace_back(fields[i].empty() ? absl::StrCat("field_", i + 1)
                                                        : std::string(fields[i]));
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  if (table.columns_.empty()) return table.FileError("no header line");
  return opened;
}

absl::StatusOr<CsvTable> CsvTable::OpenHeaderless(const std::string& path,
                                                  std::vector<std::string> columns,
                                                  const CsvOptions& options) {
  absl::StatusOr<CsvTable> opened = OpenFirstLine(path, false, options);
  if (!opened.ok()) return opened.status();
  opened->header_ = false;
  opened->columns_ = std::move(columns);
  return opened;
}

absl::Status CsvTable::Stream(size_t keep, size_t block_bytes, int64_t max_records,
                              RecordFn fn) const {
  FilePtr file(std::fopen(path_.c_str(), "rb"));
  if (!file) return FileError(absl::StrCat("cannot open: ", std::strerror(errno)));
  Parser parser;
  if (!parser.ok()) return FileError("out of memory starting the CSV parser");
  csv_set_delim(parser.get(), static_cast<unsigned char>(delimiter_));
  std::optional<Transcoder> transcoder;
  if (!encoding_.empty()) {
    absl::StatusOr<Transcoder> t = Transcoder::Open(encoding_, path_);
    if (!t.ok()) return t.status();
    transcoder.emplace(*std::move(t));
  }
  // Every field passed on is UTF-8 (transcoded or not): the writers downstream require it. A
  // line the in-place path found all ASCII needs no look.
  bool line_is_ascii = false;
  auto checked = [&](absl::Span<const absl::string_view> fields, size_t count,
                     int64_t record) -> absl::Status {
    for (size_t i = 0; !line_is_ascii && i < fields.size(); ++i) {
      if (std::optional<size_t> at = FirstInvalidUtf8(ToStd(fields[i]))) {
        return NotUtf8(record, i, fields[i], *at);
      }
    }
    return fn(fields, count, record);
  };
  Sink sink(keep, max_records, checked);

  // A quoting error is in the record being read: the header, or data row `sink.records`.
  auto record_error = [&](absl::string_view why) {
    return RecordError(sink.records, sink.fields, why);
  };
  const std::string too_long = absl::StrCat(
      "longer than ", kMaxFieldBytes >> 10,
      " KiB, more than a spreadsheet cell holds: is a quoted field not closed, or is this not a "
      "CSV file?");
  sink.too_long = [&](int64_t record, size_t index) {
    return RecordError(record, index, too_long);
  };
  auto parse_error = [&](bool at_end) {
    const int code = csv_error(parser.get());
    if (code != CSV_EPARSE) {
      return FileError(absl::StrCat("read error after row ", std::max<int64_t>(sink.records - 1, 0),
                                    ": ", csv_strerror(code)));
    }
    return record_error(
        at_end ? "malformed quoting: a quoted field is not closed by the end of the file"
               : "malformed quoting: a quote inside an unquoted field, or text after a closing "
                 "quote (quote the whole field and double the quotes inside it)");
  };

  // A UTF-8 file delimited by ',' or ';' (the NHS extracts) is mapped and read in place: lines
  // with no quote or CR are split here (FastRecord), the others go to libcsv, which also takes
  // every line from the start of a quoted field that runs onto the next lines to its end.
  // (Not for Open's header: mapping a whole file to read its first line costs more than it saves.)
  MappedFile mapped;
  if (in_place_ && !transcoder && max_records < 0 && (delimiter_ == ',' || delimiter_ == ';') &&
      mapped.Open(path_)) {
    absl::string_view data(mapped.data().data(), mapped.data().size());
    if (absl::StartsWith(data, kBom)) data.remove_prefix(kBom.size());
    size_t pos = 0;
    bool in_libcsv = false;  // libcsv holds part of a record
    while (pos < data.size()) {
      // A line longer than this goes to libcsv a block at a time, so that a file with no line
      // ends (or an unclosed quote) is refused within its first blocks, as on the read path.
      const size_t window = std::min(data.size() - pos, block_bytes);
      const void* nl = std::memchr(data.data() + pos, '\n', window);
      size_t next = nl ? static_cast<const char*>(nl) - data.data() + 1 : pos + window;
      absl::string_view line = data.substr(pos, next - pos);
      const bool whole_line = nl != nullptr || next == data.size();
      if (!in_libcsv && whole_line) {
        absl::string_view body = line;
        if (absl::EndsWith(body, "\n")) body.remove_suffix(1);
        if (absl::EndsWith(body, "\r")) body.remove_suffix(1);
        const LineKind kind = ClassifyLine(body);
        if (!kind.quote_or_cr) {
          line_is_ascii = kind.ascii;
          FastRecord(body, delimiter_, sink);
          line_is_ascii = false;
          if (sink.stopped) return sink.status;
          pos = next;
          continue;
        }
      }
      const size_t parsed =
          csv_parse(parser.get(), line.data(), line.size(), OnField, OnRecord, &sink);
      if (sink.stopped) return sink.status;
      if (parsed != line.size()) return parse_error(false);
      if (parser.get()->entry_pos > kMaxFieldBytes) return record_error(too_long);
      // libcsv's state 0 (ROW_NOT_BEGUN in libcsv.c): between records.
      in_libcsv = parser.get()->pstate != 0;
      pos = next;
    }
    if (csv_fini(parser.get(), OnField, OnRecord, &sink) != 0) return parse_error(true);
    return sink.status;
  }

  std::unique_ptr<char[]> block(new char[block_bytes]);
  std::string utf8;  // the block transcoded, when the file is not UTF-8
  bool first = true;
  while (true) {
    const size_t n = std::fread(block.get(), 1, block_bytes, file.get());
    if (n == 0 && std::ferror(file.get())) {
      return FileError(absl::StrCat("read error after row ", std::max<int64_t>(sink.records - 1, 0),
                                    ": ", std::strerror(errno)));
    }
    absl::string_view data(block.get(), n);
    if (transcoder) {
      utf8.clear();
      if (absl::Status s = transcoder->Convert(data, n == 0, utf8); !s.ok()) return s;
      data = utf8;
    }
    if (n == 0) break;
    if (first && absl::StartsWith(data, kBom)) data.remove_prefix(kBom.size());
    first = false;
    const size_t parsed =
        csv_parse(parser.get(), data.data(), data.size(), OnField, OnRecord, &sink);
    if (sink.stopped) return sink.status;
    if (parsed != data.size()) return parse_error(false);
    // The field being read (entry_pos: its bytes so far) has not ended in this block.
    if (parser.get()->entry_pos > kMaxFieldBytes) return record_error(too_long);
  }
  if (csv_fini(parser.get(), OnField, OnRecord, &sink) != 0) return parse_error(true);
  return sink.status;
}

absl::Status CsvTable::RecordError(int64_t record, size_t index, absl::string_view why) const {
  if (header_ && record == 0) return FileError(absl::StrCat("header: ", why));
  return RowError(static_cast<int>(header_ ? record : record + 1), FieldName(index), why);
}

absl::Status CsvTable::NotUtf8(int64_t record, size_t index, absl::string_view field,
                               size_t at) const {
  return RecordError(
      record, index,
      absl::StrCat(NotUtf8Why(ToStd(field), at),
                   encoding_.empty()
                       ? "; save the file as UTF-8, or name its encoding (--input-encoding "
                         "windows-1252 for a CSV saved by Excel on Windows)"
                       : ""));
}

std::string CsvTable::FieldName(size_t index) const {
  if (index < columns_.size()) return columns_[index];
  return absl::StrCat(index + 1, " (past the header's ", columns_.size(), ")");
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
  const size_t ncols = columns_.size();
  int64_t rows = 0;
  absl::Status s =
      Stream(ncols, kBlockBytes, -1,
             [&](absl::Span<const absl::string_view> fields, size_t count, int64_t record) {
               if (header_ && record == 0) return absl::OkStatus();  // the header, read by Open
               const int64_t number = header_ ? record : record + 1;
               rows = number;
               CsvRow row(fields.data(), static_cast<int>(number));
               if (count < ncols) {
                 return RowError(row, static_cast<int>(count),
                                 absl::StrCat("missing: the row has ", count,
                                              header_ ? " of the header's " : " of the ", ncols,
                                              " fields (truncated row?)"));
               }
               // Taking the first fields would read a shifted row as if it were not.
               if (count > ncols) {
                 return RowError(
                     static_cast<int>(number), FieldName(ncols),
                     absl::StrCat("the row has ", count, " fields, ",
                                  header_ ? "the header " : "the format ", ncols,
                                  ": an unquoted delimiter inside a field (a comma in a name?) "
                                  "shifts the fields after it; quote such fields"));
               }
               return fn(row);
             });
  rows_read_ = rows;
  return s;
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
    return RowError(row, column,
                    absl::StrCat("'", EscapeForMessage(ToStd(text)), "' is not a whole number"));
  }
  if (value < 0) return RowError(row, column, absl::StrCat("'", text, "' is negative"));
  return value;
}

absl::StatusOr<int64_t> CsvTable::Patients(const CsvRow& row, int column) const {
  absl::StatusOr<int64_t> n = Count(row, column);
  if (!n.ok()) return n.status();
  if (absl::Status s = CheckPatients(*n); !s.ok()) {
    return RowError(row, column, absl::StrCat("'", row.Get(column), "': ", s.message()));
  }
  return n;
}

absl::StatusOr<double> CsvTable::Number(const CsvRow& row, int column) const {
  absl::string_view text = row.Get(column);
  if (text.empty()) return RowError(row, column, "is empty, expected a number");
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) {
    return RowError(row, column,
                    absl::StrCat("'", EscapeForMessage(ToStd(text)), "' is not a number"));
  }
  // "inf", "nan" and numbers past a double's range ("1e400") parse as infinite or NaN.
  if (!std::isfinite(value)) {
    return RowError(row, column, absl::StrCat("'", text, "' is not a finite number"));
  }
  if (!IsDecimal(text)) {
    return RowError(row, column,
                    absl::StrCat("'", EscapeForMessage(ToStd(text)),
                                 "' is not a number written in decimal digits"));
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
