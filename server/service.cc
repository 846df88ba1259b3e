#include "server/service.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/server_context.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "clients/writers/report_diff.h"
#include "geo/io/reference_store.h"
#include "geo/io/versions.h"
#include "geo/validate.h"
#include "nlohmann/json.hpp"
#include "server/convert.h"
#include "server/status.h"

namespace pcnv::server {

namespace {

using Clock = std::chrono::steady_clock;

// The one table of methods and roles.
constexpr MethodSpec kValidate{"Validate", Role::kRead, true};
constexpr MethodSpec kValidateChange{"ValidateChange", Role::kRead, true};
constexpr MethodSpec kGetReferenceInfo{"GetReferenceInfo", Role::kRead, false};
constexpr MethodSpec kReloadReference{"ReloadReference", Role::kAdmin, false};

std::string Metadata(const grpc::ServerContext& context, const char* key) {
  auto it = context.client_metadata().find(key);
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// The caller's x-request-id when it is a plain token, else a fresh random one.
std::string RequestId(const grpc::ServerContext& context) {
  std::string id = Metadata(context, "x-request-id");
  bool plain = !id.empty() && id.size() <= 64;
  for (char c : id) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                      c == '.' || c == ':');
  }
  if (plain) return id;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x", rng());
}

std::string CodeName(const grpc::Status& status) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
}

void WriteLogLine(const nlohmann::json& line) {
  // One write per line, so lines from concurrent calls do not interleave.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fputs((text + "\n").c_str(), stderr);
}

// The engine stopped at a checkpoint: say whether the deadline or the client stopped it.
absl::Status Interrupted(const grpc::ServerContext& context, const absl::Status& engine) {
  if (std::chrono::system_clock::now() >= context.deadline()) {
    return absl::DeadlineExceededError(absl::StrCat("deadline exceeded: ", engine.message()));
  }
  return absl::CancelledError(absl::StrCat("cancelled by the client: ", engine.message()));
}

absl::StatusOr<writers::FailOn> FailOnFromProto(int fail_on) {
  switch (fail_on) {
    case v1::FAIL_ON_UNSPECIFIED:
    case v1::FAIL_ON_NEW_ERRORS:
      return writers::FailOn::kNewErrors;
    case v1::FAIL_ON_ANY_ERRORS:
      return writers::FailOn::kAnyErrors;
    case v1::FAIL_ON_NEW_WARNINGS:
      return writers::FailOn::kNewWarnings;
  }
  return wire::WithFieldViolation(
      absl::InvalidArgumentError(absl::StrCat("fail_on: unknown value ", fail_on)), "fail_on",
      absl::StrCat("unknown value ", fail_on));
}

v1::ChangeStatus ChangeStatusToProto(writers::Baseline b) {
  switch (b) {
    case writers::Baseline::kNew:
      return v1::CHANGE_STATUS_NEW;
    case writers::Baseline::kUnchanged:
      return v1::CHANGE_STATUS_UNCHANGED;
    case writers::Baseline::kUpdated:
      return v1::CHANGE_STATUS_UPDATED;
    case writers::Baseline::kAbsent:
      return v1::CHANGE_STATUS_FIXED;
    case writers::Baseline::kNone:
      break;
  }
  return v1::CHANGE_STATUS_UNSPECIFIED;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

}  // namespace

BoundaryValidatorService::BoundaryValidatorService(ServiceOptions options)
    : options_(std::move(options)),
      libraries_(io::LibraryVersions()),
      snapshots_([](const std::string& path) { return io::LoadReferenceStore(path); }),
      heavy_(options_.limits.max_concurrent_heavy_calls) {}

BoundaryValidatorService::BoundaryValidatorService(std::string tool)
    : BoundaryValidatorService(ServiceOptions{.tool = std::move(tool), .log_calls = false}) {}

void BoundaryValidatorService::SetReference(std::shared_ptr<const ReferenceData> reference,
                                            double load_seconds) {
  snapshots_.Install(std::move(reference), load_seconds);
}

std::shared_ptr<const ReferenceData> BoundaryValidatorService::reference() const {
  std::shared_ptr<const Snapshot> snapshot = snapshots_.Current();
  return snapshot == nullptr ? nullptr : snapshot->data;
}

absl::Status BoundaryValidatorService::Reload() {
  absl::StatusOr<std::shared_ptr<const Snapshot>> loaded = snapshots_.Load(options_.reference_path);
  if (!loaded.ok()) {
    if (options_.metrics != nullptr) options_.metrics->ReloadFailed();
    return wire::WithErrorInfo(loaded.status(), "RELOAD_FAILED");
  }
  return absl::OkStatus();
}

template <typename Body>
grpc::Status BoundaryValidatorService::Handle(const MethodSpec& method,
                                              grpc::ServerContext* context,
                                              const google::protobuf::Message& request,
                                              const google::protobuf::Message& response,
                                              Body&& body) {
  const auto start = Clock::now();
  const std::string request_id = RequestId(*context);
  context->AddInitialMetadata("x-request-id", request_id);
  if (options_.metrics != nullptr) options_.metrics->CallStarted(method.name);

  absl::StatusOr<Principal> principal =
      Authorize(options_.tokens, Metadata(*context, "authorization"), method.role, method.name);
  absl::Status status = principal.status();
  if (status.ok() && method.heavy) {
    HeavyCallSlots::Slot slot = heavy_.TryAcquire();
    status = slot.ok() ? body() : ServerBusyError(heavy_.capacity());
  } else if (status.ok()) {
    status = body();
  }
  const grpc::Status result = wire::ToGrpcStatus(status);

  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const int64_t request_bytes = static_cast<int64_t>(request.ByteSizeLong());
  const int64_t response_bytes = result.ok() ? static_cast<int64_t>(response.ByteSizeLong()) : 0;
  if (options_.metrics != nullptr) {
    options_.metrics->CallFinished(method.name, CodeName(result), seconds, request_bytes,
                                   response_bytes);
  }
  if (options_.log_calls) {
    nlohmann::json line = {
        {"ts", absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone())},
        {"method", method.name},
        {"code", CodeName(result)},
        {"latency_ms", std::round(seconds * 1e5) / 100},
        {"request_bytes", request_bytes},
        {"response_bytes", response_bytes},
        {"request_id", request_id},
        {"peer", context->peer()},
        {"principal", principal.ok() ? principal->name : ""},
    };
    // Status messages name fields and source rows, never row contents.
    if (!result.ok()) line["error"] = result.error_message();
    WriteLogLine(line);
  }
  return result;
}

grpc::Status BoundaryValidatorService::Validate(grpc::ServerContext* context,
                                                const v1::ValidateRequest* request,
                                                v1::ValidateResponse* response) {
  return Handle(kValidate, context, *request, *response, [&]() -> absl::Status {
    // Hold our own snapshot for the whole call: a concurrent reload cannot free it under us.
    absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = RequireReference();
    if (!reference.ok()) return reference.status();
    absl::StatusOr<Report> report = RunEngine(*context, **reference, *request, request->options());
    if (!report.ok()) return report.status();
    wire::ToProto(*report, response->mutable_report());
    return absl::OkStatus();
  });
}

grpc::Status BoundaryValidatorService::ValidateChange(grpc::ServerContext* context,
                                                      const v1::ValidateChangeRequest* request,
                                                      v1::ValidateChangeResponse* response) {
  return Handle(kValidateChange, context, *request, *response,
                [&] { return DoValidateChange(*context, *request, response); });
}

absl::StatusOr<std::shared_ptr<const ReferenceData>> BoundaryValidatorService::RequireReference()
    const {
  std::shared_ptr<const ReferenceData> reference = this->reference();
  if (reference == nullptr) {
    return absl::FailedPreconditionError(
        "reference data is not loaded yet; wait for the health service to report SERVING");
  }
  return reference;
}

absl::StatusOr<Report> BoundaryValidatorService::RunEngine(grpc::ServerContext& context,
                                                           const ReferenceData& reference,
                                                           const v1::ValidateRequest& request,
                                                           const v1::ValidationOptions& options) {
  if (absl::Status s = CheckRequestLimits(options_.limits, request); !s.ok()) return s;
  absl::StatusOr<ValidationInput> input = wire::InputFromProto(request);
  if (!input.ok()) return input.status();
  absl::StatusOr<ValidationOptions> engine_options = wire::OptionsFromProto(options);
  if (!engine_options.ok()) return engine_options.status();
  engine_options->cancelled = [&context] {
    return context.IsCancelled() || std::chrono::system_clock::now() >= context.deadline();
  };
  absl::StatusOr<Report> report = pcnv::Validate(reference, *input, *engine_options);
  if (report.status().code() == absl::StatusCode::kCancelled) {
    return Interrupted(context, report.status());
  }
  if (!report.ok()) return report.status();
  // The engine leaves these to the front door (geo/validate.h).
  report->provenance.tool = options_.tool;
  report->provenance.libraries = libraries_;
  if (options_.metrics != nullptr) options_.metrics->CountFindings(*report);
  return report;
}

absl::Status BoundaryValidatorService::DoValidateChange(grpc::ServerContext& context,
                                                        const v1::ValidateChangeRequest& request,
                                                        v1::ValidateChangeResponse* response) {
  absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = RequireReference();
  if (!reference.ok()) return reference.status();
  absl::StatusOr<writers::FailOn> fail_on = FailOnFromProto(request.fail_on());
  if (!fail_on.ok()) return fail_on.status();
  // Both sides with the candidate's options, so that only the data differs.
  const v1::ValidationOptions& options = request.candidate().options();
  absl::StatusOr<Report> base = RunEngine(context, **reference, request.base(), options);
  if (!base.ok()) return wire::WithFieldPrefix(base.status(), "base.");
  absl::StatusOr<Report> candidate = RunEngine(context, **reference, request.candidate(), options);
  if (!candidate.ok()) return wire::WithFieldPrefix(candidate.status(), "candidate.");

  wire::ToProto(*candidate, response->mutable_candidate());
  *response->mutable_base_summary() = [&] {
    v1::Report summary_only;
    wire::ToProto(Report{.summary = base->summary}, &summary_only);
    return summary_only.summary();
  }();
  // Waivers were applied by the engine on both sides already.
  const writers::ReportDiff diff = writers::DiffReports(*base, *std::move(candidate), *fail_on,
                                                        /*waivers=*/{}, /*today=*/"");
  v1::Report marked;  // the candidate's findings then the fixed ones, parallel to diff marks
  wire::ToProto(diff.view.report, &marked);
  for (int i = 0; i < marked.findings_size(); ++i) {
    v1::ChangedFinding* out = response->add_findings();
    *out->mutable_finding() = std::move(*marked.mutable_findings(i));
    out->set_status(ChangeStatusToProto(diff.view.marks[i].baseline));
    out->set_failing(diff.view.marks[i].failing);
  }
  response->set_new_findings(diff.counts.new_findings);
  response->set_fixed(diff.counts.fixed);
  response->set_unchanged(diff.counts.unchanged);
  response->set_failing(diff.counts.failing);
  response->set_regressed(diff.counts.failing > 0);
  return absl::OkStatus();
}

grpc::Status BoundaryValidatorService::GetReferenceInfo(grpc::ServerContext* context,
                                                        const v1::GetReferenceInfoRequest* request,
                                                        v1::ReferenceInfo* response) {
  return Handle(kGetReferenceInfo, context, *request, *response, [&]() -> absl::Status {
    std::shared_ptr<const Snapshot> snapshot = snapshots_.Current();
    if (snapshot == nullptr) {
      return absl::FailedPreconditionError("reference data is not loaded yet");
    }
    SnapshotToProto(*snapshot, response);
    return absl::OkStatus();
  });
}

grpc::Status BoundaryValidatorService::ReloadReference(grpc::ServerContext* context,
                                                       const v1::ReloadReferenceRequest* request,
                                                       v1::ReloadReferenceResponse* response) {
  return Handle(kReloadReference, context, *request, *response, [&]() -> absl::Status {
    std::shared_ptr<const Snapshot> previous = snapshots_.Current();
    if (absl::Status s = Reload(); !s.ok()) return s;
    if (previous != nullptr) SnapshotToProto(*previous, response->mutable_previous());
    SnapshotToProto(*snapshots_.Current(), response->mutable_current());
    return absl::OkStatus();
  });
}

void BoundaryValidatorService::SnapshotToProto(const Snapshot& snapshot,
                                               v1::ReferenceInfo* out) const {
  const ReferenceData& data = *snapshot.data;
  out->set_path(data.store_path());
  out->set_sha256(data.store_sha256());
  for (const LayerInfo& l : data.layers()) {
    v1::ReferenceLayer* layer = out->add_layers();
    layer->set_name(l.name);
    layer->set_source(l.source);
    layer->set_sha256(l.sha256);
    layer->set_vintage(l.vintage);
    layer->set_features(l.features);
  }
  out->set_areas(static_cast<int64_t>(data.areas().size()));
  out->set_postcodes(static_cast<int64_t>(data.postcode_count()));
  out->set_repairs(static_cast<int64_t>(data.repairs().size()));
  *out->mutable_loaded_at() = ToTimestamp(snapshot.loaded_at);
  out->set_load_seconds(snapshot.load_seconds);
  out->set_generation(snapshot.generation);
  // Failures recorded after this snapshot went live (a later success clears them).
  std::optional<ReloadFailure> failure = snapshots_.LastFailure();
  if (failure && failure->at >= snapshot.loaded_at && snapshots_.Current().get() == &snapshot) {
    *out->mutable_last_failed_reload()->mutable_at() = ToTimestamp(failure->at);
    out->mutable_last_failed_reload()->set_error(failure->error);
  }
}

}  // namespace pcnv::server
