// Readers for the ODS publications about PCNs, as commissioners download them:
//  - the ePCN workbook (ePCN.xlsx) and its sheets exported as CSV: "PCN Core Partner Details"
//    (practice -> PCN relationships with start and end dates) and "PCN Details" (each PCN's
//    name and current CCG / sub-ICB location);
//  - the practice register epraccur.csv (no header line; the 27 fields of ODS's "standard
//    format", epraccur_spec.pdf): code, name, postcode, status, open/close dates, prescribing
//    setting.
// As every reader in geo/io: everything read or an error naming the file (and sheet), the row
// (1-based data row; the header not counted; epraccur's row N is its Nth line) and the field.
// ODS publishes dates as YYYYMMDD; they come back as YYYY-MM-DD.
#ifndef PCNV_GEO_IO_ODS_H_
#define PCNV_GEO_IO_ODS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/io/readers.h"
#include "geo/model.h"

namespace pcnv::io {

// The sheet names of the ePCN workbook, as ODS publishes them.
inline constexpr char kEpcnPartnerSheet[] = "PCN Core Partner Details";
inline constexpr char kEpcnPcnSheet[] = "PCN Details";

// What a --practices file is, from its extension (.xlsx, .xlsm) or its header row.
enum class PracticeFileKind {
  kPracticeMap,     // gp-reg-pat-prac-map.csv or plain practice_code,pcn_code (ReadPracticeMap)
  kEpcnPartners,    // "PCN Core Partner Details" as CSV (Partner Organisation Code, PCN Code, ...)
  kEpcnPcnDetails,  // "PCN Details" as CSV (PCN Code, PCN Name, no practice column)
  kEpcnWorkbook,    // the ePCN .xlsx itself
};
absl::StatusOr<PracticeFileKind> DetectPracticeFile(const std::string& path,
                                                    const CsvOptions& options = {});

// One row of "PCN Core Partner Details". `membership` has the practice code and name (Partner
// Name), the PCN code and name, and as declared parent (sub_icb_code) the PCN Parent CCG Code.
struct EpcnPartner {
  Membership membership;
  std::string start;  // Practice to PCN Relationship Start Date, YYYY-MM-DD
  std::string end;    // ... End Date, YYYY-MM-DD; empty: still in force
};

// One row of "PCN Details".
struct EpcnPcn {
  std::string code;
  std::string name;
  std::string ccg_code;  // Current Clinical Commissioning Group Code (ODS; a sub-ICB code later)
  std::string ccg_name;
  std::string open_date;   // YYYY-MM-DD, or empty when the column is absent or blank
  std::string close_date;  // YYYY-MM-DD, or empty
  int row = 0;
};

struct Epcn {
  std::vector<EpcnPartner> partners;
  std::optional<std::vector<EpcnPcn>> pcns;  // the PCN Details, when given
  std::string partners_source;               // "FILE" or "FILE sheet 'PCN Core Partner Details'"
};

// The CSV exports of the two sheets.
absl::StatusOr<std::vector<EpcnPartner>> ReadEpcnPartners(const std::string& path,
                                                          const CsvOptions& options = {});
absl::StatusOr<std::vector<EpcnPcn>> ReadEpcnPcnDetails(const std::string& path,
                                                        const CsvOptions& options = {});
// The workbook through GDAL's XLSX driver (each sheet a layer; the first row is the header,
// every cell read as text). Both sheets are required; dates may be text (YYYYMMDD) or date
// cells.
absl::StatusOr<Epcn> ReadEpcnWorkbook(const std::string& path);

// The memberships in force on `as_of` (YYYY-MM-DD): start <= as_of and (no end or end >=
// as_of). With the PCN Details, each PCN's name and CCG (the declared parent NEST002 compares)
// come from there; a PCN missing from them keeps what the partner row says.
struct EpcnAtDate {
  std::vector<Membership> memberships;
  int64_t rows = 0;         // partner rows read
  int64_t ended = 0;        // rows whose relationship ended before as_of
  int64_t not_started = 0;  // rows whose relationship starts after as_of
};
EpcnAtDate EpcnMembershipsAt(const Epcn& epcn, std::string_view as_of);

// epraccur.csv. A row whose code is not an ODS code (a header line, say) is an error, as is a
// status other than A, C, D or P, a date that is not YYYYMMDD or a prescribing setting that is
// not a whole number; a code listed twice is an error naming both rows.
absl::StatusOr<std::vector<RegisteredPractice>> ReadPracticeRegister(
    const std::string& path, const CsvOptions& options = {});

// Fills each membership's blank practice name and postcode from the register (the ePCN sheets
// carry no practice postcode, and the engine geocodes practices by postcode). Returns how many
// memberships got a postcode.
int64_t FillFromRegister(std::vector<Membership>& memberships,
                         const std::vector<RegisteredPractice>& register_rows);

// A date as ODS writes it (YYYYMMDD), or as a spreadsheet cell read as text may show it
// (YYYY-MM-DD or YYYY/MM/DD, optionally followed by a time), as YYYY-MM-DD; nullopt when it
// is not a real calendar date.
std::optional<std::string> ParseOdsDate(std::string_view text);

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_ODS_H_
