// Calls a pcnv server's Validate RPC with inputs the CLI has read, and turns the reply back
// into the domain Report, so `pcnv validate --server` writes the same report as in-process.
#ifndef PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_
#define PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_

#include <cstdint>
#include <functional>
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

// The same through the ValidateStream RPC, for inputs too big for one message (a national
// distribution is about 30 MB on the wire): the request goes in chunks of kStreamChunkRows rows,
// `progress` (may be empty) gets the server's progress events (stage "receive", "results" or
// "validate"; done of total, total 0 when not known), and the report is the summary's, equal to
// Validate's. Errors as for ValidateRemote.
inline constexpr int kStreamChunkRows = 50000;
using StreamProgress = std::function<void(const std::string& stage, int64_t done, int64_t total)>;
absl::StatusOr<Report> ValidateStreamRemote(const std::string& target, const Security& security,
                                            const ValidationInput& input,
                                            const ValidationOptions& options,
                                            absl::Duration timeout, const StreamProgress& progress);

}  // namespace pcnv::remote

#endif  // PCNV_CLIENTS_REMOTE_REMOTE_VALIDATE_H_
