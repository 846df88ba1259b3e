// The one funnel between absl::Status (the domain's errors) and grpc::Status (the wire's).
// Every handler returns through ToGrpcStatus; the client maps back with FromGrpcStatus, so a
// server-side INVALID_ARGUMENT reaches the CLI as the same code with the same message.
//
// Error details (google.rpc.BadRequest, QuotaFailure, ErrorInfo) ride on the absl::Status as
// payloads keyed by their type URL ("type.googleapis.com/google.rpc.BadRequest"); the funnel packs
// every such payload into one google.rpc.Status in the `grpc-status-details-bin` trailer, and
// FromGrpcStatus unpacks them again.
//
// The catalogue of machine-readable reasons is proto/pcnv/v1/validator.proto's ErrorReason; a
// refusal of a request field is made with pcnv::FieldError (geo/field_error.h), whose structured
// field path the funnel turns into a google.rpc.BadRequest. Nothing is parsed out of message text.
#ifndef PCNV_WIRE_STATUS_H_
#define PCNV_WIRE_STATUS_H_

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// "type.googleapis.com/" + the message's full name.
std::string TypeUrl(const google::protobuf::Message& message);
// Adds `detail` as a payload (replacing one of the same type). No-op on an OK status.
void AttachDetail(absl::Status& status, const google::protobuf::Message& detail);
// Decodes the payload of T's type, if present and parseable.
template <typename T>
std::optional<T> GetDetail(const absl::Status& status) {
  T detail;
  absl::optional<absl::Cord> payload = status.GetPayload(TypeUrl(detail));
  if (!payload || !detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

// `status` with a google.rpc.ErrorInfo{reason, domain "pcnv"}; the reason is the ErrorReason
// value's name without its ERROR_REASON_ prefix ("SERVER_BUSY").
absl::Status WithErrorInfo(absl::Status status, v1::ErrorReason reason);
// "SERVER_BUSY" for ERROR_REASON_SERVER_BUSY.
std::string ErrorReasonName(v1::ErrorReason reason);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_STATUS_H_
