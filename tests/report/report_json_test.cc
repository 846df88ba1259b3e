// The JSON report is rendered piece by piece (report/report_json.cc): its text must be exactly
// what nlohmann's dump(2) gives for the same document, and the file written in pieces must be
// that text byte for byte.
#include "report/report_json.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/report/report_test_util.h"

namespace pcnv::report {
namespace {

using testing::TinyReport;

// The document parsed (keys in their order) and dumped whole, as the writer once did.
std::string TreeDump(const std::string& text) {
  return nlohmann::ordered_json::parse(text).dump(2) + "\n";
}

TEST(ReportJsonTest, PiecesLaidOutAsTheWholeTreeDump) {
  Report r = TinyReport();
  r.findings[0].waiver = AppliedWaiver{"agreed with the ICB", "J Smith", "2027-01-31"};
  const std::string text = ReportToJson(r);
  EXPECT_EQ(text, TreeDump(text));
  EXPECT_NE(text.find("\"findings\": [\n    {\n      \"rule\": \"CON001\""), std::string::npos)
      << text;
}

TEST(ReportJsonTest, EmptyArraysAsTheWholeTreeDump) {
  Report r = TinyReport();
  r.pcns.clear();
  r.findings.clear();
  const std::string text = ReportToJson(r);
  EXPECT_EQ(text, TreeDump(text));
  EXPECT_NE(text.find("\"pcns\": [],\n  \"findings\": [],"), std::string::npos) << text;
}

TEST(ReportJsonTest, BytesThatAreNotUtf8AreReplacedNotThrown) {
  Report r = TinyReport();
  r.provenance.inputs[0].path = "in/caf\xe9.csv";  // a Latin-1 file name
  r.findings[2].message = "bad \xff byte";
  const std::string text = ReportToJson(r);
  EXPECT_EQ(text, TreeDump(text));
  EXPECT_NE(text.find("in/caf\xef\xbf\xbd.csv"), std::string::npos);
}

TEST(WriteReportJsonTest, FileIsTheTextByteForByte) {
  // Large enough (several MiB) to be written in more than one piece of a mebibyte.
  Report r = TinyReport();
  const std::vector<Finding> three = r.findings;
  for (int i = 0; i < 5000; ++i) r.findings.insert(r.findings.end(), three.begin(), three.end());
  const std::string path = ::testing::TempDir() + "/report_json_test.json";
  std::remove(path.c_str());
  ASSERT_TRUE(WriteReportJson(r, path).ok());
  const std::string written = testing::ReadFile(path);
  EXPECT_GT(written.size(), size_t{3} << 20);
  EXPECT_EQ(written, ReportToJson(r));
  EXPECT_EQ(written, TreeDump(written));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace pcnv::report
