// The one funnel between absl::Status (the domain's errors) and grpc::Status (the wire's).
// Every handler returns through ToGrpcStatus; the client maps back with FromGrpcStatus, so a
// server-side INVALID_ARGUMENT reaches the CLI as the same code with the same message.
#ifndef PCNV_SERVER_STATUS_H_
#define PCNV_SERVER_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace pcnv::wire {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace pcnv::wire

#endif  // PCNV_SERVER_STATUS_H_
