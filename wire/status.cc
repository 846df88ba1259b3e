#include "wire/status.h"

#include <google/protobuf/any.pb.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

// "field.path[3].name: why" -> field path, when the part before ": " looks like one.
bool SplitFieldMessage(absl::string_view message, absl::string_view* field,
                       absl::string_view* why) {
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || colon == 0) return false;
  const absl::string_view head = message.substr(0, colon);
  for (char c : head) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '[' || c == ']';
    if (!ok) return false;
  }
  *field = head;
  *why = message.substr(colon + 2);
  return true;
}

}  // namespace

std::string TypeUrl(const google::protobuf::Message& message) {
  return std::string(kTypePrefix) + message.GetDescriptor()->full_name();
}

void AttachDetail(absl::Status& status, const google::protobuf::Message& detail) {
  status.SetPayload(TypeUrl(detail), absl::Cord(detail.SerializeAsString()));
}

absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view description) {
  google::rpc::BadRequest bad;
  google::rpc::BadRequest::FieldViolation* v = bad.add_field_violations();
  v->set_field(std::string(field));
  v->set_description(std::string(description));
  AttachDetail(status, bad);
  return status;
}

absl::Status BadField(absl::string_view field, absl::string_view why) {
  return WithFieldViolation(absl::InvalidArgumentError(absl::StrCat(field, ": ", why)), field, why);
}

absl::Status WithFieldPrefix(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  absl::Status out(status.code(), std::string(prefix) + std::string(status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  if (std::optional<google::rpc::BadRequest> bad = GetDetail<google::rpc::BadRequest>(status)) {
    for (google::rpc::BadRequest::FieldViolation& v : *bad->mutable_field_violations()) {
      v.set_field(std::string(prefix) + v.field());
    }
    AttachDetail(out, *bad);
  }
  return out;
}

absl::Status WithErrorInfo(absl::Status status, absl::string_view reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kDomain);
  AttachDetail(status, info);
  return status;
}

grpc::Status ToGrpcStatus(const absl::Status& in) {
  if (in.ok()) return grpc::Status::OK;
  absl::Status status = in;
  absl::string_view field, why;
  if (status.code() == absl::StatusCode::kInvalidArgument &&
      !GetDetail<google::rpc::BadRequest>(status) &&
      SplitFieldMessage(status.message(), &field, &why)) {
    status = WithFieldViolation(status, field, why);
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
  return out;
}

}  // namespace pcnv::wire
