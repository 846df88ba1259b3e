#include "clients/remote/channel.h"

#include "absl/strings/str_cat.h"
#include "wire/message_size.h"
#include "wire/status.h"

namespace pcnv::remote {
namespace {

// Plaintext, TLS, or TLS with a client certificate (mutual TLS).
std::shared_ptr<grpc::ChannelCredentials> Credentials(const Security& security) {
  if (!security.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = security.root_certs_pem;  // empty: gRPC's default roots
  options.pem_cert_chain = security.client_cert_pem;
  options.pem_private_key = security.client_key_pem;
  return grpc::SslCredentials(options);
}

// What to try when a call fails for its transport or credentials; empty when nothing helps.
std::string Hint(absl::StatusCode code, const Security& security) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
      return security.tls ? " (is it running? check --tls-ca, and --tls-cert/--tls-key if it "
                            "requires client certificates)"
                          : " (is it running? if it uses TLS, give --tls-ca or --tls)";
    case absl::StatusCode::kUnauthenticated:
      return security.token.empty() ? " (give --token-file, or set PCNV_TOKEN_FILE or PCNV_TOKEN)"
                                    : " (check --token-file / PCNV_TOKEN_FILE / PCNV_TOKEN)";
    default:
      return "";
  }
}

}  // namespace

std::unique_ptr<v1::BoundaryValidator::Stub> MakeStub(const std::string& target,
                                                      const Security& security) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(wire::kMaxMessageBytes);
  args.SetMaxSendMessageSize(wire::kMaxMessageBytes);
  return v1::BoundaryValidator::NewStub(
      grpc::CreateCustomChannel(target, Credentials(security), args));
}

void PrepareContext(grpc::ClientContext& context, const Security& security,
                    absl::Duration timeout) {
  if (!security.token.empty()) context.AddMetadata("authorization", "Bearer " + security.token);
  if (timeout != absl::InfiniteDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }
}

absl::Status CallError(const grpc::Status& status, const std::string& target,
                       const Security& security) {
  absl::Status s = wire::FromGrpcStatus(status);
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return absl::Status(
          s.code(), absl::StrCat("pcnv server ", target, ": ", absl::StatusCodeToString(s.code()),
                                 ": ", s.message(), Hint(s.code(), security)));
    default:
      return s;
  }
}

}  // namespace pcnv::remote
