// A ruleset's named bridges must name areas of the snapshot: an unknown code is refused with the
// field that holds it, not silently ignored.
#include "absl/strings/match.h"
#include "geo/field_error.h"
#include "geo/validate.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

ValidationInput OnePcn() {
  ValidationInput in;
  in.memberships = {{.practice_code = "P1", .pcn_code = "U10000", .pcn_name = "First"}};
  in.distribution = Distribution{.level = DistributionLevel::kArea,
                                 .rows = {{"P1", "E01000001", 90, 1}, {"P1", "E01000003", 80, 2}}};
  return in;
}

TEST(BridgesTest, UnknownAreaCodeIsRefusedNamingTheBridge) {
  auto ref =
      testing::MakeReference({{"E01000001", 0, 0}, {"E01000002", 1, 0}, {"E01000003", 3, 0}});
  ValidationOptions options;
  options.ruleset.contiguity.bridges = {{"E01000001", "E01000003"}, {"E01000002", "E01999999"}};
  absl::StatusOr<Report> r = Validate(*ref, OnePcn(), options);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "E01999999")) << r.status();
  std::optional<FieldViolation> v = FieldViolationOf(r.status());
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->field, "ruleset.contiguity.bridges[1]");

  options.ruleset.contiguity.bridges.pop_back();  // the known pair joins the two parts
  r = Validate(*ref, OnePcn(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  for (const Finding& f : r->findings) EXPECT_NE(f.rule, "CON001") << f.message;
}

}  // namespace
}  // namespace pcnv
