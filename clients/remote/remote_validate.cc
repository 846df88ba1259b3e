#include "clients/remote/remote_validate.h"

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "server/convert.h"
#include "server/limits.h"
#include "server/status.h"

namespace pcnv::remote {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

absl::StatusOr<std::string> ReadPem(const char* variable) {
  const std::string path = Env(variable);
  if (path.empty()) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(variable, ": cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// TLS when PCNV_TLS_ROOT_CERTS is set, else plaintext.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials() {
  if (Env("PCNV_TLS_ROOT_CERTS").empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  for (auto [variable, field] : {std::pair{"PCNV_TLS_ROOT_CERTS", &options.pem_root_certs},
                                 std::pair{"PCNV_TLS_CLIENT_CERT", &options.pem_cert_chain},
                                 std::pair{"PCNV_TLS_CLIENT_KEY", &options.pem_private_key}}) {
    absl::StatusOr<std::string> pem = ReadPem(variable);
    if (!pem.ok()) return pem.status();
    *field = *std::move(pem);
  }
  return grpc::SslCredentials(options);
}

}  // namespace

absl::StatusOr<Report> ValidateRemote(const std::string& target, const ValidationInput& input,
                                      const ValidationOptions& options, absl::Duration timeout) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(wire::kMaxMessageBytes);
  args.SetMaxSendMessageSize(wire::kMaxMessageBytes);
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = Credentials();
  if (!credentials.ok()) return credentials.status();
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(target, *credentials, args);
  std::unique_ptr<v1::BoundaryValidator::Stub> stub = v1::BoundaryValidator::NewStub(channel);

  const v1::ValidateRequest request = wire::MakeRequest(input, options);
  grpc::ClientContext context;
  if (const std::string token = Env("PCNV_TOKEN"); !token.empty()) {
    context.AddMetadata("authorization", "Bearer " + token);
  }
  if (timeout != absl::InfiniteDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }
  v1::ValidateResponse response;
  const grpc::Status status = stub->Validate(&context, request, &response);
  if (!status.ok()) {
    absl::Status s = wire::FromGrpcStatus(status);
    // Transport failures say nothing about which server; the server's own errors are kept
    // verbatim so the CLI prints exactly what an in-process run would.
    if (s.code() == absl::StatusCode::kUnavailable ||
        s.code() == absl::StatusCode::kDeadlineExceeded) {
      return absl::Status(s.code(), absl::StrCat("pcnv server ", target, ": ", s.message()));
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
