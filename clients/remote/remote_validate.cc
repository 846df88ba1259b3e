#include "clients/remote/remote_validate.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/remote/channel.h"
#include "wire/convert.h"

namespace pcnv::remote {

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
  absl::StatusOr<Report> report = wire::ReportFromProto(response.report());
  if (!report.ok()) {
    // A reply we cannot read is the server's fault (or a version skew), not the user's input.
    return absl::InternalError(
        absl::StrCat("malformed reply from pcnv server ", target, ": ", report.status().message()));
  }
  return report;
}

}  // namespace pcnv::remote
