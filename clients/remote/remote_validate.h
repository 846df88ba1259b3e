// Calls a pcnv server's Validate RPC with inputs the CLI has read, and turns the reply back
// into the domain Report, so `pcnv validate --server` writes the same report as in-process.
#ifndef PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_
#define PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/report.h"

namespace pcnv::remote {

// `target` is host:port. The RPC's status maps back to absl::Status with the server's message
// (INVALID_ARGUMENT for bad input, FAILED_PRECONDITION when no reference is loaded, ...) and its
// google.rpc details as payloads (server/status.h).
//
// Security comes from the environment, so every front door that calls this gets it without new
// flags (docs/SECURITY.md):
//   PCNV_TOKEN            bearer token sent as `authorization: Bearer ...`
//   PCNV_TLS_ROOT_CERTS   PEM file of CAs to trust; set: connect with TLS
//   PCNV_TLS_CLIENT_CERT, PCNV_TLS_CLIENT_KEY   PEM files of a client certificate (mutual TLS)
absl::StatusOr<Report> ValidateRemote(const std::string& target, const ValidationInput& input,
                                      const ValidationOptions& options, absl::Duration timeout);

}  // namespace pcnv::remote

#endif  // PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_
