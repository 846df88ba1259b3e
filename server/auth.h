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
// Rotation: TokenTable::Reload (SIGHUP in pcnv-server) parses a new file completely and only then
// swaps it in; a missing or malformed file leaves the old tokens in force. The table is an
// immutable map behind a mutex-guarded shared_ptr, so a lookup copies the pointer and reads the
// map outside the lock: calls racing a reload see the old or the new table, never a mix.
//
// Why not a grpc::experimental server interceptor or an AuthMetadataProcessor: in gRPC 1.51 a
// server interceptor cannot fail a call before the handler runs (Hijack is client-only), and an
// AuthMetadataProcessor runs only on TLS ports and does not see which method is called, which
// the role check needs. So the check lives in one function called from the one call wrapper.
#ifndef PCNV_SERVER_AUTH_H_
#define PCNV_SERVER_AUTH_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/mutex.h"

namespace pcnv::server {

enum class Role { kRead = 1, kAdmin = 2 };
absl::string_view RoleName(Role role);

struct Principal {
  std::string name;  // from the tokens file; "anonymous" when auth is off
  Role role = Role::kRead;
};

// Thread-safe: Authenticate and size may run on any number of threads while Reload swaps the
// tokens in. The service holds a `const TokenTable*` (ServiceOptions::tokens); the owner keeps
// the non-const object to reload it.
class TokenTable {
 public:
  static absl::StatusOr<TokenTable> Load(const std::string& path);
  // From the file's text; `source` names it in errors.
  static absl::StatusOr<TokenTable> Parse(absl::string_view text, absl::string_view source);

  // Moving takes the other table's current tokens (for StatusOr; not while it is in use).
  TokenTable(TokenTable&& other) noexcept;
  TokenTable& operator=(TokenTable&& other) noexcept;

  // Reads and parses `path` completely, then swaps the new tokens in atomically. On failure
  // (missing file, any malformed line) the tokens in force stay and the error says why, naming
  // the line, never a token. Calls already authenticated are not affected either way.
  absl::Status Reload(const std::string& path);

  // The principal for an `authorization` header value, or UNAUTHENTICATED.
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization) const;
  size_t size() const;

 private:
  using ByDigest = absl::flat_hash_map<std::string, Principal>;  // raw SHA-256 -> principal
  explicit TokenTable(std::shared_ptr<const ByDigest> by_digest);
  std::shared_ptr<const ByDigest> Current() const;

  mutable Mutex mu_;
  // Never null; the map it points to is never modified once published.
  std::shared_ptr<const ByDigest> by_digest_ ABSL_GUARDED_BY(mu_);
};

// The check every method runs: with no table (auth off) everyone is an admin called
// "anonymous"; otherwise the token must be known and its role at least `needed`.
absl::StatusOr<Principal> Authorize(const TokenTable* tokens, absl::string_view authorization,
                                    Role needed, absl::string_view method);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_AUTH_H_
