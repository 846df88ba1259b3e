// The absl <-> grpc status funnel keeps code and message, both ways.
#include "server/status.h"

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
    EXPECT_EQ(FromGrpcStatus(g), s);
  }
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
  const absl::Status s = FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(99), "odd"));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "odd");
}

}  // namespace
}  // namespace pcnv::wire
