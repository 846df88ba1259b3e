// Calls a pcnv server's SuggestFixes RPC with inputs the CLI has read and collects the streamed
// suggestions and targets into the domain SuggestResult, so `pcnv suggest --server` writes the
// same JSON as an in-process search.
#ifndef PCNV_CLIENTS_REMOTE_REMOTE_SUGGEST_H_
#define PCNV_CLIENTS_REMOTE_REMOTE_SUGGEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/remote/security.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/suggest.h"

namespace pcnv::remote {

struct RemoteSuggestions {
  SuggestResult result;
  std::string tool;  // the server's pcnv version
};

// `suggest`'s constraints are sent (its callbacks are not used). Errors as
// ValidateRemote's (clients/remote/remote_validate.h).
absl::StatusOr<RemoteSuggestions> SuggestRemote(const std::string& target, const Security& security,
                                                const ValidationInput& input,
                                                const ValidationOptions& options,
                                                const SuggestOptions& suggest,
                                                absl::Duration timeout);

}  // namespace pcnv::remote

#endif  // PCNV_CLIENTS_REMOTE_REMOTE_SUGGEST_H_
