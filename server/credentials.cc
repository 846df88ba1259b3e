#include "server/credentials.h"

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "geo/status_macros.h"
#include "server/server_log.h"

namespace pcnv::server {
namespace {

std::string Tokens(size_t n) { return absl::StrCat(n, n == 1 ? " token" : " tokens"); }

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerFlags& flags) {
  if (flags.tls_cert.empty()) return grpc::InsecureServerCredentials();
  // Each PEM file by its flag, so the message says which one could not be read and why.
  auto read = [](const char* flag, const std::string& path) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> pem = io::ReadFile(path);
    if (!pem.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": ", pem.status().message()));
    }
    return pem;
  };
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  PCNV_ASSIGN_OR_RETURN(pair.cert_chain, read("--tls-cert", flags.tls_cert));
  PCNV_ASSIGN_OR_RETURN(pair.private_key, read("--tls-key", flags.tls_key));
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!flags.tls_client_ca.empty()) {
    PCNV_ASSIGN_OR_RETURN(options.pem_root_certs, read("--tls-client-ca", flags.tls_client_ca));
    // Mutual TLS: a client without a certificate signed by this CA never gets a connection.
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::unique_ptr<TokenTable>> LoadTokens(const std::string& path) {
  if (path.empty()) {
    ServerLog("warning: no --tokens-file; every caller may call every method, ReloadReference too");
    return nullptr;
  }
  absl::StatusOr<TokenTable> loaded = TokenTable::Load(path);
  if (!loaded.ok()) {
    return absl::Status(loaded.status().code(),
                        absl::StrCat("--tokens-file: ", loaded.status().message()));
  }
  return std::make_unique<TokenTable>(*std::move(loaded));
}

bool ReloadTokens(TokenTable& tokens, const std::string& path) {
  const absl::Status reloaded = tokens.Reload(path);
  if (reloaded.ok()) {
    ServerLog(
        absl::StrCat("SIGHUP: reloaded --tokens-file ", path, " (", Tokens(tokens.size()), ")"));
    return true;
  }
  // The message names the file and line, never a token (server/auth.cc).
  ServerLog(absl::StrCat("SIGHUP: --tokens-file not reloaded; the previous ", Tokens(tokens.size()),
                         " stay in force: ", reloaded.message()));
  return false;
}

}  // namespace pcnv::server
