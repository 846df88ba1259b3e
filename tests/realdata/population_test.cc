// Real NHS Digital files from ../shared/data: the 2022-01 practice map with the 2021-01 list
// sizes. Each PCN's population must be the sum of its practices' list sizes, and the counts of
// PCNs below 30,000 and above 50,000 must match a count made here, independently of pcnv's
// readers, from the raw CSV text (realdata_util's own RFC 4180 splitter, not GDAL).
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "geo/io/readers.h"
#include "geo/validate.h"
#include "gtest/gtest.h"
#include "tests/realdata/realdata_util.h"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

TEST(RealDataTest, PopulationsFromThe2022MapAnd2021ListSizes) {
  const std::string data = testing::SharedData();
  if (data.empty()) GTEST_SKIP() << "../shared/data is absent: real-data test skipped";
  const std::string map_path = data + "/nhsd/gp-reg-pat-prac-map_2022-01.csv";
  const std::string sizes_path = data + "/nhsd/gp-reg-pat-prac-all_2021-01.csv";

  // Independent count from the raw text.
  std::map<std::string, int64_t> list_size;
  for (const auto& row : realdata::ReadRawCsv(sizes_path)) {
    if (row.at("SEX") == "ALL" && row.at("AGE") == "ALL") {
      list_size[row.at("CODE")] = std::stoll(row.at("NUMBER_OF_PATIENTS"));
    }
  }
  std::map<std::string, int64_t> expected_population;
  std::map<std::string, std::set<std::string>> expected_practices;
  for (const auto& row : realdata::ReadRawCsv(map_path)) {
    const std::string& pcn = row.at("PCN_CODE");
    if (pcn.empty() || pcn == "U") continue;
    expected_practices[pcn].insert(row.at("PRACTICE_CODE"));
  }
  for (const auto& [pcn, practices] : expected_practices) {
    int64_t sum = 0;
    for (const std::string& p : practices) {
      auto it = list_size.find(p);
      if (it != list_size.end()) sum += it->second;
    }
    expected_population[pcn] = sum;
  }
  int expected_below = 0, expected_above = 0;
  for (const auto& [pcn, pop] : expected_population) {
    expected_below += pop < 30000;
    expected_above += pop > 50000;
  }
  ASSERT_GT(expected_population.size(), 1000u);  // ~1,250 PCNs in England

  // The same through pcnv.
  auto memberships = io::ReadPracticeMap(map_path);
  ASSERT_TRUE(memberships.ok()) << memberships.status();
  auto sizes = io::ReadListSizes(sizes_path);
  ASSERT_TRUE(sizes.ok()) << sizes.status();
  ValidationInput input;
  input.memberships = std::move(*memberships);
  input.list_sizes = std::move(*sizes);
  ReferenceData empty({}, {}, {}, {}, "", "");
  auto report = Validate(empty, input, ValidationOptions{});
  ASSERT_TRUE(report.ok()) << report.status();

  ASSERT_EQ(report->pcns.size(), expected_population.size());
  for (const PcnEntry& p : report->pcns) {
    EXPECT_EQ(p.population, expected_population.at(p.code)) << p.code;
    EXPECT_EQ(p.practices.size(), expected_practices.at(p.code).size()) << p.code;
  }
  int below = 0, above = 0;
  for (const Finding& f : report->findings) {
    below += f.rule == "POP001";
    above += f.rule == "POP002";
  }
  EXPECT_EQ(below, expected_below);
  EXPECT_EQ(above, expected_above);
  // The published picture (BJGP 2020/2022): a minority below 30k, about a third above 50k.
  EXPECT_GT(above, 300);
  EXPECT_GT(below, 10);
  std::cout << "PCNs: " << report->pcns.size() << ", below 30,000: " << below
            << ", above 50,000: " << above << "\n";
}

}  // namespace
}  // namespace pcnv
