#include "clients/remote/remote_validate.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "wire/convert.h"
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

absl::StatusOr<Report> ValidateRemote(const std::string& target, const Security& security,
                                      const ValidationInput& input,
                                      const ValidationOptions& options, absl::Duration timeout) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(wire::kMaxMessageBytes);
  args.SetMaxSendMessageSize(wire::kMaxMessageBytes);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(target, Credentials(security), args);
  std::unique_ptr<v1::BoundaryValidator::Stub> stub = v1::BoundaryValidator::NewStub(channel);

  const v1::ValidateRequest request = wire::MakeRequest(input, options);
  grpc::ClientContext context;
  if (!security.token.empty()) context.AddMetadata("authorization", "Bearer " + security.token);
  if (timeout != absl::InfiniteDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }
  v1::ValidateResponse response;
  const grpc::Status status = stub->Validate(&context, request, &response);
  if (!status.ok()) {
    absl::Status s = wire::FromGrpcStatus(status);
    // Transport and credential failures say nothing about which server; the server's own errors
    // about the input are kept verbatim so the CLI prints exactly what an in-process run would.
    switch (s.code()) {
      case absl::StatusCode::kUnavailable:
      case absl::StatusCode::kDeadlineExceeded:
      case absl::StatusCode::kUnauthenticated:
      case absl::StatusCode::kPermissionDenied:
        return absl::Status(
            s.code(), absl::StrCat("pcnv server ", target, ": ", absl::StatusCodeToString(s.code()),
                                   ": ", s.message(), Hint(s.code(), security)));
      default:
        break;
    }
    return s;
  }
  absl::StatusOr<Report> report = wire::ReportFromProto(response.report());
  if (!report.ok()) {
    // A reply we cannot read is the server's fault (or a version skew), not the user's input.
    return absl::InternalError(
        absl::StrCat("malformed reply from pcnv server ", target, ": ", report.status().message()));
  }
  return report;
}

}  // namespace pcnv::remote
