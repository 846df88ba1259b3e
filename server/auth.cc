#include "server/auth.h"

#include <openssl/sha.h>

#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "geo/io/file_io.h"

namespace pcnv::server {
namespace {

std::string Sha256(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

absl::string_view RoleName(Role role) { return role == Role::kAdmin ? "admin" : "read"; }

absl::StatusOr<TokenTable> TokenTable::Load(const std::string& path) {
  absl::StatusOr<std::string> text = io::ReadFile(path, "the tokens file");
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

TokenTable::TokenTable(std::shared_ptr<const ByDigest> by_digest)
    : by_digest_(std::move(by_digest)) {}

TokenTable::TokenTable(TokenTable&& other) noexcept : by_digest_(other.Current()) {}

TokenTable& TokenTable::operator=(TokenTable&& other) noexcept {
  if (this != &other) {
    std::shared_ptr<const ByDigest> incoming = other.Current();
    MutexLock lock(mu_);
    by_digest_ = std::move(incoming);
  }
  return *this;
}

std::shared_ptr<const TokenTable::ByDigest> TokenTable::Current() const {
  MutexLock lock(mu_);
  return by_digest_;
}

size_t TokenTable::size() const { return Current()->size(); }

absl::Status TokenTable::Reload(const std::string& path) {
  // Parse everything before touching the table: a bad file must not leave half a table.
  absl::StatusOr<TokenTable> loaded = Load(path);
  if (!loaded.ok()) return loaded.status();
  std::shared_ptr<const ByDigest> incoming = loaded->Current();
  MutexLock lock(mu_);
  // The old map is freed when the last call that copied its pointer lets go of it.
  by_digest_ = std::move(incoming);
  return absl::OkStatus();
}

absl::StatusOr<TokenTable> TokenTable::Parse(absl::string_view text, absl::string_view source) {
  auto by_digest = std::make_shared<ByDigest>();
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    // Errors name the line, never the token.
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", why));
    };
    if (fields.size() != 3) return bad("expected `ROLE NAME TOKEN`");
    Principal p{std::string(fields[1]), Role::kRead};
    if (fields[0] == "admin") {
      p.role = Role::kAdmin;
    } else if (fields[0] != "read") {
      return bad(absl::StrCat("role '", fields[0], "' is neither read nor admin"));
    }
    std::string digest;
    absl::string_view token = fields[2];
    if (absl::ConsumePrefix(&token, "sha256:")) {
      if (token.size() != 64 || !absl::c_all_of(token, absl::ascii_isxdigit)) {
        return bad("sha256: must be followed by 64 hex digits");
      }
      digest = absl::HexStringToBytes(token);
    } else {
      if (token.size() < 16) return bad("tokens must be at least 16 characters");
      digest = Sha256(token);
    }
    if (!by_digest->emplace(digest, std::move(p)).second) {
      return bad("the same token appears twice");
    }
  }
  if (by_digest->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no tokens"));
  }
  return TokenTable(std::move(by_digest));
}

absl::StatusOr<Principal> TokenTable::Authenticate(absl::string_view authorization) const {
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  if (value.empty()) {
    return absl::UnauthenticatedError(
        "no credentials: send `authorization: Bearer <token>` metadata");
  }
  if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return absl::UnauthenticatedError("authorization metadata must be `Bearer <token>`");
  }
  value = absl::StripAsciiWhitespace(value.substr(7));
  // Lookup by digest: timing can reveal at most a digest prefix, never the token. The map is
  // read through its own reference, so a concurrent Reload cannot free it under us.
  const std::shared_ptr<const ByDigest> by_digest = Current();
  auto it = by_digest->find(Sha256(value));
  if (it == by_digest->end()) return absl::UnauthenticatedError("unknown bearer token");
  return it->second;
}

absl::StatusOr<Principal> Authorize(const TokenTable* tokens, absl::string_view authorization,
                                    Role needed, absl::string_view method) {
  if (tokens == nullptr) return Principal{"anonymous", Role::kAdmin};
  absl::StatusOr<Principal> principal = tokens->Authenticate(authorization);
  if (!principal.ok()) return principal.status();
  if (static_cast<int>(principal->role) < static_cast<int>(needed)) {
    return absl::PermissionDeniedError(absl::StrCat(method, " needs the ", RoleName(needed),
                                                    " role; this token has ",
                                                    RoleName(principal->role)));
  }
  return principal;
}

}  // namespace pcnv::server
