#include "server/service.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/server_context.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "clients/writers/disclosure.h"
#include "clients/writers/report_diff.h"
#include "geo/catchments_api.h"
#include "geo/io/reference_store.h"
#include "geo/io/versions.h"
#include "geo/parallel.h"
#include "geo/validate.h"
#include "nlohmann/json.hpp"
#include "server/convert.h"
#include "server/random_bits.h"
#include "server/status.h"

namespace pcnv::server {

namespace {

using Clock = std::chrono::steady_clock;

// The one table of methods and roles.
constexpr MethodSpec kValidate{"Validate", Role::kRead, true};
constexpr MethodSpec kValidateChange{"ValidateChange", Role::kRead, true};
constexpr MethodSpec kValidateStream{"ValidateStream", Role::kRead, true};
constexpr MethodSpec kComputeCatchments{"ComputeCatchments", Role::kRead, true};
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
  return absl::StrFormat("%016x", RandomBits());
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

// True once the client has cancelled or the deadline has passed.
bool Stopped(const grpc::ServerContext& context) {
  return context.IsCancelled() || std::chrono::system_clock::now() >= context.deadline();
}

absl::Status BadField(absl::string_view field, absl::string_view why) {
  return wire::WithFieldViolation(absl::InvalidArgumentError(absl::StrCat(field, ": ", why)), field,
                                  why);
}

v1::ValidateStreamResponse ProgressEvent(absl::string_view stage, int64_t done, int64_t total) {
  v1::ValidateStreamResponse event;
  v1::Progress* p = event.mutable_progress();
  p->set_stage(std::string(stage));
  p->set_done(done);
  p->set_total(total);
  return event;
}

template <typename T>
void MoveAppend(google::protobuf::RepeatedPtrField<T>* from,
                google::protobuf::RepeatedPtrField<T>* to) {
  to->Reserve(to->size() + from->size());
  for (T& item : *from) *to->Add() = std::move(item);
}

// Adds one chunk to the assembled request. Rows received: *rows grows by the chunk's rows.
absl::Status AddChunk(v1::ValidateStreamRequest& chunk, v1::ValidateRequest& assembled,
                      bool* has_options, bool* ended, int64_t* rows) {
  if (*ended) return BadField("end", "a chunk arrived after the end marker");
  switch (chunk.chunk_case()) {
    case v1::ValidateStreamRequest::kMemberships:
      *rows += chunk.memberships().rows_size();
      MoveAppend(chunk.mutable_memberships()->mutable_rows(), assembled.mutable_memberships());
      break;
    case v1::ValidateStreamRequest::kListSizes:
      *rows += chunk.list_sizes().rows_size();
      MoveAppend(chunk.mutable_list_sizes()->mutable_rows(),
                 assembled.mutable_list_sizes()->mutable_rows());
      break;
    case v1::ValidateStreamRequest::kDistribution:
      if (assembled.has_distribution() &&
          assembled.distribution().level() != chunk.distribution().level()) {
        return BadField("distribution.level", "every distribution chunk must state the same level");
      }
      *rows += chunk.distribution().rows_size();
      assembled.mutable_distribution()->set_level(chunk.distribution().level());
      MoveAppend(chunk.mutable_distribution()->mutable_rows(),
                 assembled.mutable_distribution()->mutable_rows());
      break;
    case v1::ValidateStreamRequest::kDeclared:
      *rows += chunk.declared().boundaries_size();
      MoveAppend(chunk.mutable_declared()->mutable_boundaries(),
                 assembled.mutable_declared()->mutable_boundaries());
      break;
    case v1::ValidateStreamRequest::kSources:
      MoveAppend(chunk.mutable_sources()->mutable_files(), assembled.mutable_sources());
      break;
    case v1::ValidateStreamRequest::kOptions:
      if (*has_options) return BadField("options", "options were sent more than once");
      *has_options = true;
      *assembled.mutable_options() = std::move(*chunk.mutable_options());
      break;
    case v1::ValidateStreamRequest::kEnd:
      *ended = true;
      break;
    case v1::ValidateStreamRequest::CHUNK_NOT_SET:
      return BadField("chunk", "an empty chunk (no kind set)");
  }
  return absl::OkStatus();
}

}  // namespace

BoundaryValidatorService::BoundaryValidatorService(ServiceOptions options)
    : options_(std::move(options)),
      libraries_(io::LibraryVersions()),
      snapshots_([](const std::string& path) {
        absl::StatusOr<std::shared_ptr<const ReferenceData>> loaded = io::LoadReferenceStore(path);
        // Before it serves, so that no call pays for building the point-in-polygon indexes.
        if (loaded.ok()) (*loaded)->WarmIndexes();
        return loaded;
      }),
      heavy_(options_.limits.max_concurrent_heavy_calls),
      engine_gate_(options_.limits.engine_concurrency > 0 ? options_.limits.engine_concurrency
                                                          : ThreadCount()),
      reports_(options_.report_cache) {}

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
  return HandleCall(
      method, context, [&] { return static_cast<int64_t>(request.ByteSizeLong()); },
      [&] { return static_cast<int64_t>(response.ByteSizeLong()); }, std::forward<Body>(body));
}

template <typename RequestBytes, typename ResponseBytes, typename Body>
grpc::Status BoundaryValidatorService::HandleCall(const MethodSpec& method,
                                                  grpc::ServerContext* context,
                                                  RequestBytes&& request_bytes_of,
                                                  ResponseBytes&& response_bytes_of, Body&& body) {
  const auto start = Clock::now();
  const std::string request_id = RequestId(*context);
  context->AddInitialMetadata("x-request-id", request_id);
  if (options_.metrics != nullptr) options_.metrics->CallStarted(method.name);

  absl::StatusOr<Principal> principal =
      Authorize(options_.tokens, Metadata(*context, "authorization"), method.role, method.name);
  absl::Status status = principal.status();
  if (status.ok() && method.heavy) {
    HeavyCallSlots::Slot slot = heavy_.TryAcquire();
    status = slot.ok() ? body(*principal) : ServerBusyError(heavy_.capacity());
  } else if (status.ok()) {
    status = body(*principal);
  }
  grpc::Status result = wire::ToGrpcStatus(status);  // not const: returned by move

  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const int64_t request_bytes = request_bytes_of();
  const int64_t response_bytes = result.ok() ? response_bytes_of() : 0;
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
  return Handle(
      kValidate, context, *request, *response, [&](const Principal& caller) -> absl::Status {
        // Hold our own snapshot for the whole call: a concurrent reload cannot free it under us.
        absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = RequireReference();
        if (!reference.ok()) return reference.status();
        absl::StatusOr<Report> report =
            RunEngine(*context, **reference, *request, request->options());
        if (!report.ok()) return report.status();
        wire::ToProto(*report, response->mutable_report());
        response->set_report_id(KeepReport(caller, *std::move(report), response->report()));
        return absl::OkStatus();
      });
}

grpc::Status BoundaryValidatorService::ValidateChange(grpc::ServerContext* context,
                                                      const v1::ValidateChangeRequest* request,
                                                      v1::ValidateChangeResponse* response) {
  return Handle(kValidateChange, context, *request, *response, [&](const Principal& caller) {
    return DoValidateChange(*context, caller, *request, response);
  });
}

std::string BoundaryValidatorService::KeepReport(const Principal& caller, Report report,
                                                 const v1::Report& wire_form) {
  return reports_.Put(caller.name, std::make_shared<const Report>(std::move(report)),
                      static_cast<int64_t>(wire_form.ByteSizeLong()));
}

absl::Status BoundaryValidatorService::CheckComparable(const Report& base,
                                                       const Report& candidate) const {
  const Provenance& b = base.provenance;
  const Provenance& c = candidate.provenance;
  if (b.reference_sha256 != c.reference_sha256) {
    return wire::WithErrorInfo(
        absl::FailedPreconditionError(
            absl::StrCat("base_report_id: the base report was made on reference snapshot ",
                         b.reference_sha256, " but the server now serves ", c.reference_sha256,
                         " (reloaded since); send the base configuration as `base` instead")),
        "BASE_REPORT_STALE");
  }
  // Same method, ruleset and tolerances, or a finding could be "new" only because a threshold
  // moved: the comparison is meant to show what the edit changed.
  auto first_difference = [](const std::map<std::string, Value>& x,
                             const std::map<std::string, Value>& y) -> std::string {
    for (const auto& [key, value] : x) {
      auto it = y.find(key);
      if (it == y.end() || !(it->second == value)) return key;
    }
    for (const auto& [key, value] : y) {
      if (!x.contains(key)) return key;
    }
    return "";
  };
  std::string differs = b.method != c.method ? "method" : first_difference(b.ruleset, c.ruleset);
  if (differs.empty()) differs = first_difference(b.tolerances, c.tolerances);
  if (differs.empty()) return absl::OkStatus();
  return wire::WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "base_report_id: the base report was made with different options (", differs,
          " differs from the candidate's); send the candidate with the base's options, or the "
          "base configuration as `base`")),
      "BASE_REPORT_OPTIONS_DIFFER");
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

absl::StatusOr<Report> BoundaryValidatorService::RunEngine(
    grpc::ServerContext& context, const ReferenceData& reference,
    const v1::ValidateRequest& request, const v1::ValidationOptions& options,
    std::function<void(const PcnEntry&, const std::vector<Finding>&)> on_pcn_ready) {
  if (absl::Status s = CheckRequestLimits(options_.limits, request); !s.ok()) return s;
  // Wait for an engine turn (EngineGate): the deadline or the client's going away ends the wait.
  std::optional<EngineGate::Pass> turn = engine_gate_.Enter([&context] {
    return std::chrono::system_clock::now() >= context.deadline() || context.IsCancelled();
  });
  if (!turn) return Interrupted(context, absl::CancelledError("waiting for an engine turn"));
  absl::StatusOr<ValidationInput> input = wire::InputFromProto(request);
  if (!input.ok()) return input.status();
  absl::StatusOr<ValidationOptions> engine_options = wire::OptionsFromProto(options);
  if (!engine_options.ok()) return engine_options.status();
  // The deadline is a clock read; IsCancelled polls the completion queue (a syscall, ~25 us),
  // so ask it at most every 2 ms. The engine calls this from one thread at a time.
  engine_options->cancelled = [&context, next_poll = Clock::time_point()]() mutable {
    if (std::chrono::system_clock::now() >= context.deadline()) return true;
    const Clock::time_point now = Clock::now();
    if (now < next_poll) return false;
    next_poll = now + std::chrono::milliseconds(2);
    return context.IsCancelled();
  };
  engine_options->on_pcn_ready = std::move(on_pcn_ready);
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
                                                        const Principal& caller,
                                                        const v1::ValidateChangeRequest& request,
                                                        v1::ValidateChangeResponse* response) {
  absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = RequireReference();
  if (!reference.ok()) return reference.status();
  absl::StatusOr<writers::FailOn> fail_on = FailOnFromProto(request.fail_on());
  if (!fail_on.ok()) return fail_on.status();
  // Both sides with the candidate's options, so that only the data differs.
  const v1::ValidationOptions& options = request.candidate().options();
  std::shared_ptr<const Report> base;
  switch (request.base_side_case()) {
    case v1::ValidateChangeRequest::kBase: {
      absl::StatusOr<Report> made = RunEngine(context, **reference, request.base(), options);
      if (!made.ok()) return wire::WithFieldPrefix(made.status(), "base.");
      base = std::make_shared<const Report>(*std::move(made));
      break;
    }
    case v1::ValidateChangeRequest::kBaseReportId: {
      absl::StatusOr<std::shared_ptr<const Report>> kept =
          reports_.Get(request.base_report_id(), caller.name);
      if (!kept.ok()) return kept.status();
      base = *std::move(kept);
      break;
    }
    case v1::ValidateChangeRequest::BASE_SIDE_NOT_SET:
      return BadField("base", "required: the base configuration or a base_report_id");
  }
  absl::StatusOr<Report> candidate = RunEngine(context, **reference, request.candidate(), options);
  if (!candidate.ok()) return wire::WithFieldPrefix(candidate.status(), "candidate.");
  if (request.has_base_report_id()) {
    if (absl::Status s = CheckComparable(*base, *candidate); !s.ok()) return s;
  }

  wire::ToProto(*candidate, response->mutable_candidate());
  *response->mutable_base_summary() = [&] {
    v1::Report summary_only;
    wire::ToProto(Report{.summary = base->summary}, &summary_only);
    return summary_only.summary();
  }();
  // Waivers were applied by the engine on both sides already.
  response->set_candidate_report_id(KeepReport(caller, *candidate, response->candidate()));
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

grpc::Status BoundaryValidatorService::ValidateStream(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ValidateStreamResponse, v1::ValidateStreamRequest>* stream) {
  int64_t in_bytes = 0;
  int64_t out_bytes = 0;
  return HandleCall(
      kValidateStream, context, [&] { return in_bytes; }, [&] { return out_bytes; },
      [&](const Principal& caller) {
        return DoValidateStream(*context, caller, *stream, &in_bytes, &out_bytes);
      });
}

absl::Status BoundaryValidatorService::DoValidateStream(
    grpc::ServerContext& context, const Principal& caller,
    grpc::ServerReaderWriter<v1::ValidateStreamResponse, v1::ValidateStreamRequest>& stream,
    int64_t* in_bytes, int64_t* out_bytes) {
  absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = RequireReference();
  if (!reference.ok()) return reference.status();
  auto send = [&](const v1::ValidateStreamResponse& event) -> absl::Status {
    *out_bytes += static_cast<int64_t>(event.ByteSizeLong());
    if (stream.Write(event)) return absl::OkStatus();
    return Interrupted(context, absl::CancelledError("the client stopped reading"));
  };

  // Receive: assemble the chunks, refusing as soon as a running total passes a limit.
  v1::ValidateRequest assembled;
  bool has_options = false;
  bool ended = false;
  int64_t rows = 0;
  v1::ValidateStreamRequest chunk;
  while (stream.Read(&chunk)) {
    *in_bytes += static_cast<int64_t>(chunk.ByteSizeLong());
    const int first_new_boundary = assembled.declared().boundaries_size();
    if (absl::Status s = AddChunk(chunk, assembled, &has_options, &ended, &rows); !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckAssembledLimits(options_.limits, assembled, first_new_boundary);
        !s.ok()) {
      return s;
    }
    if (Stopped(context)) return Interrupted(context, absl::CancelledError("while receiving"));
    if (absl::Status s = send(ProgressEvent("receive", rows, 0)); !s.ok()) return s;
  }
  if (Stopped(context)) return Interrupted(context, absl::CancelledError("while receiving"));

  // Validate exactly as the unary call does, sending each PCN's result as soon as the engine has
  // it (from its worker threads: one writer at a time).
  if (absl::Status s = send(ProgressEvent("validate", 0, 1)); !s.ok()) return s;
  absl::Mutex write_mu;
  absl::Status write_failed;
  int64_t results_sent = 0;
  std::set<std::string> pcn_codes;
  for (const v1::Membership& m : assembled.memberships()) {
    if (!m.pcn_code().empty() && m.pcn_code() != kUnallocatedPcn) pcn_codes.insert(m.pcn_code());
  }
  const int64_t total = static_cast<int64_t>(pcn_codes.size());
  auto on_pcn_ready = [&](const PcnEntry& pcn, const std::vector<Finding>& findings) {
    v1::ValidateStreamResponse event;
    v1::PcnResult* result = event.mutable_pcn_result();
    wire::ToProto(pcn, result->mutable_pcn());
    for (const Finding& f : findings) wire::ToProto(f, result->add_findings());
    absl::MutexLock lock(&write_mu);
    if (!write_failed.ok()) return;
    write_failed = send(event);
    if (write_failed.ok()) write_failed = send(ProgressEvent("results", ++results_sent, total));
  };
  absl::StatusOr<Report> report =
      RunEngine(context, **reference, assembled, assembled.options(), on_pcn_ready);
  if (!write_failed.ok()) return write_failed;
  if (!report.ok()) return report.status();
  if (absl::Status s = send(ProgressEvent("validate", 1, 1)); !s.ok()) return s;

  v1::ValidateStreamResponse summary;
  v1::Report* full = summary.mutable_summary()->mutable_report();
  wire::ToProto(*report, full);
  summary.mutable_summary()->set_report_id(KeepReport(caller, *std::move(report), *full));
  return send(summary);
}

grpc::Status BoundaryValidatorService::ComputeCatchments(
    grpc::ServerContext* context, const v1::ComputeCatchmentsRequest* request,
    grpc::ServerWriter<v1::PcnCatchments>* writer) {
  int64_t out_bytes = 0;
  return HandleCall(
      kComputeCatchments, context, [&] { return static_cast<int64_t>(request->ByteSizeLong()); },
      [&] { return out_bytes; },
      [&](const Principal&) {
        return DoComputeCatchments(*context, *request, *writer, &out_bytes);
      });
}

absl::Status BoundaryValidatorService::DoComputeCatchments(
    grpc::ServerContext& context, const v1::ComputeCatchmentsRequest& request,
    grpc::ServerWriter<v1::PcnCatchments>& writer, int64_t* out_bytes) {
  absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = RequireReference();
  if (!reference.ok()) return reference.status();
  if (absl::Status s = CheckRequestLimits(options_.limits, request.input()); !s.ok()) {
    return wire::WithFieldPrefix(s, "input.");
  }
  const double threshold = request.has_share_threshold() ? request.share_threshold() : 0.05;
  if (!(threshold > 0 && threshold <= 1)) {
    return BadField("share_threshold", absl::StrCat(threshold, " is not in (0, 1]"));
  }
  if (!request.input().has_distribution()) {
    return BadField("input.distribution", "required: catchments are built from the distribution");
  }
  absl::StatusOr<ValidationInput> input = wire::InputFromProto(request.input());
  if (!input.ok()) return wire::WithFieldPrefix(input.status(), "input.");
  absl::StatusOr<CatchmentSet> set = CatchmentSet::Build(**reference, *input, threshold);
  if (!set.ok()) return set.status();

  const std::vector<Area>& areas = (*reference)->areas();
  for (int k = 0; k < set->pcn_count(); ++k) {
    if (Stopped(context)) {
      return Interrupted(context, absl::CancelledError(absl::StrCat("after ", k, " PCNs")));
    }
    const PcnCatchment c = set->Get(k);
    v1::PcnCatchments out;
    out.set_pcn_code(c.code);
    out.set_pcn_name(c.name);
    if (!c.territory_geometry.is_null()) {
      wire::ToProto(c.territory_geometry, out.mutable_territory_geometry());
    }
    if (!c.share_catchment_geometry.is_null()) {
      wire::ToProto(c.share_catchment_geometry, out.mutable_share_catchment_geometry());
    }
    out.set_share_threshold(threshold);
    out.set_territory_areas(static_cast<int32_t>(c.territory_areas.size()));
    out.set_share_catchment_areas(static_cast<int32_t>(c.share_areas.size()));
    for (const AreaShareRow& row : c.areas) {
      v1::AreaShare* a = out.add_areas();
      a->set_area_code(areas[row.area].code);
      // Small-number disclosure control (DOMAIN.md section 4): 1 to 4 patients are "<5", and
      // the share, which with N(a) would give the count away, is left out with it.
      const bool suppressed = row.patients > 0 && row.patients < writers::kSuppressBelow;
      a->set_patients_suppressed(suppressed);
      a->set_patients(suppressed ? writers::kSuppressedText : absl::StrCat(row.patients));
      if (!suppressed) a->set_share(row.share);
      a->set_area_total(row.total);
      a->set_in_territory(row.in_territory);
      a->set_in_share_catchment(row.in_share_catchment);
    }
    *out_bytes += static_cast<int64_t>(out.ByteSizeLong());
    if (!writer.Write(out)) {
      return Interrupted(context, absl::CancelledError("the client stopped reading"));
    }
  }
  return absl::OkStatus();
}

grpc::Status BoundaryValidatorService::GetReferenceInfo(grpc::ServerContext* context,
                                                        const v1::GetReferenceInfoRequest* request,
                                                        v1::ReferenceInfo* response) {
  return Handle(kGetReferenceInfo, context, *request, *response,
                [&](const Principal&) -> absl::Status {
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
  return Handle(kReloadReference, context, *request, *response,
                [&](const Principal&) -> absl::Status {
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
