// The domain-level guards against hostile values (docs/HOSTILE_INPUTS.md): UTF-8 checks, the
// bounds on counts and coordinates, the option checks both front doors share, and the number
// formatting that used to overflow.
#include <cstdint>
#include <limits>
#include <string>

#include "geo/format.h"
#include "geo/geometry.h"
#include "geo/input_limits.h"
#include "geo/options_check.h"
#include "geo/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pcnv {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(Utf8Test, FindsTheFirstIllFormedByte) {
  EXPECT_EQ(FirstInvalidUtf8("plain ASCII"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("Caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x8F\xA5"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("Caf\xE9"), 3u);           // Latin-1 é
  EXPECT_EQ(FirstInvalidUtf8("ab\xC3"), 2u);            // truncated sequence
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("x\xED\xA0\x80"), 1u);     // a surrogate
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("ok\x80"), 2u);            // a lone continuation byte
}

TEST(Utf8Test, MessagesEscapeBadBytesAndStayShort) {
  EXPECT_EQ(EscapeForMessage("Caf\xE9\n"), "Caf\\xE9\\x0A");
  EXPECT_EQ(EscapeForMessage(std::string(1000, 'a'), 10), "aaaaaaaaaa...");
  EXPECT_EQ(NotUtf8Why("Caf\xE9", 3),
            "'Caf\\xE9' is not UTF-8 text: byte 4 is 0xE9 (a Windows-1252 or Latin-1 "
            "character?)");
}

TEST(WktTest, HugeCoordinatesDoNotOverrunGeosBuffer) {
  // GEOS 3.11's trimmed WKT writer formats 1e308 into a 128-byte stack buffer: "stack smashing
  // detected". ToWkt takes the untrimmed path for such coordinates.
  auto g = Geometry::FromWkt("POLYGON((1e308 0, 1e308 1e308, 0 1e308, 1e308 0))");
  ASSERT_TRUE(g.ok()) << g.status();
  const std::string wkt = g->ToWkt(1);
  EXPECT_THAT(wkt, HasSubstr("POLYGON"));
  EXPECT_GT(wkt.size(), 308u);  // the number in full
  auto point = Geometry::FromWkt("POINT(-1e300 5)");
  ASSERT_TRUE(point.ok());
  EXPECT_THAT(point->ToWkt(2), HasSubstr("POINT"));
  // Ordinary coordinates are written trimmed, as before.
  auto small = Geometry::FromWkt("POINT(400000.26 300000)");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->ToWkt(1), "POINT (400000.3 300000)");
}

TEST(FormatTest, GroupedHandlesTheMostNegativeInteger) {
  EXPECT_EQ(Grouped(std::numeric_limits<int64_t>::min()), "-9,223,372,036,854,775,808");
  EXPECT_EQ(Grouped(std::numeric_limits<int64_t>::max()), "9,223,372,036,854,775,807");
  EXPECT_EQ(Grouped(-1234), "-1,234");
}

TEST(InputLimitsTest, PatientCountsAreBounded) {
  EXPECT_TRUE(CheckPatients(0).ok());
  EXPECT_TRUE(CheckPatients(kMaxPatients).ok());
  EXPECT_EQ(Message(CheckPatients(-4)), "-4 is negative");
  EXPECT_THAT(Message(CheckPatients(std::numeric_limits<int64_t>::max())),
              HasSubstr("9223372036854775807 is more than 1,000,000"));
}

TEST(InputLimitsTest, PatientSumsSaturateInsteadOfOverflowing) {
  int64_t total = std::numeric_limits<int64_t>::max() - 1;
  AddPatients(total, 5);
  EXPECT_EQ(total, std::numeric_limits<int64_t>::max());
  total = 10;
  AddPatients(total, 5);
  EXPECT_EQ(total, 15);
}

TEST(InputLimitsTest, CoordinatesOutsideGreatBritainAreRefused) {
  EXPECT_TRUE(CheckGbLonLat(-1.5, 53.8).ok());  // Leeds
  EXPECT_THAT(Message(CheckGbLonLat(53.8, -1.5)), HasSubstr("looks swapped"));
  EXPECT_THAT(Message(CheckGbLonLat(2.35, 48.86)), HasSubstr("outside Great Britain"));  // Paris
  EXPECT_THAT(Message(CheckGbLonLat(std::numeric_limits<double>::infinity(), 53)),
              HasSubstr("not a pair of finite numbers"));
  EXPECT_TRUE(CheckBngBox(400000, 300000, 401000, 301000).ok());
  EXPECT_THAT(Message(CheckBngBox(0, 0, 1e308, 10)), HasSubstr("outside Great Britain"));
  EXPECT_THAT(Message(CheckBngBox(0, 0, std::numeric_limits<double>::infinity(), 10)),
              HasSubstr("not a finite number"));
  EXPECT_THAT(Message(CheckBngPoint(1'200'000, 400'000)), HasSubstr("looks swapped"));
}

TEST(OptionsCheckTest, DatesMustBeRealCalendarDates) {
  EXPECT_TRUE(CheckDate("2024-02-29").ok());
  EXPECT_THAT(Message(CheckDate("2026-02-30")), HasSubstr("month 2 of 2026 has 28 days"));
  EXPECT_THAT(Message(CheckDate("2026-13-01")), HasSubstr("there is no month 13"));
  EXPECT_THAT(Message(CheckDate("2026-00-01")), HasSubstr("there is no month 0"));
  EXPECT_THAT(Message(CheckDate("20260101")), HasSubstr("is not a date (YYYY-MM-DD)"));
  EXPECT_THAT(Message(CheckDate("yesterday")), HasSubstr("is not a date"));
}

TEST(OptionsCheckTest, RulesetSettingsAreRangeChecked) {
  const RulesetSetting* iou = FindRulesetSetting("OVL003", "min_iou");
  ASSERT_NE(iou, nullptr);
  EXPECT_TRUE(CheckRulesetValue(*iou, 0.6).ok());
  EXPECT_THAT(Message(CheckRulesetValue(*iou, 1.5)), HasSubstr("1.5 is more than 1"));
  EXPECT_THAT(Message(CheckRulesetValue(*iou, -0.1)), HasSubstr("is negative"));
  EXPECT_THAT(Message(CheckRulesetValue(*iou, std::nan(""))), HasSubstr("not a finite number"));
  const RulesetSetting* minimum = FindRulesetSetting("POP001", "minimum");
  ASSERT_NE(minimum, nullptr);
  EXPECT_THAT(Message(CheckRulesetValue(*minimum, 1e300)), HasSubstr("1e+300 is more than"));
  EXPECT_THAT(Message(CheckRulesetValue(*minimum, 9.3e18)), HasSubstr("is more than"));
  EXPECT_THAT(Message(CheckRulesetValue(*minimum, 100.5)), HasSubstr("not a whole number"));
  EXPECT_EQ(FindRulesetSetting("OVL003", "max_iou"), nullptr);
}

TEST(OptionsCheckTest, RequestNamesAreTheWireFieldPaths) {
  ValidationOptions o;
  o.ruleset.ovl003_min_iou = 1.5;
  EXPECT_EQ(Message(CheckValidationOptions(o, OptionNames::kRequest)),
            "options.ruleset.ovl003_min_iou: 1.5 is more than 1: it is an intersection over "
            "union, 0 to 1");
  EXPECT_EQ(Message(CheckValidationOptions(o, OptionNames::kFiles)),
            "rules.OVL003.min_iou: 1.5 is more than 1: it is an intersection over union, 0 to 1");
  o = ValidationOptions();
  o.ruleset.pop_min = std::numeric_limits<int64_t>::max();
  EXPECT_THAT(Message(CheckValidationOptions(o, OptionNames::kRequest)),
              HasSubstr("options.ruleset.pop_min: 9.22337e+18 is more than 1e+08"));
  o = ValidationOptions();
  o.ruleset.disabled.insert("NOPE01");
  EXPECT_THAT(Message(CheckValidationOptions(o, OptionNames::kRequest)),
              HasSubstr("options.ruleset.disabled: unknown rule code 'NOPE01'"));
  o = ValidationOptions();
  o.waivers = {{"POP001", "U1", "reason", "board", "2026-02-30"}};
  EXPECT_THAT(Message(CheckValidationOptions(o, OptionNames::kRequest)),
              HasSubstr("options.waivers[0].expires: '2026-02-30' is not a date"));
  o.waivers = {{"POP001", "", "reason", "board", "2027-01-01"}};
  EXPECT_EQ(Message(CheckValidationOptions(o, OptionNames::kRequest)),
            "options.waivers[0].pcn: missing or empty");
  o = ValidationOptions();
  o.as_of = "2026-13-01";
  EXPECT_THAT(Message(CheckValidationOptions(o, OptionNames::kRequest)),
              HasSubstr("options.as_of: '2026-13-01' is not a date"));
  EXPECT_TRUE(CheckValidationOptions(ValidationOptions(), OptionNames::kRequest).ok());
}

}  // namespace
}  // namespace pcnv
