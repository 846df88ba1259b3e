// MEM005 and MEM006 through Validate: the practice register's closed, dormant, proposed and
// unlisted practices and its non-GP prescribing settings are reported (never silently used or
// dropped: each still counts in its PCN), NOT_EVALUATED without a register or with one that
// lists none of the practices; and their wording at the edge cases.
#include <map>

#include "geo/rules/messages.h"
#include "geo/validate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Of;
using testing::Outcome;

std::shared_ptr<const ReferenceData> Empty() {
  return std::make_shared<const ReferenceData>(std::vector<Area>{}, std::vector<FootprintLayer>{},
                                               absl::flat_hash_map<std::string, PostcodeEntry>{},
                                               std::vector<LayerInfo>{}, "", "");
}

Membership Member(std::string practice, std::string pcn, int row) {
  Membership m;
  m.practice_code = std::move(practice);
  m.practice_name = "";  // as the ePCN sheets give no name for some rows
  m.pcn_code = std::move(pcn);
  m.row = row;
  return m;
}

RegisteredPractice Reg(std::string code, char status, int setting, int row, std::string close = "",
                       std::string open = "2000-01-01") {
  RegisteredPractice p;
  p.code = std::move(code);
  p.name = "REGISTER NAME " + p.code;
  p.status = status;
  p.prescribing_setting = setting;
  p.row = row;
  p.open_date = std::move(open);
  p.close_date = std::move(close);
  return p;
}

// Six practices: active GP, closed, dormant, proposed, unlisted, and an active walk-in centre.
ValidationInput Input() {
  ValidationInput in;
  in.memberships = {Member("P00001", "U00001", 1), Member("P00002", "U00001", 2),
                    Member("P00003", "U00002", 3), Member("P00004", "U00002", 4),
                    Member("P00005", "U00002", 5), Member("P00006", "U", 6)};
  in.practice_register = std::vector<RegisteredPractice>{
      Reg("P00001", 'A', 4, 10),
      Reg("P00002", 'C', 4, 11, "2021-03-31"),
      Reg("P00003", 'D', 4, 12),
      Reg("P00004", 'P', 4, 13, "", "2023-01-01"),
      Reg("P00006", 'A', 1, 14),
      Reg("Z99999", 'C', 9, 15, "2010-01-01")};  // closed, not a GP practice, in no PCN file
  return in;
}

Report Check(const ValidationInput& in) {
  auto r = Validate(*Empty(), in, ValidationOptions());
  EXPECT_TRUE(r.ok()) << r.status();
  return *r;
}

TEST(RegisterRulesTest, NotActivePracticesAreReportedAndStillCounted) {
  const Report r = Check(Input());
  EXPECT_EQ(Outcome(r, "MEM005").state, RuleState::kEvaluated);
  std::map<std::string, const Finding*> by_practice;
  for (const Finding* f : Of(r, "MEM005")) by_practice[f->practice] = f;
  ASSERT_EQ(by_practice.size(), 4u);  // P00002-P00005; never Z99999, which is in no PCN file
  EXPECT_EQ(std::get<std::string>(by_practice["P00002"]->values.at("status")), "closed");
  EXPECT_EQ(std::get<std::string>(by_practice["P00002"]->values.at("close_date")), "2021-03-31");
  EXPECT_EQ(std::get<int64_t>(by_practice["P00002"]->values.at("register_row")), 11);
  EXPECT_EQ(std::get<int64_t>(by_practice["P00002"]->values.at("row")), 2);
  EXPECT_EQ(by_practice["P00002"]->pcn, "U00001");
  EXPECT_EQ(by_practice["P00002"]->severity, Severity::kWarning);
  EXPECT_EQ(std::get<std::string>(by_practice["P00003"]->values.at("status")), "dormant");
  EXPECT_EQ(std::get<std::string>(by_practice["P00004"]->values.at("status")), "proposed");
  EXPECT_EQ(std::get<std::string>(by_practice["P00005"]->values.at("status")), "not_in_register");
  EXPECT_EQ(by_practice["P00005"]->values.count("register_row"), 0u);
  // The register's name stands in for the blank one of the practice file.
  EXPECT_THAT(by_practice["P00002"]->message, HasSubstr("REGISTER NAME P00002"));
  // Still counted: the PCN keeps its closed member.
  for (const PcnEntry& p : r.pcns) {
    if (p.code == "U00001") EXPECT_EQ(p.practices.size(), 2u);
  }
}

TEST(RegisterRulesTest, NonGpSettingsAreReported) {
  const Report r = Check(Input());
  EXPECT_EQ(Outcome(r, "MEM006").state, RuleState::kEvaluated);
  auto found = Of(r, "MEM006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->practice, "P00006");
  EXPECT_EQ(found[0]->pcn, "");  // listed with PCN code U
  EXPECT_EQ(std::get<int64_t>(found[0]->values.at("prescribing_setting")), 1);
  EXPECT_EQ(std::get<std::string>(found[0]->values.at("setting_name")), "WIC Practice");
}

TEST(RegisterRulesTest, NotEvaluatedWithoutAUsableRegister) {
  ValidationInput in = Input();
  in.practice_register.reset();
  Report r = Check(in);
  for (const char* rule : {"MEM005", "MEM006"}) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kNotEvaluated) << rule;
    EXPECT_THAT(Outcome(r, rule).reason, HasSubstr("--practice-register")) << rule;
    EXPECT_TRUE(Of(r, rule).empty()) << rule;
  }
  // A register for somewhere else: every practice would read "not in the register".
  in.practice_register = std::vector<RegisteredPractice>{Reg("W99999", 'A', 4, 1)};
  r = Check(in);
  for (const char* rule : {"MEM005", "MEM006"}) {
    EXPECT_EQ(Outcome(r, rule).state, RuleState::kNotEvaluated) << rule;
    EXPECT_THAT(Outcome(r, rule).reason, HasSubstr("lists none of the practice file's practices"));
    EXPECT_TRUE(Of(r, rule).empty()) << rule;
  }
}

TEST(RegisterRulesTest, Mem005Wording) {
  EXPECT_EQ(
      msg::Mem005NotActive("A81003", "VICTORIA", "U12345", 'C', "2017-10-31"),
      "Practice A81003 VICTORIA is closed in the practice register since 2017-10-31. It still "
      "counts as a member of U12345 here. Remove it from the PCN, or correct the register.");
  // No close date, no name, no PCN.
  const std::string closed = msg::Mem005NotActive("A81003", "", "", 'C', "");
  EXPECT_THAT(closed, HasSubstr("Practice A81003 is closed in the practice register. It is in "
                                "the practice file but in no PCN."));
  EXPECT_THAT(closed, Not(HasSubstr("  ")));
  EXPECT_THAT(closed, Not(HasSubstr("()")));
  EXPECT_THAT(msg::Mem005NotActive("A1", "", "U1", 'D', ""),
              HasSubstr("is dormant in the practice register (no practitioners linked to it)"));
  EXPECT_THAT(msg::Mem005NotActive("A1", "", "U1", 'P', "2023-01-01"),
              HasSubstr("is only proposed in the practice register (not yet open, opening "
                        "2023-01-01)."));
  EXPECT_THAT(msg::Mem005NotActive("A1", "", "U1", 'P', ""), HasSubstr("(not yet open)."));
  EXPECT_THAT(msg::Mem005NotActive("A1", "", "U1", '\0', ""),
              HasSubstr("is not in the practice register, so its status and prescribing "
                        "setting cannot be checked."));
}

TEST(RegisterRulesTest, Mem006Wording) {
  EXPECT_EQ(msg::Mem006NotGpPractice("Y00001", "WALK-IN", "U1", 1),
            "Practice Y00001 WALK-IN has prescribing setting 1 (WIC Practice) in the practice "
            "register, not 4 (GP Practice); a PCN's core partners are GP practices. It still "
            "counts as a member of U1 here.");
  EXPECT_THAT(msg::Mem006NotGpPractice("Y00001", "", "", 7),
              HasSubstr("prescribing setting 7 (an unknown setting)"));
  EXPECT_EQ(msg::PrescribingSettingName(0), "Other");
  EXPECT_EQ(msg::PrescribingSettingName(25), "Prison");
  EXPECT_EQ(msg::PrescribingSettingName(23), "an unknown setting");
}

}  // namespace
}  // namespace pcnv
