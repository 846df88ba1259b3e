// What every remote call shares: a channel to the server with the caller's security, the
// metadata and deadline of one call, and the mapping of a failed call to the status the CLI
// prints.
#ifndef PCNV_CLIENTS_REMOTE_CHANNEL_H_
#define PCNV_CLIENTS_REMOTE_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/remote/security.h"
#include "pcnv/v1/validator.grpc.pb.h"

namespace pcnv::remote {

std::unique_ptr<v1::BoundaryValidator::Stub> MakeStub(const std::string& target,
                                                      const Security& security);

// The bearer token and, unless `timeout` is infinite, the deadline.
void PrepareContext(grpc::ClientContext& context, const Security& security, absl::Duration timeout);

// A failed call as the CLI reports it: transport and credential failures (UNAVAILABLE,
// DEADLINE_EXCEEDED, UNAUTHENTICATED, PERMISSION_DENIED) with the server's address, the code's
// name and a hint, e.g. `pcnv server 127.0.0.1:50051: UNAUTHENTICATED: unknown bearer token
// (check --token-file ...)`; the server's own errors about the input verbatim, so the CLI prints
// exactly what an in-process run would.
absl::Status CallError(const grpc::Status& status, const std::string& target,
                       const Security& security);

}  // namespace pcnv::remote

#endif  // PCNV_CLIENTS_REMOTE_CHANNEL_H_
