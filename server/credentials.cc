#include "server/credentials.h"

#include <grpcpp/security/server_credentials.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/server_log.h"

namespace pcnv::server {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

std::string Tokens(size_t n) { return absl::StrCat(n, n == 1 ? " token" : " tokens"); }

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerFlags& flags) {
  if (flags.tls_cert.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  if (!ReadFile(flags.tls_cert, &pair.cert_chain) || !ReadFile(flags.tls_key, &pair.private_key)) {
    return absl::InvalidArgumentError("cannot read --tls-cert or --tls-key");
  }
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!flags.tls_client_ca.empty()) {
    if (!ReadFile(flags.tls_client_ca, &options.pem_root_certs)) {
      return absl::InvalidArgumentError("cannot read --tls-client-ca");
    }
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
