// The absl <-> grpc status funnel keeps code and message, both ways.
#include "wire/status.h"

#include <set>
#include <string>

#include "geo/field_error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace pcnv::wire {
namespace {

TEST(StatusFunnel, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusFunnel, KeepsCodeAndMessage) {
  const absl::Status cases[] = {
      absl::InvalidArgumentError("distribution.rows[12].patients: -4 is negative"),
      absl::FailedPreconditionError("reference data is not loaded yet"),
      absl::ResourceExhaustedError("too many rows"),
      absl::DeadlineExceededError("deadline"),
      absl::InternalError("bug"),
      absl::UnavailableError("down"),
      absl::UnauthenticatedError("no token"),
      absl::PermissionDeniedError("not yours"),
      absl::NotFoundError("no such PCN"),
      absl::CancelledError("cancelled"),
  };
  for (const absl::Status& s : cases) {
    const grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(s.code())) << s;
    EXPECT_EQ(g.error_message(), s.message());
    const absl::Status back = FromGrpcStatus(g);
    EXPECT_EQ(back.code(), s.code());
    EXPECT_EQ(back.message(), s.message());
  }
}

TEST(StatusFunnel, InvalidArgumentCarriesAFieldViolation) {
  const grpc::Status g =
      ToGrpcStatus(FieldError("distribution.rows[12].patients", "-4 is negative"));
  EXPECT_EQ(g.error_message(), "distribution.rows[12].patients: -4 is negative");
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  EXPECT_EQ(details.code(), 3);
  EXPECT_EQ(details.message(), g.error_message());
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.BadRequest");
  google::rpc::BadRequest bad;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "distribution.rows[12].patients");
  EXPECT_EQ(bad.field_violations(0).description(), "-4 is negative");

  // And back: the client sees the same violation as a payload.
  std::optional<google::rpc::BadRequest> again =
      GetDetail<google::rpc::BadRequest>(FromGrpcStatus(g));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->field_violations(0).field(), "distribution.rows[12].patients");
  // ... and in the domain's own form.
  std::optional<FieldViolation> domain = FieldViolationOf(FromGrpcStatus(g));
  ASSERT_TRUE(domain.has_value());
  EXPECT_EQ(domain->field, "distribution.rows[12].patients");
  EXPECT_EQ(domain->why, "-4 is negative");
}

// The field comes from the structured payload, never from the words: a message that merely
// looks like "field: why" carries no violation.
TEST(StatusFunnel, MessageTextIsNotParsedForAField) {
  const grpc::Status g =
      ToGrpcStatus(absl::InvalidArgumentError("distribution.rows[12].patients: -4 is negative"));
  EXPECT_TRUE(g.error_details().empty());
}

TEST(StatusFunnel, NestedRequestsPrefixTheFieldAndTheMessage) {
  const grpc::Status g = ToGrpcStatus(PrefixField(FieldError("memberships", "empty"), "base."));
  EXPECT_EQ(g.error_message(), "base.memberships: empty");
  std::optional<google::rpc::BadRequest> bad =
      GetDetail<google::rpc::BadRequest>(FromGrpcStatus(g));
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field_violations(0).field(), "base.memberships");
  EXPECT_EQ(bad->field_violations(0).description(), "empty");
}

// Every reason in the catalogue reaches clients as its short name, and the names are distinct.
TEST(StatusFunnel, EveryErrorReasonHasADistinctShortName) {
  const google::protobuf::EnumDescriptor* reasons = v1::ErrorReason_descriptor();
  std::set<std::string> names;
  for (int i = 0; i < reasons->value_count(); ++i) {
    const auto reason = static_cast<v1::ErrorReason>(reasons->value(i)->number());
    const std::string name = ErrorReasonName(reason);
    EXPECT_EQ(name.find("ERROR_REASON_"), std::string::npos) << name;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_EQ(ErrorReasonName(v1::ERROR_REASON_SERVER_BUSY), "SERVER_BUSY");
  EXPECT_EQ(ErrorReasonName(v1::ERROR_REASON_BASE_REPORT_STALE), "BASE_REPORT_STALE");
}

TEST(StatusFunnel, MessagesThatAreNotFieldPathsGetNoViolation) {
  const grpc::Status g = ToGrpcStatus(absl::InvalidArgumentError("the request is odd: really"));
  EXPECT_TRUE(g.error_details().empty());
  EXPECT_TRUE(ToGrpcStatus(absl::InternalError("bug")).error_details().empty());
}

TEST(StatusFunnel, ExplicitDetailsTravel) {
  absl::Status s =
      WithErrorInfo(absl::ResourceExhaustedError("busy"), v1::ERROR_REASON_SERVER_BUSY);
  const absl::Status back = FromGrpcStatus(ToGrpcStatus(s));
  std::optional<google::rpc::ErrorInfo> info = GetDetail<google::rpc::ErrorInfo>(back);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "SERVER_BUSY");
  EXPECT_EQ(info->domain(), "pcnv");
}

TEST(StatusFunnel, NamedCodesLineUp) {
  EXPECT_EQ(ToGrpcStatus(absl::InvalidArgumentError("x")).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ToGrpcStatus(absl::FailedPreconditionError("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ToGrpcStatus(absl::ResourceExhaustedError("x")).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST(StatusFunnel, NonCanonicalWireCodeIsNeverOk) {
  // 20: no canonical code, yet a value grpc::StatusCode can hold (its enumerators 0..16 give it
  // the range 0..31); a value outside that range would be undefined behaviour (UBSan: enum).
  const absl::Status s = FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(20), "odd"));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "odd");
}

}  // namespace
}  // namespace pcnv::wire
