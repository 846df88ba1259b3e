// The client side of docs/SECURITY.md: which bearer token to send and how to reach the server
// (plaintext, TLS, mutual TLS), resolved in one place from the command line's flags with the
// environment as the fallback, and handed to the remote calls as a plain struct.
//
//   setting              flag               environment, used when the flag is absent
//   bearer token         --token-file FILE  PCNV_TOKEN_FILE (a file), else PCNV_TOKEN (the value)
//   TLS, default roots   --tls              PCNV_TLS (1/true/yes/on)
//   trusted CAs (PEM)    --tls-ca FILE      PCNV_TLS_ROOT_CERTS
//   client cert (PEM)    --tls-cert FILE    PCNV_TLS_CLIENT_CERT
//   client key (PEM)     --tls-key FILE     PCNV_TLS_CLIENT_KEY
//
// The client certificate and key (mutual TLS) are a pair: both from the flags or both from the
// environment. Any of --tls-ca / --tls-cert turns TLS on. The token is never a flag's value: a
// command line is visible to every user of the machine (`ps`), a file with mode 0600 is not.
#ifndef PCNV_CLIENTS_REMOTE_SECURITY_H_
#define PCNV_CLIENTS_REMOTE_SECURITY_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace pcnv::remote {

// The security flags exactly as given on the command line; empty / false: not given.
struct SecurityFlags {
  std::string token_file;  // --token-file
  bool tls = false;        // --tls
  std::string tls_ca;      // --tls-ca
  std::string tls_cert;    // --tls-cert
  std::string tls_key;     // --tls-key
};

// What a remote call uses: every file already read.
struct Security {
  std::string token;  // sent as `authorization: Bearer <token>`; empty: no token
  bool tls = false;   // false: plaintext
  // Trusted CAs; empty with `tls`: gRPC's default roots (GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, else
  // the system's bundle).
  std::string root_certs_pem;
  // Client certificate chain and key for mutual TLS; both empty or both set.
  std::string client_cert_pem;
  std::string client_key_pem;
};

// An environment variable's value, or nullopt when it is unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> ProcessEnv(const std::string& name);

// Flag, else environment, for each setting (table above); reads the files. INVALID_ARGUMENT
// naming the flag or variable and the file when a file cannot be read or is not what it should
// be, when a client certificate comes without its key (or the reverse), or when both
// PCNV_TOKEN_FILE and PCNV_TOKEN are set. Messages never contain a token.
absl::StatusOr<Security> ResolveSecurity(const SecurityFlags& flags,
                                         const EnvLookup& env = ProcessEnv);

}  // namespace pcnv::remote

#endif  // PCNV_CLIENTS_REMOTE_SECURITY_H_
