// Hostile options and counts through the real pcnv-server (docs/HOSTILE_INPUTS.md): the server
// refuses the ruleset values, rule codes, waivers, dates and patient counts the CLI refuses, with
// the same words (geo/options_check.h, geo/input_limits.h), as INVALID_ARGUMENT carrying a
// google.rpc.BadRequest that names the field, and keeps serving.
#include <grpcpp/client_context.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/input_limits.h"
#include "geo/options_check.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "tests/server/server_harness.h"
#include "wire/convert.h"

namespace pcnv::testing {
namespace {

constexpr char kService[] = "pcnv.v1.BoundaryValidator";

std::optional<google::rpc::BadRequest> BadRequestOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) return bad;
  }
  return std::nullopt;
}

std::string Why(const absl::Status& s) { return std::string(s.message()); }

TEST(HostileOptionsServerTest, RefusesWhatTheCliRefusesWithTheSameWords) {
  TempDir dir;
  const std::string reference = dir.File("ref.gpkg");
  WriteTinyReference(reference);
  ServerProcess server({"--reference", reference});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  auto channel = Connect(server.target());
  ASSERT_TRUE(WaitUntilServing(channel, kService)) << server.Stderr();
  auto stub = v1::BoundaryValidator::NewStub(channel);
  const v1::ValidateRequest good = wire::MakeRequest(TinyInput(), ValidationOptions());

  const RulesetSetting& iou = *FindRulesetSetting("OVL003", "min_iou");
  const RulesetSetting& share = *FindRulesetSetting("CON001", "min_share");
  const RulesetSetting& minimum = *FindRulesetSetting("POP001", "minimum");
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max();
  struct Case {
    std::string field;
    std::string why;  // the description, word for word
    std::function<void(v1::ValidateRequest&)> spoil;
  };
  const Case cases[] = {
      {"options.ruleset.ovl003_min_iou", Why(CheckRulesetValue(iou, 1.5)),
       [](v1::ValidateRequest& q) {
         q.mutable_options()->mutable_ruleset()->set_ovl003_min_iou(1.5);
       }},
      {"options.ruleset.con_detached_min_share", Why(CheckRulesetValue(share, 2)),
       [](v1::ValidateRequest& q) {
         q.mutable_options()->mutable_ruleset()->set_con_detached_min_share(2);
       }},
      {"options.ruleset.pop_min", Why(CheckRulesetValue(minimum, static_cast<double>(kHuge))),
       [](v1::ValidateRequest& q) { q.mutable_options()->mutable_ruleset()->set_pop_min(kHuge); }},
      {"options.ruleset.disabled", "unknown rule code 'NOPE01' (docs/RULES.md lists them)",
       [](v1::ValidateRequest& q) {
         q.mutable_options()->mutable_ruleset()->add_disabled("NOPE01");
       }},
      {"options.waivers[0].expires", absl::StrCat(Why(CheckDate("2026-02-30"))),
       [](v1::ValidateRequest& q) {
         v1::Waiver* w = q.mutable_options()->add_waivers();
         w->set_rule("POP001");
         w->set_pcn("U00001");
         w->set_reason("r");
         w->set_approved_by("a");
         w->set_expires("2026-02-30");
       }},
      {"options.waivers[0].rule", "unknown rule code 'XYZ001' (docs/RULES.md lists them)",
       [](v1::ValidateRequest& q) {
         v1::Waiver* w = q.mutable_options()->add_waivers();
         w->set_rule("XYZ001");
         w->set_pcn("U00001");
         w->set_reason("r");
         w->set_approved_by("a");
         w->set_expires("2027-01-01");
       }},
      {"options.as_of", Why(CheckDate("2026-13-01")),
       [](v1::ValidateRequest& q) { q.mutable_options()->set_as_of("2026-13-01"); }},
      {"list_sizes.rows[0].patients", absl::StrCat(Why(CheckPatients(kHuge)), " (source row 1)"),
       [](v1::ValidateRequest& q) {
         v1::ListSize* s = q.mutable_list_sizes()->mutable_rows(0);
         s->set_patients(kHuge);
         s->set_row(1);
       }},
      {"distribution.rows[0].patients", "",
       [](v1::ValidateRequest& q) {
         q.mutable_distribution()->mutable_rows(0)->set_patients(int64_t{1} << 62);
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    v1::ValidateRequest bad = good;
    c.spoil(bad);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::ValidateResponse response;
    const grpc::Status status = stub->Validate(&context, bad, &response);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    std::optional<google::rpc::BadRequest> violations = BadRequestOf(status);
    ASSERT_TRUE(violations.has_value()) << status.error_message();
    ASSERT_EQ(violations->field_violations_size(), 1);
    EXPECT_EQ(violations->field_violations(0).field(), c.field);
    if (!c.why.empty()) EXPECT_EQ(violations->field_violations(0).description(), c.why);
    EXPECT_TRUE(absl::StrContains(status.error_message(), "more than") ||
                absl::StrContains(status.error_message(), "not a date") ||
                absl::StrContains(status.error_message(), "unknown rule code"))
        << status.error_message();
  }

  // Still serving: one bad request never takes the service down.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::ValidateResponse response;
  EXPECT_TRUE(stub->Validate(&context, good, &response).ok());
}

}  // namespace
}  // namespace pcnv::testing
