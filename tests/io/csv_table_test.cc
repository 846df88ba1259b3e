// CsvTable (geo/io's libcsv reader) on the file shapes NHS and ONS CSVs come in: CRLF, a BOM,
// quoted fields holding commas and line ends, blank lines, stray quotes, ragged rows.
#include "geo/io/csv_table.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/io/io_test_util.h"
#include "tests/support/test_support.h"

namespace pcnv::io {
namespace {

using ::pcnv::testing::ExpectError;
using ::pcnv::testing::ExpectInvalid;
using ::pcnv::testing::TempDir;
using ::pcnv::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::Pair;

using Rows = std::vector<std::pair<int, std::vector<std::string>>>;  // row number, fields

class CsvTableTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = dir_.File(name);
    WriteFile(path, content);
    return path;
  }
  // Every data row of `table` as (number, every header column's field).
  static absl::StatusOr<Rows> ReadAll(const CsvTable& table) {
    Rows rows;
    absl::Status s = table.ForEachRow([&](const CsvRow& row) {
      std::vector<std::string> fields;
      for (size_t c = 0; c < table.columns().size(); ++c) {
        fields.emplace_back(row.Get(static_cast<int>(c)));
      }
      rows.emplace_back(row.number(), std::move(fields));
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return rows;
  }
  TempDir dir_;
};

using V = std::vector<std::string>;

TEST_F(CsvTableTest, CrlfLineEnds) {
  auto t = CsvTable::Open(Write("crlf.csv", "A,B\r\n1,2\r\n\r\n3,4\r\n5,6"));
  PCNV_ASSERT_OK(t);
  EXPECT_THAT(t->columns(), ElementsAre("A", "B"));
  auto rows = ReadAll(*t);
  PCNV_ASSERT_OK(rows);
  EXPECT_THAT(*rows, ElementsAre(Pair(1, V{"1", "2"}), Pair(2, V{"3", "4"}), Pair(3, V{"5", "6"})));
  EXPECT_EQ(t->rows_read(), 3);
}

TEST_F(CsvTableTest, BomIsNotPartOfTheFirstColumnName) {
  auto t = CsvTable::Open(Write("bom.csv", "\xEF\xBB\xBF\"CODE\",NAME\r\nA1,x\r\n"));
  PCNV_ASSERT_OK(t);
  EXPECT_THAT(t->columns(), ElementsAre("CODE", "NAME"));
  EXPECT_EQ(t->Find({"code"}), 0);
  auto rows = ReadAll(*t);
  PCNV_ASSERT_OK(rows);
  EXPECT_THAT(*rows, ElementsAre(Pair(1, V{"A1", "x"})));
}

TEST_F(CsvTableTest, HeaderNamesAreStrippedAndEmptyOnesNumbered) {
  auto t = CsvTable::Open(Write("names.csv", " a ,,\"c \"\n1,2,3\n"));
  PCNV_ASSERT_OK(t);
  EXPECT_THAT(t->columns(), ElementsAre("a", "field_2", "c"));
}

TEST_F(CsvTableTest, QuotedFieldWithLineEndsAndCommasIsOneRow) {
  auto t = CsvTable::Open(Write("quoted.csv",
                                "code,name,n\n"
                                "P1,\"two\nlines, and a comma\",1\n"
                                "P2,\"crlf\r\ninside \"\"quotes\"\"\",2\r\n"
                                "P3,  \" padded \"  ,3\n"));
  PCNV_ASSERT_OK(t);
  auto rows = ReadAll(*t);
  PCNV_ASSERT_OK(rows);
  EXPECT_THAT(*rows, ElementsAre(Pair(1, V{"P1", "two\nlines, and a comma", "1"}),
                                 Pair(2, V{"P2", "crlf\ninside \"quotes\"", "2"}),
                                 Pair(3, V{"P3", "padded", "3"})));
}

TEST_F(CsvTableTest, BlankLinesAreSkippedAndNotCounted) {
  auto t = CsvTable::Open(Write("blank.csv", "a,b\n\n1,2\n\n\n   \n3,4\n,\n\n"));
  PCNV_ASSERT_OK(t);
  auto rows = ReadAll(*t);
  PCNV_ASSERT_OK(rows);
  // A line of delimiters only is a row of empty fields, not a blank line.
  EXPECT_THAT(*rows, ElementsAre(Pair(1, V{"1", "2"}), Pair(2, V{"3", "4"}), Pair(3, V{"", ""})));
}

TEST_F(CsvTableTest, UnclosedQuoteNamesFileRowAndField) {
  std::string path = Write("open.csv", "code,name,n\nP1,a,1\nP2,\"b,2\nP3,c,3\n");
  auto t = CsvTable::Open(path);
  PCNV_ASSERT_OK(t);
  ExpectInvalid(ReadAll(*t), {path + " row 2: field name: malformed quoting",
                              "not closed by the end of the file"});
}

TEST_F(CsvTableTest, StrayQuoteNamesFileRowAndField) {
  std::string path = Write("stray.csv", "code,name,n\nP1,a,1\nP2,b,2\nP3,\"c\"x,3\nP4,d,4\n");
  auto t = CsvTable::Open(path);
  PCNV_ASSERT_OK(t);
  ExpectInvalid(ReadAll(*t), {path + " row 3: field name: malformed quoting"});
  path = Write("inner.csv", "code,name\nP1,12\" pipe\n");
  t = CsvTable::Open(path);
  PCNV_ASSERT_OK(t);
  ExpectInvalid(ReadAll(*t), {path + " row 1: field name: malformed quoting"});
}

TEST_F(CsvTableTest, UnclosedQuoteDoesNotReadTheWholeFileIntoOneField) {
  // The read stops once a field passes 128 KiB (more than a spreadsheet cell holds) rather than
  // holding the rest of the file.
  std::string content = "code,name\nP1,a\nP2,\"b\n";
  const std::string line = "P3,c\n";
  while (content.size() < (20u << 20)) content += line;
  std::string path = Write("swallow.csv", content);
  auto t = CsvTable::Open(path);
  PCNV_ASSERT_OK(t);
  ExpectInvalid(ReadAll(*t), {path + " row 2: field name: longer than 128 KiB"});
}

TEST_F(CsvTableTest, MalformedHeaderFailsOpen) {
  std::string path = Write("header.csv", "code,\"name\n");
  ExpectInvalid(CsvTable::Open(path), {path + ": header: malformed quoting"});
}

TEST_F(CsvTableTest, ExtraFieldsAreRefused) {
  // GDAL's CSV driver dropped fields past the header's count; but a row with more fields is a
  // shifted row (an unquoted comma in a name), and taking its first fields reads it wrong.
  std::string path = Write("extra.csv", "a,b\n1,2\n3,4,5,6\n");
  auto t = CsvTable::Open(path);
  PCNV_ASSERT_OK(t);
  ExpectInvalid(ReadAll(*t), {path + " row 2: field 3 (past the header's 2): the row has 4 "
                                     "fields, the header 2"});
}

TEST_F(CsvTableTest, ShortRowNamesTheFirstMissingField) {
  std::string path = Write("short.csv", "a,b,c\n1,2,3\n4\n");
  auto t = CsvTable::Open(path);
  PCNV_ASSERT_OK(t);
  ExpectInvalid(ReadAll(*t), {path + " row 2: field b: missing: the row has 1 of the header's 3 "
                                     "fields (truncated row?)"});
}

TEST_F(CsvTableTest, DelimiterIsDetectedFromTheHeader) {
  auto semi = CsvTable::Open(Write("semi.csv", "a;\"b,c\"\n1,5;2\n"));
  PCNV_ASSERT_OK(semi);
  EXPECT_THAT(semi->columns(), ElementsAre("a", "b,c"));
  auto rows = ReadAll(*semi);
  PCNV_ASSERT_OK(rows);
  EXPECT_THAT(*rows, ElementsAre(Pair(1, V{"1,5", "2"})));

  auto tab = CsvTable::Open(Write("tab.tsv", "a\tb\tc\n1\t\t3\n"));
  PCNV_ASSERT_OK(tab);
  EXPECT_THAT(tab->columns(), ElementsAre("a", "b", "c"));
  rows = ReadAll(*tab);
  PCNV_ASSERT_OK(rows);
  EXPECT_THAT(*rows, ElementsAre(Pair(1, V{"1", "", "3"})));

  auto mixed = CsvTable::Open(Write("mixed.csv", "a;b,c\n1;2,3\n"));  // mixed: comma
  PCNV_ASSERT_OK(mixed);
  EXPECT_THAT(mixed->columns(), ElementsAre("a;b", "c"));
}

TEST_F(CsvTableTest, RowsSpanReadBlocks) {
  // More than one 1 MiB read, with a quoted multi-line field in every row.
  std::string content = "code,note,n\n";
  for (int i = 0; i < 60000; ++i) {
    content += "P" + std::to_string(i) + ",\"line one\r\nline two, " + std::to_string(i) + "\"," +
               std::to_string(i) + "\r\n";
  }
  ASSERT_GT(content.size(), 2u << 20);
  auto t = CsvTable::Open(Write("big.csv", content));
  PCNV_ASSERT_OK(t);
  int n = 0;
  absl::Status s = t->ForEachRow([&](const CsvRow& row) {
    EXPECT_EQ(row.number(), n + 1);
    EXPECT_EQ(row.Get(0), "P" + std::to_string(n));
    EXPECT_EQ(row.Get(1), "line one\nline two, " + std::to_string(n));
    EXPECT_EQ(row.Get(2), std::to_string(n));
    ++n;
    return absl::OkStatus();
  });
  PCNV_ASSERT_OK(s);
  EXPECT_EQ(n, 60000);
}

TEST_F(CsvTableTest, CallbackErrorStopsTheRead) {
  auto t = CsvTable::Open(Write("stop.csv", "a\n1\n2\n3\n"));
  PCNV_ASSERT_OK(t);
  int calls = 0;
  absl::Status s = t->ForEachRow([&](const CsvRow& row) {
    ++calls;
    return row.number() == 2 ? t->RowError(row, 0, "stop") : absl::OkStatus();
  });
  ExpectInvalid(s, {"stop.csv row 2: field a: stop"});
  EXPECT_EQ(calls, 2);
}

TEST_F(CsvTableTest, OpenErrors) {
  std::string missing = dir_.File("missing.csv");
  ExpectError(CsvTable::Open(missing), absl::StatusCode::kNotFound, {missing + ": no such file"});
  ExpectInvalid(CsvTable::Open(dir_.path()), {dir_.path() + ": is a directory"});
  std::string empty = Write("empty.csv", "");
  ExpectInvalid(CsvTable::Open(empty), {empty + ": file is empty"});
  std::string blank = Write("blank.csv", "\n\r\n\n");
  ExpectInvalid(CsvTable::Open(blank), {blank + ": no header line"});
}

// The two ways a file is read (CsvOptions::in_place: mapped, plain lines split in place, the
// rest through libcsv; or every byte through libcsv a block at a time) give the same header,
// the same rows and the same error, on every shape that tells them apart.
TEST_F(CsvTableTest, ReadInPlaceOrInBlocksTheSame) {
  const std::string long_field(kMaxFieldBytes + 1, 'x');
  const std::vector<std::string> contents = {
      "A,B\n1,2\n3,4\n",
      "A,B\n1,2\n3,4",              // no final line end
      "A,B\r\n1,2\r\n\r\n3,4\r\n",  // CRLF, a blank line
      "A,B\r1,2\r3,4\r",            // CR only (old Mac)
      "\xEF\xBB\xBF"
      "A,B\n1,2\n",                             // BOM
      "A,B\n  1 , 2 \n\t3\t,\t4\t\n",           // spaces and tabs around fields
      "A,B\n   \n\t\n1,2\n \t \n",              // lines of only spaces and tabs
      "A,B\n\v,2\n",                            // other whitespace
      "A,B\n\"x,y\",2\n3,\"a\"\"b\"\n",         // quoted comma, doubled quote
      "A,B\n\"line\nbreak\",2\n3,4\n",          // a quoted field over two lines
      "A,B\n\"one\r\ntwo\r\nthree\",2\n3,4\n",  // over three CRLF lines
      "A,B\n  \"x\"  ,2\n",                     // spaces around a quoted field
      "A,B\n1,2\"\n",                           // a quote inside an unquoted field
      "A,B\n\"x\"y,2\n",                        // text after a closing quote
      "A,B\n1,2\n\"unclosed,3\n4,5\n",          // a quote never closed
      "A,B\n1\n",                               // too few fields
      "A,B\n1,2,3\n",                           // too many fields
      "A,B\n1,\xE9\n",                          // not UTF-8
      "A,B\n1,2\r\n3,4\r5,6\n",                 // CR inside a CRLF file
      "A;B\n1;2\n\"3;x\";4\n",                  // semicolons
      "A\tB\n1\t2\n",                           // tabs (always through libcsv)
      "A,B\n1," + long_field + "\n",            // a field over the limit
      "A,B\n1,  " + long_field + "  \n",        // over the limit with spaces around
      "A,B\n1,\"" + long_field + "\"\n",        // a quoted one
      "A,B\n" + std::string(3 << 20, 'y'),      // a line longer than a block
      "A,,\n1,2,3\n",                           // empty header names
      // Long lines: the in-place path classifies a line eight bytes at a time.
      "A,B\n12345678,abcdefgh\xE9ijk\n",       // not UTF-8 past the first words
      "A,B\n12345678,caf\xC3\xA9 12345678\n",  // UTF-8 past the first words
      "A,B\n12345678,abcdefghij\"k\n",         // a quote past the first words
      "A,B\n12345678,abcdefghij\rk,l\n",       // a CR past the first words
      "A,B\n12345678,\"abcdefgh\xE9\",2\n",    // not UTF-8 in a quoted field
  };
  for (size_t i = 0; i < contents.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("content ", i));
    const std::string path = Write(absl::StrCat("paths", i, ".csv"), contents[i]);
    std::vector<std::string> results;
    for (bool in_place : {true, false}) {
      CsvOptions options;
      options.in_place = in_place;
      auto t = CsvTable::Open(path, options);
      std::string result;
      if (!t.ok()) {
        result = t.status().ToString();
      } else {
        result = absl::StrJoin(t->columns(), "|") + "\n";
        auto rows = ReadAll(*t);
        if (!rows.ok()) {
          result += rows.status().ToString();
        } else {
          for (const auto& [number, fields] : *rows) {
            absl::StrAppend(&result, number, ":", absl::StrJoin(fields, "|"), "\n");
          }
          absl::StrAppend(&result, "rows_read ", t->rows_read());
        }
      }
      results.push_back(result);
    }
    EXPECT_EQ(results[0], results[1]);
  }
}

}  // namespace
}  // namespace pcnv::io
