#include "clients/remote/remote_validate.h"

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "server/convert.h"
#include "server/limits.h"
#include "server/status.h"

namespace pcnv::remote {

absl::StatusOr<Report> ValidateRemote(const std::string& target, const ValidationInput& input,
                                      const ValidationOptions& options, absl::Duration timeout) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(wire::kMaxMessageBytes);
  args.SetMaxSendMessageSize(wire::kMaxMessageBytes);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  std::unique_ptr<v1::BoundaryValidator::Stub> stub = v1::BoundaryValidator::NewStub(channel);

  const v1::ValidateRequest request = wire::MakeRequest(input, options);
  grpc::ClientContext context;
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
