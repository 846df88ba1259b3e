// The early-return macros: each returns the first error and otherwise carries on with the value.
#include "geo/status_macros.h"

#include <string>

#include "geo/field_error.h"
#include "gtest/gtest.h"

namespace pcnv {
namespace {

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return FieldError("n", "is odd");
  return n / 2;
}

absl::StatusOr<int> Quarter(int n) {
  PCNV_ASSIGN_OR_RETURN(const int half, Half(n));
  PCNV_ASSIGN_OR_RETURN(const int quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int n) {
  PCNV_RETURN_IF_ERROR(Half(n).status());
  return absl::OkStatus();
}

TEST(StatusMacros, AssignOrReturnGivesTheValueOrTheFirstError) {
  EXPECT_EQ(*Quarter(12), 3);
  const absl::Status odd = Quarter(6).status();  // 6 -> 3, which is odd
  EXPECT_EQ(odd.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(odd.message(), "n: is odd");
}

TEST(StatusMacros, ReturnIfErrorPassesOkAndReturnsErrors) {
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), absl::StatusCode::kInvalidArgument);
}

TEST(FieldError, CarriesTheFieldAsDataAndPrefixesNest) {
  const absl::Status s = FieldError("share_threshold", "2 is outside (0, 1]");
  EXPECT_EQ(s.message(), "share_threshold: 2 is outside (0, 1]");
  std::optional<FieldViolation> v = FieldViolationOf(PrefixField(s, "candidate.options."));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->field, "candidate.options.share_threshold");
  EXPECT_EQ(v->why, "2 is outside (0, 1]");
  EXPECT_FALSE(FieldViolationOf(absl::InvalidArgumentError("x: y")).has_value());
  EXPECT_TRUE(PrefixField(absl::OkStatus(), "base.").ok());
}

}  // namespace
}  // namespace pcnv
