// `pcnv suggest` on the generated sample region (NHS Digital formats): the JSON it writes, and
// `--apply` writing the practice file in the input's own format (NHS Digital, and plain CSV),
// which `pcnv validate` then finds without the targeted finding and without a new ERROR.
#include <map>
#include <set>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace pcnv {
namespace {

using testing::ReadFile;
using testing::SampleDir;

std::vector<std::string> Args(const std::string& sub, const std::string& practices,
                              const std::string& out) {
  std::vector<std::string> a = {PCNV_CLI,         sub,
                                "--practices",    practices,
                                "--list-sizes",   SampleDir() + "/gp-reg-pat-prac-all.csv",
                                "--distribution", SampleDir() + "/gp-reg-pat-prac-lsoa-all.csv",
                                "--out",          out,
                                "--as-of",        "2024-01-01",
                                "--quiet"};
  for (const std::string& f : testing::SampleLayerFlags()) a.push_back(f);
  return a;
}

// The sample's small PCN (U90007) is declared in another sub-ICB than its neighbours: only
// moves across that boundary can fix it.
std::vector<std::string> SuggestArgs(const std::string& out) {
  std::vector<std::string> a = Args("suggest", SampleDir() + "/gp-reg-pat-prac-map.csv", out);
  a.push_back("--allow-cross-sub-icb");
  return a;
}

std::multiset<std::string> Errors(const nlohmann::json& report) {
  std::multiset<std::string> out;
  for (const auto& f : report["findings"]) {
    if (f["severity"] == "ERROR" && !f.contains("waiver")) {
      out.insert(f["rule"].get<std::string>() + " " + f.value("pcn", "") + " " +
                 f.value("practice", ""));
    }
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class SuggestCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    map_ = SampleDir() + "/gp-reg-pat-prac-map.csv";
    auto v = testing::Run(Args("validate", map_, tmp_->File("base.json")));
    ASSERT_NE(v.exit_code, 2) << v.err;
    auto s = testing::Run(SuggestArgs(tmp_->File("suggestions.json")));
    ASSERT_EQ(s.exit_code, 0) << s.err;
  }
  static void TearDownTestSuite() { delete tmp_; }

  static testing::TempDir* tmp_;
  static std::string map_;
};
testing::TempDir* SuggestCliTest::tmp_ = nullptr;
std::string SuggestCliTest::map_;

TEST_F(SuggestCliTest, EverySuggestionAppliedAndValidatedAgain) {
  const auto base = nlohmann::json::parse(ReadFile(tmp_->File("base.json")));
  const auto sj = nlohmann::json::parse(ReadFile(tmp_->File("suggestions.json")));
  ASSERT_GT(sj["summary"]["targets"].get<int>(), 0) << "the sample has failing PCNs";
  ASSERT_GT(sj["suggestions"].size(), 0u);
  const std::multiset<std::string> before = Errors(base);
  const std::vector<std::string> input_lines = Lines(ReadFile(map_));
  for (const auto& s : sj["suggestions"]) {
    const std::string id = s["id"];
    EXPECT_THAT(id, ::testing::MatchesRegex("s[0-9a-f]{12}"));
    const std::string csv = tmp_->File(id + ".csv");
    auto a = testing::Run({PCNV_CLI, "suggest", "--practices", map_, "--apply", id, "--suggestions",
                           tmp_->File("suggestions.json"), "--out", csv, "--quiet"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    // Same format: the header and every row not moved are byte for byte the input's.
    const std::vector<std::string> out_lines = Lines(ReadFile(csv));
    ASSERT_EQ(out_lines.size(), input_lines.size());
    EXPECT_EQ(out_lines[0], input_lines[0]);
    size_t changed = 0;
    for (size_t i = 0; i < out_lines.size(); ++i) changed += out_lines[i] != input_lines[i];
    EXPECT_EQ(changed, s["moves"].size()) << id;

    auto v = testing::Run(Args("validate", csv, tmp_->File(id + ".json")));
    ASSERT_NE(v.exit_code, 2) << v.err;
    const auto after = nlohmann::json::parse(ReadFile(tmp_->File(id + ".json")));
    const std::multiset<std::string> now = Errors(after);
    for (const std::string& e : now) EXPECT_LE(now.count(e), before.count(e)) << id << ": " << e;
    for (const auto& r : s["resolves"]) {
      for (const auto& f : after["findings"]) {
        EXPECT_FALSE(f["rule"] == r["rule"] && f.value("pcn", "") == r["pcn"] &&
                     !f.contains("waiver"))
            << id << " leaves " << r["rule"] << " " << r["pcn"];
      }
    }
  }
}

TEST_F(SuggestCliTest, ApplyWithoutSavedSuggestionsSearchesAgainAndAgrees) {
  const auto sj = nlohmann::json::parse(ReadFile(tmp_->File("suggestions.json")));
  ASSERT_GT(sj["suggestions"].size(), 0u);
  const std::string id = sj["suggestions"][0]["id"];
  std::vector<std::string> args = SuggestArgs(tmp_->File("again.csv"));
  args.push_back("--apply");
  args.push_back(id);
  auto a = testing::Run(args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b =
      testing::Run({PCNV_CLI, "suggest", "--practices", map_, "--apply", id, "--suggestions",
                    tmp_->File("suggestions.json"), "--out", tmp_->File("saved.csv"), "--quiet"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(ReadFile(tmp_->File("again.csv")), ReadFile(tmp_->File("saved.csv")));
  // The same search twice: the same file.
  auto again = testing::Run(SuggestArgs(tmp_->File("suggestions2.json")));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReadFile(tmp_->File("suggestions.json")), ReadFile(tmp_->File("suggestions2.json")));
}

TEST_F(SuggestCliTest, PlainCsvStaysPlain) {
  const auto sj = nlohmann::json::parse(ReadFile(tmp_->File("suggestions.json")));
  ASSERT_GT(sj["suggestions"].size(), 0u);
  const auto& s = sj["suggestions"][0];
  std::string plain = "practice_code,pcn_code,pcn_name\n";
  std::set<std::string> seen;
  for (const auto& m : s["moves"]) {
    if (!seen.insert(m["practice"].get<std::string>()).second) continue;
    plain += m["practice"].get<std::string>() + "," + m["from_pcn"].get<std::string>() +
             ",\"Old, name\"\n";
  }
  testing::WriteFile(tmp_->File("plain.csv"), plain);
  auto a = testing::Run({PCNV_CLI, "suggest", "--practices", tmp_->File("plain.csv"), "--apply",
                         s["id"], "--suggestions", tmp_->File("suggestions.json"), "--out",
                         tmp_->File("plain_after.csv"), "--quiet"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const std::vector<std::string> lines = Lines(ReadFile(tmp_->File("plain_after.csv")));
  ASSERT_EQ(lines.size(), seen.size() + 1);
  EXPECT_EQ(lines[0], "practice_code,pcn_code,pcn_name");
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_THAT(lines[i], ::testing::HasSubstr(s["moves"][0]["to_pcn"].get<std::string>()));
  }
}

TEST_F(SuggestCliTest, BadInputsNameTheFileAndTheValue) {
  auto a =
      testing::Run({PCNV_CLI, "suggest", "--practices", map_, "--apply", "s000000000000",
                    "--suggestions", tmp_->File("suggestions.json"), "--out", tmp_->File("x.csv")});
  EXPECT_EQ(a.exit_code, 2);
  EXPECT_THAT(a.err, ::testing::HasSubstr("no suggestion with id 's000000000000'"));
  testing::WriteFile(tmp_->File("lock.txt"), "# locked\nNOPE99\n");
  std::vector<std::string> args = Args("suggest", map_, tmp_->File("y.json"));
  args.push_back("--lock");
  args.push_back(tmp_->File("lock.txt"));
  auto b = testing::Run(args);
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_THAT(b.err,
              ::testing::HasSubstr("lock.txt row 2: 'NOPE99' is neither a practice nor a PCN"));
}

// `pcnv validate --html --suggest`: each failing PCN's section says what would fix it. Under
// the default constraints the sample's small PCN has nothing to try (its neighbours are in
// another sub-ICB), and the section says how to widen the search.
TEST_F(SuggestCliTest, ValidateHtmlSaysWhatWouldFixEachFailingPcn) {
  std::vector<std::string> args = Args("validate", map_, tmp_->File("fix.json"));
  for (const char* a : {"--html", "", "--suggest"}) args.push_back(a);
  args[args.size() - 2] = tmp_->File("fix.html");
  auto v = testing::Run(args);
  ASSERT_EQ(v.exit_code, 1) << v.err;
  const std::string html = ReadFile(tmp_->File("fix.html"));
  const size_t u90007 = html.find("id=\"pcn-U90007\"");
  ASSERT_NE(u90007, std::string::npos);
  const std::string section = html.substr(u90007, html.find("</section>", u90007) - u90007);
  EXPECT_THAT(section, ::testing::HasSubstr("What would fix it"));
  EXPECT_THAT(section, ::testing::HasSubstr("--allow-cross-sub-icb"));
  // Without --suggest, no such section; --suggest without --html is refused.
  args.pop_back();
  args[args.size() - 1] = tmp_->File("plain.html");
  ASSERT_EQ(testing::Run(args).exit_code, 1);
  EXPECT_THAT(ReadFile(tmp_->File("plain.html")),
              ::testing::Not(::testing::HasSubstr("What would fix it")));
  auto refused = testing::Run(
      {PCNV_CLI, "validate", "--practices", map_, "--out", tmp_->File("r.json"), "--suggest"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, ::testing::HasSubstr("give --html FILE"));
}

// --apply writes as every pcnv writer does (geo/io/file_io.h): a device is refused before
// anything is written, and the configuration already at --out stays as it was.
TEST_F(SuggestCliTest, ApplyRefusesADeviceAndKeepsAGoodFileOnFailure) {
  const auto sj = nlohmann::json::parse(ReadFile(tmp_->File("suggestions.json")));
  ASSERT_GT(sj["suggestions"].size(), 0u);
  const std::string id = sj["suggestions"][0]["id"];
  auto a = testing::Run({PCNV_CLI, "suggest", "--practices", map_, "--apply", id, "--suggestions",
                         tmp_->File("suggestions.json"), "--out", "/dev/full", "--quiet"});
  EXPECT_EQ(a.exit_code, 2) << a.err;
  EXPECT_THAT(a.err, ::testing::HasSubstr("/dev/full: is a character device, not a regular file"));
  const std::string kept = tmp_->File("kept.csv");
  testing::WriteFile(kept, "a good file\n");
  auto b = testing::Run({PCNV_CLI, "suggest", "--practices", map_, "--apply", "s000000000000",
                         "--suggestions", tmp_->File("suggestions.json"), "--out", kept});
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_EQ(ReadFile(kept), "a good file\n");
}

}  // namespace
}  // namespace pcnv
