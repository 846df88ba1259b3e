#include "server/service.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "absl/strings/str_format.h"
#include "geo/io/versions.h"
#include "geo/validate.h"
#include "server/convert.h"
#include "server/status.h"

namespace pcnv::server {
namespace {

// One stderr line per call: method, status code, latency. Never the request's contents: they
// are patient counts per practice and area, and logs travel further than reports.
grpc::Status LogCall(const char* method, std::chrono::steady_clock::time_point start,
                     grpc::Status status) {
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // One formatted write, so lines from concurrent calls do not interleave.
  std::fputs(absl::StrFormat(
                 "pcnv-server: %s %s %.1f ms\n", method,
                 absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())), ms)
                 .c_str(),
             stderr);
  return status;
}

}  // namespace

BoundaryValidatorService::BoundaryValidatorService(std::string tool)
    : tool_(std::move(tool)), libraries_(io::LibraryVersions()) {}

void BoundaryValidatorService::SetReference(std::shared_ptr<const ReferenceData> reference) {
  absl::MutexLock lock(&mu_);
  reference_ = std::move(reference);
}

std::shared_ptr<const ReferenceData> BoundaryValidatorService::reference() const {
  absl::MutexLock lock(&mu_);
  return reference_;
}

grpc::Status BoundaryValidatorService::Validate(grpc::ServerContext* context,
                                                const v1::ValidateRequest* request,
                                                v1::ValidateResponse* response) {
  const auto start = std::chrono::steady_clock::now();
  return LogCall("Validate", start, wire::ToGrpcStatus(DoValidate(*request, response)));
}

absl::Status BoundaryValidatorService::DoValidate(const v1::ValidateRequest& request,
                                                  v1::ValidateResponse* response) {
  // Hold our own reference for the whole call: a concurrent reload cannot free it under us.
  std::shared_ptr<const ReferenceData> reference = this->reference();
  if (reference == nullptr) {
    return absl::FailedPreconditionError(
        "reference data is not loaded yet; wait for the health service to report SERVING");
  }
  absl::StatusOr<ValidationInput> input = wire::InputFromProto(request);
  if (!input.ok()) return input.status();
  absl::StatusOr<ValidationOptions> options = wire::OptionsFromProto(request.options());
  if (!options.ok()) return options.status();

  absl::StatusOr<Report> report = pcnv::Validate(*reference, *input, *options);
  if (!report.ok()) return report.status();
  // The engine leaves these to the front door (geo/validate.h).
  report->provenance.tool = tool_;
  report->provenance.libraries = libraries_;
  wire::ToProto(*report, response->mutable_report());
  return absl::OkStatus();
}

}  // namespace pcnv::server
