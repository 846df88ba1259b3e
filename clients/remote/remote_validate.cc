#include "clients/remote/remote_validate.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/remote/channel.h"
#include "wire/convert.h"
#include "wire/stream.h"

namespace pcnv::remote {
namespace {

absl::StatusOr<Report> ReadReport(const std::string& target, const v1::Report& proto) {
  absl::StatusOr<Report> report = wire::ReportFromProto(proto);
  if (!report.ok()) {
    // A reply we cannot read is the server's fault (or a version skew), not the user's input.
    return absl::InternalError(
        absl::StrCat("malformed reply from pcnv server ", target, ": ", report.status().message()));
  }
  return report;
}

}  // namespace

absl::StatusOr<Report> ValidateRemote(const std::string& target, const Security& security,
                                      const ValidationInput& input,
                                      const ValidationOptions& options, absl::Duration timeout) {
  std::unique_ptr<v1::BoundaryValidator::Stub> stub = MakeStub(target, security);
  const v1::ValidateRequest request = wire::MakeRequest(input, options);
  grpc::ClientContext context;
  PrepareContext(context, security, timeout);
  v1::ValidateResponse response;
  const grpc::Status status = stub->Validate(&context, request, &response);
  if (!status.ok()) return CallError(status, target, security);
  return ReadReport(target, response.report());
}

absl::StatusOr<Report> ValidateStreamRemote(const std::string& target, const Security& security,
                                            const ValidationInput& input,
                                            const ValidationOptions& options,
                                            absl::Duration timeout,
                                            const StreamProgress& progress) {
  std::unique_ptr<v1::BoundaryValidator::Stub> stub = MakeStub(target, security);
  v1::ValidateRequest request = wire::MakeRequest(input, options);
  std::vector<v1::ValidateStreamRequest> chunks = wire::ChunkRequest(request, kStreamChunkRows);
  grpc::ClientContext context;
  PrepareContext(context, security, timeout);
  std::unique_ptr<grpc::ClientReaderWriter<v1::ValidateStreamRequest, v1::ValidateStreamResponse>>
      stream = stub->ValidateStream(&context);
  // Every chunk, then the events. A write fails only when the call has ended (the server
  // refused it, or the deadline passed): Finish says why.
  for (const v1::ValidateStreamRequest& chunk : chunks) {
    if (!stream->Write(chunk)) break;
  }
  stream->WritesDone();
  v1::ValidateStreamResponse event;
  std::optional<v1::StreamSummary> summary;
  while (stream->Read(&event)) {
    if (event.has_progress() && progress) {
      progress(event.progress().stage(), event.progress().done(), event.progress().total());
    } else if (event.has_summary()) {
      summary = std::move(*event.mutable_summary());
    }
  }
  const grpc::Status status = stream->Finish();
  if (!status.ok()) return CallError(status, target, security);
  if (!summary) {
    return absl::InternalError(
        absl::StrCat("pcnv server ", target, ": ValidateStream ended without a summary"));
  }
  return ReadReport(target, summary->report());
}

}  // namespace pcnv::remote
