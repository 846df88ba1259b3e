// Bearer-token authentication and the two roles, for the one authorisation check every pcnv
// method goes through (BoundaryValidatorService::Handle).
//
// Tokens file (--tokens-file): one token per line, `ROLE NAME TOKEN`, whitespace-separated;
// blank lines and lines starting with # are ignored. ROLE is `read` (Validate, GetReferenceInfo)
// or `admin` (everything, including ReloadReference). NAME identifies the caller in logs (the
// token itself is never logged). TOKEN is the secret itself, or `sha256:<64 hex digits>` of it so
// the file need not hold secrets. Tokens are kept only as SHA-256 digests in memory.
//
// Callers send `authorization: Bearer <token>`. No token or an unknown one: UNAUTHENTICATED; a
// known token without the method's role: PERMISSION_DENIED.
//
// Why not a grpc::experimental server interceptor or an AuthMetadataProcessor: in gRPC 1.51 a
// server interceptor cannot fail a call before the handler runs (Hijack is client-only), and an
// AuthMetadataProcessor runs only on TLS ports and does not see which method is called, which
// the role check needs. So the check lives in one function called from the one call wrapper.
#ifndef PCNV_SERVER_AUTH_H_
#define PCNV_SERVER_AUTH_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pcnv::server {

enum class Role { kRead = 1, kAdmin = 2 };
absl::string_view RoleName(Role role);

struct Principal {
  std::string name;  // from the tokens file; "anonymous" when auth is off
  Role role = Role::kRead;
};

class TokenTable {
 public:
  static absl::StatusOr<TokenTable> Load(const std::string& path);
  // From the file's text; `source` names it in errors.
  static absl::StatusOr<TokenTable> Parse(absl::string_view text, absl::string_view source);

  // The principal for an `authorization` header value, or UNAUTHENTICATED.
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization) const;
  size_t size() const { return by_digest_.size(); }

 private:
  absl::flat_hash_map<std::string, Principal> by_digest_;  // raw SHA-256 -> principal
};

// The check every method runs: with no table (auth off) everyone is an admin called
// "anonymous"; otherwise the token must be known and its role at least `needed`.
absl::StatusOr<Principal> Authorize(const TokenTable* tokens, absl::string_view authorization,
                                    Role needed, absl::string_view method);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_AUTH_H_
