// Calls a pcnv server's Validate RPC with inputs the CLI has read, and turns the reply back
// into the domain Report, so `pcnv validate --server` writes the same report as in-process.
#ifndef PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_
#define PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/remote/security.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/report.h"

namespace pcnv::remote {

// `target` is host:port. The RPC's status maps back to absl::Status with the server's message
// (INVALID_ARGUMENT for bad input, FAILED_PRECONDITION when no reference is loaded, ...) and its
// google.rpc details as payloads (wire/status.h).
//
// `security` (clients/remote/security.h: token, plaintext / TLS / mutual TLS) is resolved once by
// the caller from its flags and the environment; nothing here reads the environment.
//
// A call the server refuses for its credentials (UNAUTHENTICATED, PERMISSION_DENIED) and a
// server that cannot be reached (UNAVAILABLE, DEADLINE_EXCEEDED) come back with the server's
// address and the status code's name in the message, e.g.
// `pcnv server 127.0.0.1:50051: UNAUTHENTICATED: unknown bearer token`.
absl::StatusOr<Report> ValidateRemote(const std::string& target, const Security& security,
                                      const ValidationInput& input,
                                      const ValidationOptions& options, absl::Duration timeout);

}  // namespace pcnv::remote

#endif  // PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_
