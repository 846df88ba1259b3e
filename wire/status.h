// The one funnel between absl::Status (the domain's errors) and grpc::Status (the wire's).
// Every handler returns through ToGrpcStatus; the client maps back with FromGrpcStatus, so a
// server-side INVALID_ARGUMENT reaches the CLI as the same code with the same message.
//
// Error details (google.rpc.BadRequest, QuotaFailure, ErrorInfo) ride on the absl::Status as
// payloads keyed by their type URL ("type.googleapis.com/google.rpc.BadRequest"); the funnel packs
// every such payload into one google.rpc.Status in the `grpc-status-details-bin` trailer, and
// FromGrpcStatus unpacks them again. An INVALID_ARGUMENT without a BadRequest payload whose
// message reads "field.path: why" (the convention of wire/convert.h and geo/) gets one field
// violation derived from it, so every refusal carries a machine-readable field.
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

// INVALID_ARGUMENT "field: why" carrying a google.rpc.BadRequest violation for `field`: how every
// refusal of a request field is made.
absl::Status BadField(absl::string_view field, absl::string_view why);
// `status` with a google.rpc.BadRequest holding one field violation.
absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view description);
// `status` with `prefix` (e.g. "base.") put before its message and its BadRequest field paths,
// for requests nested in a bigger one.
absl::Status WithFieldPrefix(const absl::Status& status, absl::string_view prefix);
// `status` with a google.rpc.ErrorInfo{reason, domain "pcnv"}.
absl::Status WithErrorInfo(absl::Status status, absl::string_view reason);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_STATUS_H_
