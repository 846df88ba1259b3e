// Who may connect and who may call pcnv-server: the TLS (or mutual TLS) server credentials and
// the bearer-token table from --tokens-file, with its SIGHUP reload.
#ifndef PCNV_SERVER_CREDENTIALS_H_
#define PCNV_SERVER_CREDENTIALS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/auth.h"
#include "server/flags.h"

namespace pcnv::server {

// TLS when --tls-cert is given, mutual TLS when --tls-client-ca is too, else plaintext. The
// error names the flag whose file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerFlags& flags);

// The table from `path` (--tokens-file), or null when there is no file: then auth is off, which
// is logged as a warning. The error names the file and line, never a token.
absl::StatusOr<std::unique_ptr<TokenTable>> LoadTokens(const std::string& path);

// For SIGHUP: re-reads `path` into `tokens`, or keeps the tokens in force and logs why. Returns
// whether it succeeded.
bool ReloadTokens(TokenTable& tokens, const std::string& path);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_CREDENTIALS_H_
