#include "clients/remote/security.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"

namespace pcnv::remote {
namespace {

// A setting's value and where it came from (a flag or a variable), for error messages.
struct Source {
  std::string origin;  // "--tls-ca", "PCNV_TLS_ROOT_CERTS", ...; empty: not set
  std::string value;
  bool set() const { return !origin.empty(); }
};

Source FlagOrEnv(const char* flag, const std::string& flag_value, const char* variable,
                 const EnvLookup& env) {
  if (!flag_value.empty()) return {flag, flag_value};
  if (std::optional<std::string> v = env(variable)) return {variable, *std::move(v)};
  return {};
}

absl::StatusOr<std::string> ReadWhole(const Source& source) {
  std::error_code ec;
  if (std::filesystem::is_directory(source.value, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(source.origin, ": cannot read '", source.value, "': it is a directory"));
  }
  absl::StatusOr<std::string> text = io::ReadFile(source.value);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source.origin, ": cannot read '", source.value,
                                                   "': ", text.status().message()));
  }
  return text;
}

absl::StatusOr<std::string> ReadPem(const Source& source) {
  absl::StatusOr<std::string> pem = ReadWhole(source);
  if (!pem.ok()) return pem.status();
  // gRPC would only say "handshake failed" much later; say which file is wrong now.
  if (!absl::StrContains(*pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat(source.origin, ": '", source.value,
                                                   "' is not a PEM file (no -----BEGIN line)"));
  }
  return pem;
}

// `where` names the flag or variable (and file); the token itself never appears in an error.
absl::StatusOr<std::string> CheckToken(absl::string_view raw, const std::string& where) {
  const absl::string_view token = absl::StripAsciiWhitespace(raw);
  if (token.empty()) return absl::InvalidArgumentError(absl::StrCat(where, " is empty"));
  for (char c : token) {
    // gRPC metadata values are printable ASCII; a token never needs spaces.
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError(absl::StrCat(
          where, " must hold one token: printable ASCII, no spaces or line breaks inside"));
    }
  }
  return std::string(token);
}

absl::StatusOr<std::string> ResolveToken(const SecurityFlags& flags, const EnvLookup& env) {
  Source file{"--token-file", flags.token_file};
  if (flags.token_file.empty()) {
    std::optional<std::string> file_env = env("PCNV_TOKEN_FILE");
    std::optional<std::string> value_env = env("PCNV_TOKEN");
    if (file_env && value_env) {
      return absl::InvalidArgumentError(
          "PCNV_TOKEN_FILE and PCNV_TOKEN are both set; unset one (or give --token-file)");
    }
    if (value_env) return CheckToken(*value_env, "PCNV_TOKEN");
    if (!file_env) return "";
    file = {"PCNV_TOKEN_FILE", *std::move(file_env)};
  }
  absl::StatusOr<std::string> text = ReadWhole(file);
  if (!text.ok()) return text.status();
  return CheckToken(*text, absl::StrCat(file.origin, ": '", file.value, "'"));
}

absl::StatusOr<bool> ParseBool(const std::string& variable, const std::string& value) {
  const std::string v = absl::AsciiStrToLower(value);
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return absl::InvalidArgumentError(
      absl::StrCat(variable, ": '", value, "' is not one of 1, true, yes, on, 0, false, no, off"));
}

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

absl::StatusOr<Security> ResolveSecurity(const SecurityFlags& flags, const EnvLookup& env) {
  Security out;
  absl::StatusOr<std::string> token = ResolveToken(flags, env);
  if (!token.ok()) return token.status();
  out.token = *std::move(token);

  out.tls = flags.tls;
  if (!out.tls) {
    if (std::optional<std::string> v = env("PCNV_TLS")) {
      absl::StatusOr<bool> on = ParseBool("PCNV_TLS", *v);
      if (!on.ok()) return on.status();
      out.tls = *on;
    }
  }

  const Source ca = FlagOrEnv("--tls-ca", flags.tls_ca, "PCNV_TLS_ROOT_CERTS", env);
  if (ca.set()) {
    absl::StatusOr<std::string> pem = ReadPem(ca);
    if (!pem.ok()) return pem.status();
    out.root_certs_pem = *std::move(pem);
    out.tls = true;
  }

  // The certificate and its key are a pair: both from the flags or both from the environment, so
  // a flag never pairs with a stale variable.
  const bool from_flags = !flags.tls_cert.empty() || !flags.tls_key.empty();
  const Source cert =
      from_flags ? Source{"--tls-cert", flags.tls_cert}
                 : Source{"PCNV_TLS_CLIENT_CERT", env("PCNV_TLS_CLIENT_CERT").value_or("")};
  const Source key = from_flags
                         ? Source{"--tls-key", flags.tls_key}
                         : Source{"PCNV_TLS_CLIENT_KEY", env("PCNV_TLS_CLIENT_KEY").value_or("")};
  if (!cert.value.empty() || !key.value.empty()) {
    if (cert.value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(key.origin, " needs ", cert.origin, " (the client certificate)"));
    }
    if (key.value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(cert.origin, " needs ", key.origin, " (the certificate's private key)"));
    }
    absl::StatusOr<std::string> cert_pem = ReadPem(cert);
    if (!cert_pem.ok()) return cert_pem.status();
    absl::StatusOr<std::string> key_pem = ReadPem(key);
    if (!key_pem.ok()) return key_pem.status();
    out.client_cert_pem = *std::move(cert_pem);
    out.client_key_pem = *std::move(key_pem);
    out.tls = true;
  }
  return out;
}

}  // namespace pcnv::remote
