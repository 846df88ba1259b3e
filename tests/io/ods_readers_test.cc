// The ODS readers (geo/io/ods.h) on small fixtures: the ePCN sheets as CSV and as an .xlsx built
// here with GDAL's XLSX driver, the relationships in force on a date, and epraccur.csv; every
// malformed case names the file (and sheet), the row and the field.
#include <cpl_vsi.h>

#include <string>
#include <vector>

#include "geo/io/ods.h"
#include "gtest/gtest.h"
#include "tests/io/io_test_util.h"
#include "tests/support/test_support.h"
#include "tests/support/xlsx_fixture.h"

namespace pcnv::io {
namespace {

using ::pcnv::testing::ExpectError;
using ::pcnv::testing::ExpectInvalid;
using ::pcnv::testing::SheetFixture;
using ::pcnv::testing::TempDir;
using ::pcnv::testing::WriteFile;

const std::vector<std::string> kPartnerHeader = {"Partner Organisation Code",
                                                 "Partner Name",
                                                 "Practice Parent CCG Code",
                                                 "Practice Parent CCG Name",
                                                 "PCN Code",
                                                 "PCN Name",
                                                 "PCN Parent CCG Code",
                                                 "PCN Parent CCG Name",
                                                 "Practice to PCN Relationship Start Date",
                                                 "Practice to PCN Relationship End Date",
                                                 "Practice CCG and PCN CCG Match"};

// A01001 moved from U00001 to U00002 on 2021-04-01; A01002 joined U00002 in 2019; A01003 joins
// U00001 only on 2022-06-01.
const std::vector<std::vector<std::string>> kPartnerRows = {
    {"A01001", "FIRST SURGERY", "01A", "NHS ONE CCG", "U00001", "ONE PCN", "01A", "NHS ONE CCG",
     "20190701", "20210331", "True"},
    {"A01001", "FIRST SURGERY", "01A", "NHS ONE CCG", "U00002", "TWO PCN", "01A", "NHS ONE CCG",
     "20210401", "", "True"},
    {"A01002", "SECOND SURGERY", "01A", "NHS ONE CCG", "U00002", "TWO PCN", "01A", "NHS ONE CCG",
     "20190701", "", "True"},
    {"A01003", "THIRD SURGERY", "02B", "NHS TWO CCG", "U00001", "ONE PCN", "01A", "NHS ONE CCG",
     "20220601", "", "False"}};

const std::vector<std::string> kPcnHeader = {"PCN Code",
                                             "PCN Name",
                                             "Current Clinical Commissioning Group Code",
                                             "Clinical Commissioning Group Name",
                                             "Open Date",
                                             "Close Date",
                                             "Postcode"};
const std::vector<std::vector<std::string>> kPcnRows = {
    {"U00001", "ONE PCN (RENAMED)", "01A", "NHS ONE CCG", "20190701", "", "AB1 2CD"},
    {"U00002", "TWO PCN", "03C", "NHS THREE CCG", "20190701", "", "AB1 2CE"}};

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ",";
    out += cells[i];
  }
  return out + "\n";
}

std::string Csv(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::string out = CsvLine(header);
  for (const auto& row : rows) out += CsvLine(row);
  return out;
}

// One epraccur row (27 fields) with the fields the reader uses.
std::string EpraccurRow(const std::string& code, const std::string& name,
                        const std::string& postcode, const std::string& open,
                        const std::string& close, const std::string& status,
                        const std::string& setting) {
  std::vector<std::string> f(27);
  f[0] = code, f[1] = name, f[2] = "Y63", f[3] = "QHM", f[4] = "THE HEALTH CENTRE";
  f[9] = postcode, f[10] = open, f[11] = close, f[12] = status, f[13] = "B", f[14] = "16C";
  f[21] = "0", f[23] = "16C", f[25] = setting;
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (i > 0) out += ",";
    out += "\"" + f[i] + "\"";
  }
  return out + "\n";
}

class OdsReadersTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_.File(name);
    WriteFile(path, content);
    return path;
  }
  std::string Workbook(const std::string& name, const std::vector<SheetFixture>& sheets) {
    const std::string path = dir_.File(name);
    const std::string error = ::pcnv::testing::WriteXlsx(path, sheets);
    EXPECT_EQ(error, "");
    return path;
  }
  TempDir dir_;
};

// --- dates ----------------------------------------------------------------------------------

TEST(ParseOdsDateTest, AcceptsOdsAndSpreadsheetFormsOfRealDates) {
  EXPECT_EQ(ParseOdsDate("20191001"), "2019-10-01");
  EXPECT_EQ(ParseOdsDate("2019-10-01"), "2019-10-01");
  EXPECT_EQ(ParseOdsDate("2019/10/01"), "2019-10-01");
  EXPECT_EQ(ParseOdsDate("2019/10/01 00:00:00"), "2019-10-01");
  EXPECT_EQ(ParseOdsDate(" 20200229 "), "2020-02-29");  // leap year
  EXPECT_EQ(ParseOdsDate("20000229"), "2000-02-29");    // divisible by 400
}

TEST(ParseOdsDateTest, RefusesWhatIsNotACalendarDate) {
  for (const char* bad :
       {"2019-13-45", "20191345", "20190229", "19000229", "20190431", "2019101", "201910011",
        "2019-1-01", "2019-10-01x", "01/10/2019", "", "abcdefgh", "2019-10/01", "00001001"}) {
    EXPECT_EQ(ParseOdsDate(bad), std::nullopt) << bad;
  }
}

// --- ePCN as CSV ----------------------------------------------------------------------------

TEST_F(OdsReadersTest, PartnersCsvReadsEveryRowWithIsoDates) {
  auto partners = ReadEpcnPartners(Write("partners.csv", Csv(kPartnerHeader, kPartnerRows)));
  PCNV_ASSERT_OK(partners);
  ASSERT_EQ(partners->size(), 4u);
  const EpcnPartner& p = (*partners)[0];
  EXPECT_EQ(p.membership.practice_code, "A01001");
  EXPECT_EQ(p.membership.practice_name, "FIRST SURGERY");
  EXPECT_EQ(p.membership.pcn_code, "U00001");
  EXPECT_EQ(p.membership.pcn_name, "ONE PCN");
  EXPECT_EQ(p.membership.sub_icb_code, "01A");  // the PCN's parent CCG, not the practice's
  EXPECT_EQ(p.membership.practice_postcode, "");
  EXPECT_EQ(p.membership.row, 1);
  EXPECT_EQ(p.start, "2019-07-01");
  EXPECT_EQ(p.end, "2021-03-31");
  EXPECT_EQ((*partners)[1].end, "");
  EXPECT_EQ((*partners)[3].membership.row, 4);
}

TEST_F(OdsReadersTest, BadDateNamesFileRowAndField) {
  auto rows = kPartnerRows;
  rows[2][8] = "2019-13-45";
  const std::string path = Write("partners.csv", Csv(kPartnerHeader, rows));
  ExpectInvalid(ReadEpcnPartners(path),
                {path, "row 3", "field Practice to PCN Relationship Start Date", "'2019-13-45'",
                 "is not a date", "YYYYMMDD"});
  rows = kPartnerRows;
  rows[1][9] = "20210431";
  ExpectInvalid(ReadEpcnPartners(Write("end.csv", Csv(kPartnerHeader, rows))),
                {"row 2", "field Practice to PCN Relationship End Date", "'20210431'"});
  rows = kPartnerRows;
  rows[0][8] = "";
  ExpectInvalid(ReadEpcnPartners(Write("empty.csv", Csv(kPartnerHeader, rows))),
                {"row 1", "field Practice to PCN Relationship Start Date", "is empty"});
}

TEST_F(OdsReadersTest, EndBeforeStartAndEmptyCodeAreErrors) {
  auto rows = kPartnerRows;
  rows[0][9] = "20190630";
  ExpectInvalid(ReadEpcnPartners(Write("a.csv", Csv(kPartnerHeader, rows))),
                {"row 1", "field Practice to PCN Relationship End Date", "'20190630'",
                 "before the start date 20190701"});
  rows = kPartnerRows;
  rows[3][0] = "";
  ExpectInvalid(ReadEpcnPartners(Write("b.csv", Csv(kPartnerHeader, rows))),
                {"row 4", "field Partner Organisation Code", "empty practice code"});
}

TEST_F(OdsReadersTest, MissingColumnListsTheColumnsFound) {
  std::vector<std::string> header = kPartnerHeader;
  header[8] = "Start";
  const std::string path = Write("c.csv", Csv(header, kPartnerRows));
  ExpectInvalid(ReadEpcnPartners(path),
                {path, "missing required column Practice to PCN Relationship Start Date",
                 "columns found: Partner Organisation Code"});
}

TEST_F(OdsReadersTest, PcnDetailsCsv) {
  auto pcns = ReadEpcnPcnDetails(Write("pcns.csv", Csv(kPcnHeader, kPcnRows)));
  PCNV_ASSERT_OK(pcns);
  ASSERT_EQ(pcns->size(), 2u);
  EXPECT_EQ((*pcns)[0].code, "U00001");
  EXPECT_EQ((*pcns)[0].name, "ONE PCN (RENAMED)");
  EXPECT_EQ((*pcns)[1].ccg_code, "03C");
  EXPECT_EQ((*pcns)[1].ccg_name, "NHS THREE CCG");
  EXPECT_EQ((*pcns)[1].open_date, "2019-07-01");
  EXPECT_EQ((*pcns)[1].close_date, "");
  EXPECT_EQ((*pcns)[1].row, 2);

  auto dup = kPcnRows;
  dup.push_back(kPcnRows[0]);
  const std::string path = Write("dup.csv", Csv(kPcnHeader, dup));
  ExpectInvalid(ReadEpcnPcnDetails(path),
                {path, "row 3", "field PCN Code", "U00001 is listed again (first on row 1)"});
  auto bad = kPcnRows;
  bad[1][5] = "2020-02-30";
  ExpectInvalid(ReadEpcnPcnDetails(Write("bad.csv", Csv(kPcnHeader, bad))),
                {"row 2", "field Close Date", "'2020-02-30'", "is not a date"});
}

TEST_F(OdsReadersTest, DetectsEachPracticeFileFromItsHeader) {
  EXPECT_EQ(*DetectPracticeFile(Write("p.csv", Csv(kPartnerHeader, kPartnerRows))),
            PracticeFileKind::kEpcnPartners);
  EXPECT_EQ(*DetectPracticeFile(Write("d.csv", Csv(kPcnHeader, kPcnRows))),
            PracticeFileKind::kEpcnPcnDetails);
  EXPECT_EQ(*DetectPracticeFile(Write("m.csv", "practice_code,pcn_code,pcn_name\nA1,U1,X\n")),
            PracticeFileKind::kPracticeMap);
  EXPECT_EQ(*DetectPracticeFile(dir_.File("book.XLSX")), PracticeFileKind::kEpcnWorkbook);
  ExpectError(DetectPracticeFile(dir_.File("absent.csv")), absl::StatusCode::kNotFound,
              {"absent.csv", "no such file"});
}

// --- in force on a date ---------------------------------------------------------------------

TEST_F(OdsReadersTest, MembershipsInForceIncludeBothBoundaryDays) {
  auto partners = ReadEpcnPartners(Write("partners.csv", Csv(kPartnerHeader, kPartnerRows)));
  PCNV_ASSERT_OK(partners);
  Epcn epcn;
  epcn.partners = *partners;
  auto codes = [](const EpcnAtDate& at) {
    std::vector<std::string> out;
    for (const Membership& m : at.memberships) out.push_back(m.practice_code + ">" + m.pcn_code);
    return out;
  };
  using V = std::vector<std::string>;
  // The last day of A01001's first relationship: still in force.
  EpcnAtDate last = EpcnMembershipsAt(epcn, "2021-03-31");
  EXPECT_EQ(codes(last), (V{"A01001>U00001", "A01002>U00002"}));
  EXPECT_EQ(last.rows, 4);
  EXPECT_EQ(last.ended, 0);
  EXPECT_EQ(last.not_started, 2);
  // The first day of its second.
  EpcnAtDate next = EpcnMembershipsAt(epcn, "2021-04-01");
  EXPECT_EQ(codes(next), (V{"A01001>U00002", "A01002>U00002"}));
  EXPECT_EQ(next.ended, 1);
  EXPECT_EQ(next.not_started, 1);
  // A01003 starts on 2022-06-01: not the day before, yes on the day.
  EXPECT_EQ(codes(EpcnMembershipsAt(epcn, "2022-05-31")).size(), 2u);
  EXPECT_EQ(codes(EpcnMembershipsAt(epcn, "2022-06-01")),
            (V{"A01001>U00002", "A01002>U00002", "A01003>U00001"}));
  EXPECT_TRUE(EpcnMembershipsAt(epcn, "2019-06-30").memberships.empty());
}

TEST_F(OdsReadersTest, PcnDetailsGiveNamesAndTheDeclaredParent) {
  auto partners = ReadEpcnPartners(Write("partners.csv", Csv(kPartnerHeader, kPartnerRows)));
  auto pcns = ReadEpcnPcnDetails(Write("pcns.csv", Csv(kPcnHeader, kPcnRows)));
  PCNV_ASSERT_OK(partners);
  PCNV_ASSERT_OK(pcns);
  Epcn epcn{*partners, *pcns, "partners.csv"};
  EpcnAtDate at = EpcnMembershipsAt(epcn, "2022-06-01");
  ASSERT_EQ(at.memberships.size(), 3u);
  EXPECT_EQ(at.memberships[0].pcn_code, "U00002");
  EXPECT_EQ(at.memberships[0].sub_icb_code, "03C");  // PCN Details win over the partner row
  EXPECT_EQ(at.memberships[2].pcn_name, "ONE PCN (RENAMED)");
  EXPECT_EQ(at.memberships[2].sub_icb_code, "01A");
  EXPECT_EQ(at.memberships[2].row, 4);  // rows still point into the partner sheet
}

// --- the workbook ---------------------------------------------------------------------------

TEST_F(OdsReadersTest, WorkbookReadsBothSheetsAsTheCsvExportsDo) {
  const std::string book =
      Workbook("ePCN.xlsx", {{"PCN Details", kPcnHeader, kPcnRows},
                             {"PCN Core Partner Details", kPartnerHeader, kPartnerRows}});
  auto epcn = ReadEpcnWorkbook(book);
  PCNV_ASSERT_OK(epcn);
  auto csv = ReadEpcnPartners(Write("partners.csv", Csv(kPartnerHeader, kPartnerRows)));
  PCNV_ASSERT_OK(csv);
  ASSERT_EQ(epcn->partners.size(), csv->size());
  for (size_t i = 0; i < csv->size(); ++i) {
    EXPECT_EQ(epcn->partners[i].membership.practice_code, (*csv)[i].membership.practice_code);
    EXPECT_EQ(epcn->partners[i].membership.pcn_code, (*csv)[i].membership.pcn_code);
    EXPECT_EQ(epcn->partners[i].membership.row, (*csv)[i].membership.row);
    EXPECT_EQ(epcn->partners[i].start, (*csv)[i].start);
    EXPECT_EQ(epcn->partners[i].end, (*csv)[i].end);
  }
  ASSERT_TRUE(epcn->pcns.has_value());
  ASSERT_EQ(epcn->pcns->size(), 2u);
  EXPECT_EQ((*epcn->pcns)[1].ccg_code, "03C");
  EXPECT_EQ(epcn->partners_source, book + " sheet 'PCN Core Partner Details'");
}

TEST_F(OdsReadersTest, WorkbookErrorsNameTheSheet) {
  auto rows = kPartnerRows;
  rows[1][8] = "2019-13-45";
  const std::string book = Workbook(
      "bad.xlsx",
      {{"PCN Details", kPcnHeader, kPcnRows}, {"PCN Core Partner Details", kPartnerHeader, rows}});
  ExpectInvalid(ReadEpcnWorkbook(book),
                {book, "sheet 'PCN Core Partner Details' row 2",
                 "field Practice to PCN Relationship Start Date", "'2019-13-45'"});

  const std::string one =
      Workbook("one.xlsx", {{"PCN Core Partner Details", kPartnerHeader, kPartnerRows},
                            {"Notes", {"text"}, {{"hello"}}}});
  ExpectInvalid(ReadEpcnWorkbook(one),
                {one, "no sheet named 'PCN Details'", "'PCN Core Partner Details', 'Notes'"});

  const std::string not_book = Write("fake.xlsx", "PCN Code,PCN Name\nU1,X\n");
  ExpectInvalid(ReadEpcnWorkbook(not_book), {not_book, "cannot be read as an .xlsx workbook"});
  ExpectError(ReadEpcnWorkbook(dir_.File("absent.xlsx")), absl::StatusCode::kNotFound,
              {"absent.xlsx"});
}

TEST_F(OdsReadersTest, AWorkbookTooBigUnzippedIsRefusedBeforeGdalReadsIt) {
  // A "zip bomb": 130 MiB of spaces (a few hundred KiB zipped) added to a good workbook. GDAL's
  // XLSX driver would hold about three times that in memory; a bigger one takes all there is.
  const std::string book =
      Workbook("bomb.xlsx", {{"PCN Details", kPcnHeader, kPcnRows},
                             {"PCN Core Partner Details", kPartnerHeader, kPartnerRows}});
  VSILFILE* padding = VSIFOpenL(("/vsizip/" + book + "/xl/padding.xml").c_str(), "wb");
  ASSERT_NE(padding, nullptr);
  const std::string block(size_t{1} << 20, ' ');
  for (int i = 0; i < 130; ++i)
    ASSERT_EQ(VSIFWriteL(block.data(), 1, block.size(), padding), block.size());
  VSIFCloseL(padding);
  ExpectInvalid(ReadEpcnWorkbook(book),
                {book + ": holds more than 128 MiB unzipped", "Export its two sheets as CSV"});
}

// --- epraccur -------------------------------------------------------------------------------

TEST_F(OdsReadersTest, PracticeRegisterReadsTheFieldsItNeeds) {
  const std::string path =
      Write("epraccur.csv",
            EpraccurRow("A81001", "THE DENSHAM SURGERY", "TS18 1HU", "19740401", "", "A", "4") +
                EpraccurRow("A81003", "VICTORIA MEDICAL PRACTICE", "TS26 8DB", "19740401",
                            "20171031", "C", "4") +
                EpraccurRow("Y00001", "WALK-IN CENTRE", "", "20100101", "", "D", "1"));
  auto reg = ReadPracticeRegister(path);
  PCNV_ASSERT_OK(reg);
  ASSERT_EQ(reg->size(), 3u);
  const RegisteredPractice& a = (*reg)[0];
  EXPECT_EQ(a.code, "A81001");
  EXPECT_EQ(a.name, "THE DENSHAM SURGERY");
  EXPECT_EQ(a.postcode, "TS181HU");
  EXPECT_EQ(a.status, 'A');
  EXPECT_EQ(a.open_date, "1974-04-01");
  EXPECT_EQ(a.close_date, "");
  EXPECT_EQ(a.prescribing_setting, 4);
  EXPECT_EQ(a.commissioner, "16C");
  EXPECT_EQ(a.row, 1);  // no header: row N is the Nth line
  EXPECT_EQ((*reg)[1].status, 'C');
  EXPECT_EQ((*reg)[1].close_date, "2017-10-31");
  EXPECT_EQ((*reg)[2].prescribing_setting, 1);
  EXPECT_EQ((*reg)[2].row, 3);
}

TEST_F(OdsReadersTest, PracticeRegisterErrorsNameRowAndColumn) {
  const std::string good = EpraccurRow("A81001", "X", "TS18 1HU", "19740401", "", "A", "4");
  struct Case {
    std::string bad_row;
    std::vector<std::string> parts;
  };
  const std::vector<Case> cases = {
      {EpraccurRow("A81002", "Y", "TS18 2AW", "19740401", "", "X", "4"),
       {"row 2", "field Status Code (column 13)", "'X' is not a status code"}},
      {EpraccurRow("A81002", "Y", "TS18 2AW", "2019-13-45", "", "A", "4"),
       {"row 2", "field Open Date (column 11)", "'2019-13-45' is not a date"}},
      {EpraccurRow("A81002", "Y", "TS18 2AW", "", "", "A", "4"),
       {"row 2", "field Open Date (column 11)", "is empty"}},
      {EpraccurRow("A81002", "Y", "TS18 2AW", "19740401", "20171331", "C", "4"),
       {"row 2", "field Close Date (column 12)", "'20171331'"}},
      {EpraccurRow("A81002", "Y", "TS18 2AW", "19740401", "", "A", "GP"),
       {"row 2", "field Prescribing Setting (column 26)", "'GP' is not a whole number"}},
      {EpraccurRow("A81002", "Y", "TS18 2AW", "19740401", "", "A", "400"),
       {"row 2", "field Prescribing Setting (column 26)", "not a prescribing setting"}},
      {EpraccurRow("A81001", "Y", "TS18 2AW", "19740401", "", "A", "4"),
       {"row 2", "field Organisation Code (column 1)", "A81001 is listed again (first on row 1)"}},
      {"\"A81002\",\"Y\",\"X\"\n", {"row 2", "missing", "3 of the 27 fields"}},
      {"\"A81002\",\"Y\"x\n", {"row 2", "malformed quoting"}},
  };
  for (const Case& c : cases) {
    const std::string path = Write("epraccur.csv", good + c.bad_row);
    std::vector<std::string> parts = c.parts;
    parts.push_back(path);
    auto result = ReadPracticeRegister(path);
    ASSERT_FALSE(result.ok()) << c.bad_row;
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(result.status().message()).find(part), std::string::npos)
          << result.status() << " lacks " << part;
    }
  }
  // A header line (epraccur has none) is refused on row 1 rather than read as a practice.
  const std::string headed = Write("headed.csv",
                                   "Organisation Code,Name,A,B,C,D,E,F,G,Postcode,H,I,Status,J,K,"
                                   "L,M,N,O,P,Q,R,S,T,U,Prescribing Setting,V\n" +
                                       good);
  ExpectInvalid(ReadPracticeRegister(headed),
                {headed, "row 1", "field Organisation Code (column 1)", "is not an ODS code",
                 "has no header line"});
  ExpectInvalid(ReadPracticeRegister(Write("empty.csv", "")), {"file is empty"});
}

TEST_F(OdsReadersTest, RegisterFillsOnlyBlankNamesAndPostcodes) {
  std::vector<Membership> ms(3);
  ms[0].practice_code = "A81001";
  ms[1].practice_code = "A81003";
  ms[1].practice_postcode = "ZZ11ZZ";
  ms[1].practice_name = "OWN NAME";
  ms[2].practice_code = "Q99999";  // not in the register
  std::vector<RegisteredPractice> reg(2);
  reg[0].code = "A81001", reg[0].name = "DENSHAM", reg[0].postcode = "TS181HU";
  reg[1].code = "A81003", reg[1].name = "VICTORIA", reg[1].postcode = "TS268DB";
  EXPECT_EQ(FillFromRegister(ms, reg), 1);
  EXPECT_EQ(ms[0].practice_postcode, "TS181HU");
  EXPECT_EQ(ms[0].practice_name, "DENSHAM");
  EXPECT_EQ(ms[1].practice_postcode, "ZZ11ZZ");
  EXPECT_EQ(ms[1].practice_name, "OWN NAME");
  EXPECT_EQ(ms[2].practice_postcode, "");
}

}  // namespace
}  // namespace pcnv::io
