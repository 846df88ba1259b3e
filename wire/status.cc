#include "wire/status.h"

#include <google/protobuf/any.pb.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "geo/field_error.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace pcnv::wire {
namespace {

// Both enums are the canonical google.rpc.Code numbering. Pin that down here so that the casts
// below can never silently change a code's meaning.
static_assert(static_cast<int>(absl::StatusCode::kInvalidArgument) ==
              static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
static_assert(static_cast<int>(absl::StatusCode::kFailedPrecondition) ==
              static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));
static_assert(static_cast<int>(absl::StatusCode::kResourceExhausted) ==
              static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
static_assert(static_cast<int>(absl::StatusCode::kUnauthenticated) ==
              static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
static_assert(static_cast<int>(absl::StatusCode::kDataLoss) ==
              static_cast<int>(grpc::StatusCode::DATA_LOSS));

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";
constexpr char kDomain[] = "pcnv";

}  // namespace

std::string TypeUrl(const google::protobuf::Message& message) {
  return std::string(kTypePrefix) + message.GetDescriptor()->full_name();
}

void AttachDetail(absl::Status& status, const google::protobuf::Message& detail) {
  status.SetPayload(TypeUrl(detail), absl::Cord(detail.SerializeAsString()));
}

std::string ErrorReasonName(v1::ErrorReason reason) {
  const std::string& name = v1::ErrorReason_Name(reason);
  return std::string(absl::StripPrefix(name, "ERROR_REASON_"));
}

absl::Status WithErrorInfo(absl::Status status, v1::ErrorReason reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(ErrorReasonName(reason));
  info.set_domain(kDomain);
  AttachDetail(status, info);
  return status;
}

grpc::Status ToGrpcStatus(const absl::Status& in) {
  if (in.ok()) return grpc::Status::OK;
  absl::Status status = in;
  if (std::optional<FieldViolation> v = FieldViolationOf(status);
      v && !GetDetail<google::rpc::BadRequest>(status)) {
    google::rpc::BadRequest bad;
    google::rpc::BadRequest::FieldViolation* out = bad.add_field_violations();
    out->set_field(v->field);
    out->set_description(v->why);
    AttachDetail(status, bad);
  }
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    if (!absl::StartsWith(url, kTypePrefix)) return;
    google::protobuf::Any* any = details.add_details();
    any->set_type_url(std::string(url));
    any->set_value(std::string(payload));
  });
  // absl::Status already folds any non-canonical code into kUnknown, so the cast is total.
  const std::string message(status.message());
  if (details.details_size() == 0) {
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // A non-canonical wire code becomes kUnknown inside absl::Status's constructor.
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& any : details.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  // The field travels back into the domain's form too, for code that reads it there.
  if (std::optional<google::rpc::BadRequest> bad = GetDetail<google::rpc::BadRequest>(out);
      bad && bad->field_violations_size() > 0) {
    SetFieldViolation(out,
                      {bad->field_violations(0).field(), bad->field_violations(0).description()});
  }
  return out;
}

}  // namespace pcnv::wire
