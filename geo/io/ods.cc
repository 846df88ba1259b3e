// The ODS readers: the ePCN sheets (CSV exports or the workbook through GDAL's XLSX driver)
// and epraccur.csv. Both ePCN forms are read into one in-memory Sheet (the files are a few MB)
// so that the column matching, date parsing and error wording are shared.
#include "geo/io/ods.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/io/csv_table.h"
#include "geo/io/gdal_util.h"
#include "geo/io/readers.h"
#include "geo/io/versions.h"

namespace pcnv::io {
namespace {

namespace fs = std::filesystem;

// The ePCN column names (matched case-insensitively). Later workbooks name sub-ICB locations
// where 2022's name CCGs; both are accepted.
constexpr absl::string_view kPartnerCode = "Partner Organisation Code";
constexpr absl::string_view kPcnCode = "PCN Code";

// A table held in memory: the header's names and every data row's fields as text.
struct Sheet {
  struct Row {
    int number = 0;  // 1-based data row, the header not counted
    std::vector<std::string> fields;
    absl::string_view Get(int column) const {
      return column < 0 ? absl::string_view() : absl::string_view(fields[column]);
    }
  };

  std::string where;  // "FILE" or "FILE sheet 'NAME'", the start of every error
  std::vector<std::string> columns;
  std::vector<Row> rows;

  int Find(std::initializer_list<absl::string_view> names) const {
    for (absl::string_view name : names) {
      for (size_t i = 0; i < columns.size(); ++i) {
        if (absl::EqualsIgnoreCase(columns[i], name)) return static_cast<int>(i);
      }
    }
    return -1;
  }
  absl::StatusOr<int> Require(std::initializer_list<absl::string_view> names) const {
    const int column = Find(names);
    if (column >= 0) return column;
    return FileError(absl::StrCat("missing required column ", absl::StrJoin(names, " or "),
                                  " (columns found: ", absl::StrJoin(columns, ", "), ")"));
  }
  absl::Status RowError(const Row& row, int column, absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(where, " row ", row.number, ": field ",
                                                   column >= 0 ? columns[column] : "?", ": ",
                                                   message));
  }
  absl::Status FileError(absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
  }
  absl::StatusOr<std::string> NonEmpty(const Row& row, int column, absl::string_view what) const {
    absl::string_view text = row.Get(column);
    if (text.empty()) return RowError(row, column, absl::StrCat("empty ", what));
    return std::string(text);
  }
  // A date field: YYYY-MM-DD, or "" when blank and `required` is false.
  absl::StatusOr<std::string> Date(const Row& row, int column, bool required) const {
    absl::string_view text = row.Get(column);
    if (text.empty()) {
      if (!required) return std::string();
      return RowError(row, column, "is empty, expected a date (YYYYMMDD)");
    }
    std::optional<std::string> date = ParseOdsDate(ToStd(text));
    if (!date) {
      return RowError(row, column,
                      absl::StrCat("'", text,
                                   "' is not a date (expected YYYYMMDD, as ODS publishes it, "
                                   "e.g. 20191001, or YYYY-MM-DD)"));
    }
    return *date;
  }
};

absl::StatusOr<Sheet> CsvSheet(const std::string& path, const CsvOptions& options) {
  absl::StatusOr<CsvTable> table = CsvTable::Open(path, options);
  if (!table.ok()) return table.status();
  Sheet sheet;
  sheet.where = path;
  sheet.columns = table->columns();
  absl::Status s = table->ForEachRow([&](const CsvRow& row) -> absl::Status {
    Sheet::Row r;
    r.number = row.number();
    r.fields.reserve(sheet.columns.size());
    for (size_t i = 0; i < sheet.columns.size(); ++i) {
      r.fields.emplace_back(row.Get(static_cast<int>(i)));
    }
    sheet.rows.push_back(std::move(r));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (sheet.rows.empty()) return sheet.FileError("has a header but no data rows");
  return sheet;
}

// Sets GDAL configuration options on this thread only, restoring the previous values on exit.
class ThreadConfig {
 public:
  ThreadConfig(std::initializer_list<std::pair<const char*, const char*>> options) {
    for (const auto& [key, value] : options) {
      const char* old = CPLGetThreadLocalConfigOption(key, nullptr);
      saved_.emplace_back(key, old ? std::optional<std::string>(old) : std::nullopt);
      CPLSetThreadLocalConfigOption(key, value);
    }
  }
  ~ThreadConfig() {
    for (const auto& [key, old] : saved_) {
      CPLSetThreadLocalConfigOption(key.c_str(), old ? old->c_str() : nullptr);
    }
  }
  ThreadConfig(const ThreadConfig&) = delete;
  ThreadConfig& operator=(const ThreadConfig&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// A cell as text. A date cell (when the driver types one despite FIELD_TYPES=STRING) comes back
// as YYYY-MM-DD, which ParseOdsDate accepts.
std::string CellText(OGRFeatureH f, int i, OGRFieldType type) {
  if (!OGR_F_IsFieldSetAndNotNull(f, i)) return "";
  if (type == OFTDate || type == OFTDateTime) {
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
    float ss = 0;
    if (OGR_F_GetFieldAsDateTimeEx(f, i, &y, &m, &d, &hh, &mm, &ss, &tz)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
      return buf;
    }
  }
  return std::string(absl::StripAsciiWhitespace(OGR_F_GetFieldAsString(f, i)));
}

// One sheet of an open workbook. Blank rows (every cell empty) are skipped, as blank lines are
// in a CSV, but still counted so that row numbers are those below the header.
absl::StatusOr<Sheet> WorkbookSheet(GDALDatasetH ds, const std::string& path,
                                    absl::string_view name) {
  OGRLayerH layer = nullptr;
  std::vector<std::string> names;
  for (int i = 0; i < GDALDatasetGetLayerCount(ds); ++i) {
    OGRLayerH l = GDALDatasetGetLayer(ds, i);
    names.push_back(absl::StrCat("'", OGR_L_GetName(l), "'"));
    if (layer == nullptr &&
        absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(OGR_L_GetName(l)), name)) {
      layer = l;
    }
  }
  if (layer == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no sheet named '", name,
                                                   "' (sheets found: ", absl::StrJoin(names, ", "),
                                                   "); is this the ePCN workbook?"));
  }
  Sheet sheet;
  sheet.where = absl::StrCat(path, " sheet '", OGR_L_GetName(layer), "'");
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  const int n = OGR_FD_GetFieldCount(defn);
  std::vector<OGRFieldType> types;
  for (int i = 0; i < n; ++i) {
    OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
    sheet.columns.emplace_back(absl::StripAsciiWhitespace(OGR_Fld_GetNameRef(fd)));
    types.push_back(OGR_Fld_GetType(fd));
  }
  OGR_L_ResetReading(layer);
  int number = 0;
  for (gdal::FeaturePtr f(OGR_L_GetNextFeature(layer)); f; f.reset(OGR_L_GetNextFeature(layer))) {
    Sheet::Row row;
    row.number = ++number;
    bool blank = true;
    for (int i = 0; i < n; ++i) {
      row.fields.push_back(CellText(f.get(), i, types[i]));
      blank = blank && row.fields.back().empty();
    }
    if (!blank) sheet.rows.push_back(std::move(row));
  }
  if (sheet.rows.empty()) return sheet.FileError("has a header but no data rows");
  return sheet;
}

// The most a workbook may hold unzipped. NHS Digital's national ePCN workbook is about 1 MB
// zipped and a few MB of XML; GDAL's XLSX driver keeps every cell in memory (about three
// times the XML), so a small "zip bomb" of a few MB holding gigabytes of rows would take
// minutes and all the memory there is.
constexpr int64_t kMaxWorkbookUnzippedBytes = int64_t{128} << 20;

// The workbook's size unzipped, counted by inflating it (a ZIP directory's sizes can lie, and
// GDAL reads past them), stopping once past the limit; an error when that is too much.
absl::Status CheckWorkbookSize(const std::string& path) {
  const std::string zip = absl::StrCat("/vsizip/{", path, "}");
  char** members = VSIReadDirRecursive(zip.c_str());
  int64_t total = 0;
  std::vector<char> buffer(size_t{1} << 20);
  for (int i = 0; members != nullptr && members[i] != nullptr; ++i) {
    VSILFILE* member = VSIFOpenL(absl::StrCat(zip, "/", members[i]).c_str(), "rb");
    if (member == nullptr) continue;  // a folder; GDAL says what else is wrong when it opens
    size_t n = 0;
    while (total <= kMaxWorkbookUnzippedBytes &&
           (n = VSIFReadL(buffer.data(), 1, buffer.size(), member)) > 0) {
      total += static_cast<int64_t>(n);
    }
    VSIFCloseL(member);
  }
  CSLDestroy(members);
  if (total > kMaxWorkbookUnzippedBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": holds more than ", kMaxWorkbookUnzippedBytes >> 20,
        " MiB unzipped, the most pcnv reads from a workbook (the national ePCN workbook is a few "
        "MiB): is it the ePCN workbook? Export its two sheets as CSV to read a bigger one"));
  }
  return absl::OkStatus();
}

bool IsWorkbookPath(const std::string& path) {
  const std::string ext = absl::AsciiStrToLower(fs::path(path).extension().string());
  return ext == ".xlsx" || ext == ".xlsm";
}

bool IsPartnerHeader(const CsvTable& t) { return t.Find({kPartnerCode}) >= 0; }

absl::StatusOr<std::vector<EpcnPartner>> PartnersFromSheet(const Sheet& t) {
  absl::StatusOr<int> c_practice = t.Require({kPartnerCode});
  if (!c_practice.ok()) return c_practice.status();
  absl::StatusOr<int> c_pcn = t.Require({kPcnCode});
  if (!c_pcn.ok()) return c_pcn.status();
  absl::StatusOr<int> c_start = t.Require({"Practice to PCN Relationship Start Date"});
  if (!c_start.ok()) return c_start.status();
  const int c_end = t.Find({"Practice to PCN Relationship End Date"});
  const int c_name = t.Find({"Partner Name"});
  const int c_pcn_name = t.Find({"PCN Name"});
  const int c_parent = t.Find(
      {"PCN Parent CCG Code", "PCN Parent Sub ICB Location Code", "PCN Parent Sub ICB Code"});

  std::vector<EpcnPartner> out;
  out.reserve(t.rows.size());
  for (const Sheet::Row& row : t.rows) {
    EpcnPartner p;
    Membership& m = p.membership;
    m.row = row.number;
    absl::StatusOr<std::string> code = t.NonEmpty(row, *c_practice, "practice code");
    if (!code.ok()) return code.status();
    m.practice_code = std::move(*code);
    // An empty PCN code is data, not a read error: MEM001 reports the practice.
    m.pcn_code = std::string(row.Get(*c_pcn));
    m.practice_name = std::string(row.Get(c_name));
    m.pcn_name = std::string(row.Get(c_pcn_name));
    m.sub_icb_code = std::string(row.Get(c_parent));
    absl::StatusOr<std::string> start = t.Date(row, *c_start, /*required=*/true);
    if (!start.ok()) return start.status();
    p.start = std::move(*start);
    absl::StatusOr<std::string> end = t.Date(row, c_end, /*required=*/false);
    if (!end.ok()) return end.status();
    p.end = std::move(*end);
    if (!p.end.empty() && p.end < p.start) {
      return t.RowError(row, c_end,
                        absl::StrCat("'", row.Get(c_end), "' is before the start date ",
                                     row.Get(*c_start), " in ", t.columns[*c_start]));
    }
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<std::vector<EpcnPcn>> PcnsFromSheet(const Sheet& t) {
  absl::StatusOr<int> c_code = t.Require({kPcnCode});
  if (!c_code.ok()) return c_code.status();
  absl::StatusOr<int> c_name = t.Require({"PCN Name"});
  if (!c_name.ok()) return c_name.status();
  const int c_ccg =
      t.Find({"Current Clinical Commissioning Group Code", "Current Sub ICB Location Code",
              "Clinical Commissioning Group Code", "Sub ICB Location Code"});
  const int c_ccg_name =
      t.Find({"Clinical Commissioning Group Name", "Current Clinical Commissioning Group Name",
              "Sub ICB Location Name", "Current Sub ICB Location Name"});
  const int c_open = t.Find({"Open Date"}), c_close = t.Find({"Close Date"});

  std::vector<EpcnPcn> out;
  out.reserve(t.rows.size());
  std::map<std::string, int> first_row;
  for (const Sheet::Row& row : t.rows) {
    EpcnPcn p;
    p.row = row.number;
    absl::StatusOr<std::string> code = t.NonEmpty(row, *c_code, "PCN code");
    if (!code.ok()) return code.status();
    p.code = std::move(*code);
    if (auto [it, inserted] = first_row.emplace(p.code, row.number); !inserted) {
      return t.RowError(
          row, *c_code,
          absl::StrCat("PCN ", p.code, " is listed again (first on row ", it->second, ")"));
    }
    p.name = std::string(row.Get(*c_name));
    p.ccg_code = std::string(row.Get(c_ccg));
    p.ccg_name = std::string(row.Get(c_ccg_name));
    absl::StatusOr<std::string> open = t.Date(row, c_open, false);
    if (!open.ok()) return open.status();
    p.open_date = std::move(*open);
    absl::StatusOr<std::string> close = t.Date(row, c_close, false);
    if (!close.ok()) return close.status();
    p.close_date = std::move(*close);
    if (!p.open_date.empty() && !p.close_date.empty() && p.close_date < p.open_date) {
      return t.RowError(
          row, c_close,
          absl::StrCat("'", row.Get(c_close), "' is before the open date ", row.Get(c_open)));
    }
    out.push_back(std::move(p));
  }
  return out;
}

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int DaysIn(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// ODS codes: letters and digits, 3 to 10 of them (practices are 6: A81001, Y12345).
bool IsOdsCode(absl::string_view s) {
  return s.size() >= 3 && s.size() <= 10 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(c) != 0; });
}

// epraccur's 27 fields (epraccur_spec.pdf, "standard 27 field format"), named with their
// 1-based column so that an error points into a file without a header.
std::vector<std::string> EpraccurColumns() {
  static constexpr const char* kNames[] = {"Organisation Code",
                                           "Name",
                                           "National Grouping",
                                           "High Level Health Geography",
                                           "Address Line 1",
                                           "Address Line 2",
                                           "Address Line 3",
                                           "Address Line 4",
                                           "Address Line 5",
                                           "Postcode",
                                           "Open Date",
                                           "Close Date",
                                           "Status Code",
                                           "Organisation Sub-Type Code",
                                           "Commissioner",
                                           "Join Provider/Purchaser Date",
                                           "Left Provider/Purchaser Date",
                                           "Contact Telephone Number",
                                           "Null",
                                           "Null",
                                           "Null",
                                           "Amended Record Indicator",
                                           "Null",
                                           "Provider/Purchaser",
                                           "Null",
                                           "Prescribing Setting",
                                           "Null"};
  std::vector<std::string> out;
  out.reserve(std::size(kNames));
  for (size_t i = 0; i < std::size(kNames); ++i) {
    out.push_back(absl::StrCat(kNames[i], " (column ", i + 1, ")"));
  }
  return out;
}

// 0-based columns of the fields read.
constexpr int kRegCode = 0, kRegName = 1, kRegPostcode = 9, kRegOpen = 10, kRegClose = 11,
              kRegStatus = 12, kRegCommissioner = 14, kRegSetting = 25;

}  // namespace

std::optional<std::string> ParseOdsDate(std::string_view raw) {
  absl::string_view text = absl::StripAsciiWhitespace(absl::string_view(raw.data(), raw.size()));
  absl::string_view y, m, d;
  if (text.size() == 8 && IsDigits(text)) {
    y = text.substr(0, 4), m = text.substr(4, 2), d = text.substr(6, 2);
  } else if (text.size() >= 10 && (text[4] == '-' || text[4] == '/') && text[7] == text[4]) {
    // A spreadsheet date read as text may carry a time: "2019/10/01 00:00:00".
    if (text.size() > 10 && text[10] != ' ' && text[10] != 'T') return std::nullopt;
    y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  } else {
    return std::nullopt;
  }
  int year = 0, month = 0, day = 0;
  if (!IsDigits(y) || !IsDigits(m) || !IsDigits(d) || !absl::SimpleAtoi(y, &year) ||
      !absl::SimpleAtoi(m, &month) || !absl::SimpleAtoi(d, &day)) {
    return std::nullopt;
  }
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > DaysIn(year, month)) {
    return std::nullopt;
  }
  return absl::StrCat(y, "-", m, "-", d);
}

absl::StatusOr<PracticeFileKind> DetectPracticeFile(const std::string& path,
                                                    const CsvOptions& options) {
  if (IsWorkbookPath(path)) return PracticeFileKind::kEpcnWorkbook;
  absl::StatusOr<CsvTable> t = CsvTable::Open(path, options);
  if (!t.ok()) return t.status();
  if (IsPartnerHeader(*t)) return PracticeFileKind::kEpcnPartners;
  if (t->Find({kPcnCode}) >= 0 && t->Find({"PCN Name"}) >= 0 && t->Find({"PRACTICE_CODE"}) < 0) {
    return PracticeFileKind::kEpcnPcnDetails;
  }
  return PracticeFileKind::kPracticeMap;
}

absl::StatusOr<std::vector<EpcnPartner>> ReadEpcnPartners(const std::string& path,
                                                          const CsvOptions& options) {
  absl::StatusOr<Sheet> sheet = CsvSheet(path, options);
  if (!sheet.ok()) return sheet.status();
  return PartnersFromSheet(*sheet);
}

absl::StatusOr<std::vector<EpcnPcn>> ReadEpcnPcnDetails(const std::string& path,
                                                        const CsvOptions& options) {
  absl::StatusOr<Sheet> sheet = CsvSheet(path, options);
  if (!sheet.ok()) return sheet.status();
  return PcnsFromSheet(*sheet);
}

absl::StatusOr<Epcn> ReadEpcnWorkbook(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  EnsureGdalRegistered();
  gdal::QuietErrors quiet;
  if (absl::Status s = CheckWorkbookSize(path); !s.ok()) return s;
  // GDAL 3.6's XLSX driver takes these as configuration options, not open options: the first
  // row is the header whatever its cells hold, and every cell is text (codes such as 00K stay
  // codes, dates keep their digits).
  ThreadConfig config({{"OGR_XLSX_HEADERS", "FORCE"}, {"OGR_XLSX_FIELD_TYPES", "STRING"}});
  const char* const drivers[] = {"XLSX", nullptr};
  gdal::DatasetPtr ds(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
  if (!ds) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": cannot be read as an .xlsx workbook (", gdal::LastError("not an XLSX file"),
        "); export the sheets as CSV or save the workbook as .xlsx"));
  }
  Epcn out;
  absl::StatusOr<Sheet> partners = WorkbookSheet(ds.get(), path, kEpcnPartnerSheet);
  if (!partners.ok()) return partners.status();
  absl::StatusOr<Sheet> pcns = WorkbookSheet(ds.get(), path, kEpcnPcnSheet);
  if (!pcns.ok()) return pcns.status();
  out.partners_source = partners->where;
  absl::StatusOr<std::vector<EpcnPartner>> p = PartnersFromSheet(*partners);
  if (!p.ok()) return p.status();
  out.partners = std::move(*p);
  absl::StatusOr<std::vector<EpcnPcn>> d = PcnsFromSheet(*pcns);
  if (!d.ok()) return d.status();
  out.pcns = std::move(*d);
  return out;
}

EpcnAtDate EpcnMembershipsAt(const Epcn& epcn, std::string_view as_of) {
  absl::flat_hash_map<std::string, const EpcnPcn*> pcns;
  if (epcn.pcns) {
    for (const EpcnPcn& p : *epcn.pcns) pcns[p.code] = &p;
  }
  EpcnAtDate out;
  out.rows = static_cast<int64_t>(epcn.partners.size());
  for (const EpcnPartner& p : epcn.partners) {
    // ISO dates compare as strings.
    if (p.start > as_of) {
      ++out.not_started;
      continue;
    }
    if (!p.end.empty() && p.end < as_of) {
      ++out.ended;
      continue;
    }
    Membership m = p.membership;
    if (auto it = pcns.find(m.pcn_code); it != pcns.end()) {
      if (!it->second->name.empty()) m.pcn_name = it->second->name;
      if (!it->second->ccg_code.empty()) m.sub_icb_code = it->second->ccg_code;
    }
    out.memberships.push_back(std::move(m));
  }
  return out;
}

absl::StatusOr<std::vector<RegisteredPractice>> ReadPracticeRegister(const std::string& path,
                                                                     const CsvOptions& options) {
  absl::StatusOr<CsvTable> table = CsvTable::OpenHeaderless(path, EpraccurColumns(), options);
  if (!table.ok()) return table.status();
  const CsvTable& t = *table;
  std::vector<RegisteredPractice> out;
  absl::flat_hash_map<std::string, int> first_row;
  auto date = [&](const CsvRow& row, int column, bool required) -> absl::StatusOr<std::string> {
    absl::string_view text = row.Get(column);
    if (text.empty()) {
      if (!required) return std::string();
      return t.RowError(row, column, "is empty, expected a date (YYYYMMDD)");
    }
    std::optional<std::string> d = ParseOdsDate(ToStd(text));
    if (!d) {
      return t.RowError(
          row, column,
          absl::StrCat("'", text, "' is not a date (expected YYYYMMDD, e.g. 19740401)"));
    }
    return *d;
  };
  absl::Status s = t.ForEachRow([&](const CsvRow& row) -> absl::Status {
    RegisteredPractice p;
    p.row = row.number();
    absl::string_view code = row.Get(kRegCode);
    if (!IsOdsCode(code)) {
      return t.RowError(row, kRegCode,
                        absl::StrCat("'", code,
                                     "' is not an ODS code (epraccur.csv has no header line; "
                                     "is this the practice register?)"));
    }
    p.code = std::string(code);
    if (auto [it, inserted] = first_row.emplace(p.code, p.row); !inserted) {
      return t.RowError(
          row, kRegCode,
          absl::StrCat("practice ", p.code, " is listed again (first on row ", it->second, ")"));
    }
    p.name = std::string(row.Get(kRegName));
    p.postcode = NormalisePostcode(ToStd(row.Get(kRegPostcode)));
    absl::string_view status = row.Get(kRegStatus);
    if (status.size() != 1 || !absl::StrContains("ACDP", status)) {
      return t.RowError(row, kRegStatus,
                        absl::StrCat("'", status,
                                     "' is not a status code (A active, C closed, D dormant, P "
                                     "proposed)"));
    }
    p.status = status[0];
    absl::StatusOr<std::string> open = date(row, kRegOpen, /*required=*/true);
    if (!open.ok()) return open.status();
    p.open_date = std::move(*open);
    absl::StatusOr<std::string> close = date(row, kRegClose, /*required=*/false);
    if (!close.ok()) return close.status();
    p.close_date = std::move(*close);
    p.commissioner = std::string(row.Get(kRegCommissioner));
    absl::StatusOr<int64_t> setting = t.Count(row, kRegSetting);
    if (!setting.ok()) return setting.status();
    if (*setting > 99) {
      return t.RowError(row, kRegSetting,
                        absl::StrCat("'", row.Get(kRegSetting),
                                     "' is not a prescribing setting (0 to 99; 4 = GP practice)"));
    }
    p.prescribing_setting = static_cast<int>(*setting);
    out.push_back(std::move(p));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (out.empty()) return t.FileError("has no rows");
  return out;
}

int64_t FillFromRegister(std::vector<Membership>& memberships,
                         const std::vector<RegisteredPractice>& register_rows) {
  absl::flat_hash_map<std::string, const RegisteredPractice*> by_code;
  for (const RegisteredPractice& p : register_rows) by_code[p.code] = &p;
  int64_t filled = 0;
  for (Membership& m : memberships) {
    auto it = by_code.find(m.practice_code);
    if (it == by_code.end()) continue;
    if (m.practice_name.empty()) m.practice_name = it->second->name;
    if (m.practice_postcode.empty() && !it->second->postcode.empty()) {
      m.practice_postcode = it->second->postcode;
      ++filled;
    }
  }
  return filled;
}

}  // namespace pcnv::io
