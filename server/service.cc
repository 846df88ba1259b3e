#include "server/service.h"

#include <grpcpp/server_context.h>

#include <algorithm>
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
#include "geo/engine.h"
#include "geo/field_error.h"
#include "geo/io/reference_store.h"
#include "geo/parallel.h"
#include "geo/status_macros.h"
#include "geo/suggest.h"
#include "nlohmann/json.hpp"
#include "server/mutex.h"
#include "server/random_bits.h"
#include "wire/catchments.h"
#include "wire/change.h"
#include "wire/convert.h"
#include "wire/geometry_output.h"
#include "wire/reference_info.h"
#include "wire/status.h"
#include "wire/stream.h"
#include "wire/suggest.h"

namespace pcnv::server {

namespace {

using Clock = std::chrono::steady_clock;

// The one table of methods and roles.
constexpr MethodSpec kValidate{"Validate", Role::kRead, true};
constexpr MethodSpec kValidateChange{"ValidateChange", Role::kRead, true};
constexpr MethodSpec kValidateStream{"ValidateStream", Role::kRead, true};
constexpr MethodSpec kComputeCatchments{"ComputeCatchments", Role::kRead, true};
constexpr MethodSpec kSuggestFixes{"SuggestFixes", Role::kRead, true};
constexpr MethodSpec kGetReferenceInfo{"GetReferenceInfo", Role::kRead, false};
constexpr MethodSpec kReloadReference{"ReloadReference", Role::kAdmin, false};

std::string Metadata(const grpc::ServerContextBase& context, const char* key) {
  auto it = context.client_metadata().find(key);
  if (it == context.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// The caller's x-request-id when it is a plain token, else a fresh random one.
std::string RequestId(const grpc::ServerContextBase& context) {
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
absl::Status Interrupted(const grpc::ServerContextBase& context, const absl::Status& engine) {
  if (std::chrono::system_clock::now() >= context.deadline()) {
    return absl::DeadlineExceededError(absl::StrCat("deadline exceeded: ", engine.message()));
  }
  return absl::CancelledError(absl::StrCat("cancelled by the client: ", engine.message()));
}

// The same for an engine run that may also have reached the server's own limit, at `limit`.
absl::Status Interrupted(const grpc::ServerContextBase& context, const absl::Status& engine,
                         std::chrono::system_clock::time_point limit, double limit_seconds) {
  const auto now = std::chrono::system_clock::now();
  if (now < context.deadline() && now >= limit) {
    return absl::DeadlineExceededError(
        absl::StrCat("the server's limit of ", limit_seconds,
                     " s of validation per call (--max-call-seconds) passed: ", engine.message()));
  }
  return Interrupted(context, engine);
}

// When an engine run must stop: the client's deadline or the server's own limit, if sooner.
std::chrono::system_clock::time_point EngineLimit(const grpc::ServerContextBase& context,
                                                  double limit_seconds) {
  return std::min(context.deadline(),
                  std::chrono::system_clock::now() +
                      std::chrono::duration_cast<std::chrono::system_clock::duration>(
                          std::chrono::duration<double>(limit_seconds)));
}

// True once the client has cancelled or the deadline has passed.
bool Stopped(const grpc::ServerContextBase& context) {
  return context.IsCancelled() || std::chrono::system_clock::now() >= context.deadline();
}

}  // namespace

BoundaryValidatorService::BoundaryValidatorService(ServiceOptions options)
    : options_(std::move(options)),
      snapshots_([](const std::string& path) {
        absl::StatusOr<std::shared_ptr<const ReferenceData>> loaded = io::LoadReferenceStore(path);
        // Before it serves, so that no call pays for building the point-in-polygon indexes.
        if (loaded.ok()) (*loaded)->WarmIndexes();
        return loaded;
      }),
      heavy_(options_.limits.max_concurrent_heavy_calls),
      engine_gate_(options_.limits.engine_concurrency > 0 ? options_.limits.engine_concurrency
                                                          : ThreadCount()),
      reports_(options_.report_cache),
      watchdog_(absl::Seconds(options_.limits.stream_idle_seconds)),
      // One more than the engine turns: a call converting its request or reply (outside the
      // gate) does not hold up the others. More only wait at the gate and wake each other
      // (measured: 3 workers give 3,400 calls/s at 16 clients on 2 cores, 4 give 3,100).
      workers_(engine_gate_.capacity() + 1) {}

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
    return wire::WithErrorInfo(loaded.status(), v1::ERROR_REASON_RELOAD_FAILED);
  }
  return absl::OkStatus();
}

template <typename Body>
grpc::Status BoundaryValidatorService::Handle(const MethodSpec& method,
                                              grpc::ServerContextBase* context,
                                              const google::protobuf::Message& request,
                                              const google::protobuf::Message& response,
                                              HeavyCallSlots::Slot* held, Body&& body) {
  return HandleCall(
      method, context, [&] { return static_cast<int64_t>(request.ByteSizeLong()); },
      [&] { return static_cast<int64_t>(response.ByteSizeLong()); }, held,
      std::forward<Body>(body));
}

template <typename RequestBytes, typename ResponseBytes, typename Body>
grpc::Status BoundaryValidatorService::HandleCall(const MethodSpec& method,
                                                  grpc::ServerContextBase* context,
                                                  RequestBytes&& request_bytes_of,
                                                  ResponseBytes&& response_bytes_of,
                                                  HeavyCallSlots::Slot* held, Body&& body) {
  const auto start = Clock::now();
  const std::string request_id = RequestId(*context);
  context->AddInitialMetadata("x-request-id", request_id);
  if (options_.metrics != nullptr) options_.metrics->CallStarted(method.name);

  absl::StatusOr<Principal> principal =
      Authorize(options_.tokens, Metadata(*context, "authorization"), method.role, method.name);
  absl::Status status = principal.status();
  if (status.ok() && method.heavy) {
    HeavyCallSlots::Slot slot = held != nullptr ? std::move(*held) : heavy_.TryAcquire();
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
        v1::ERROR_REASON_BASE_REPORT_STALE);
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
      v1::ERROR_REASON_BASE_REPORT_OPTIONS_DIFFER);
}

absl::StatusOr<Engine> BoundaryValidatorService::RequireEngine() const {
  // The engine holds its own reference to the snapshot for the whole call: a concurrent reload
  // cannot free it under us.
  std::shared_ptr<const ReferenceData> reference = this->reference();
  if (reference == nullptr) {
    return absl::FailedPreconditionError(
        "reference data is not loaded yet; wait for the health service to report SERVING");
  }
  return Engine(std::move(reference), options_.tool);
}

absl::StatusOr<Report> BoundaryValidatorService::RunEngine(
    grpc::ServerContextBase& context, const Engine& engine, const v1::ValidateRequest& request,
    const v1::ValidationOptions& options,
    std::function<void(const PcnEntry&, const std::vector<Finding>&)> on_pcn_ready) {
  if (absl::Status s = CheckRequestLimits(options_.limits, request); !s.ok()) return s;
  // The engine stops at the client's deadline or at the server's own limit, whichever is first.
  const double limit_seconds = options_.limits.max_call_seconds;
  const auto limit = EngineLimit(context, limit_seconds);
  // Wait for an engine turn (EngineGate): the deadline or the client's going away ends the wait.
  std::optional<EngineGate::Pass> turn = engine_gate_.Enter([&context, limit] {
    return std::chrono::system_clock::now() >= limit || context.IsCancelled();
  });
  if (!turn) {
    return Interrupted(context, absl::CancelledError("waiting for an engine turn"), limit,
                       limit_seconds);
  }
  PCNV_ASSIGN_OR_RETURN(auto input, wire::InputFromProto(request));
  PCNV_ASSIGN_OR_RETURN(auto engine_options, wire::OptionsFromProto(options));
  // The deadline is a clock read; IsCancelled polls the completion queue (a syscall, ~25 us),
  // so ask it at most every 2 ms. The engine's stop token (geo/stop_token.h) calls this from one
  // thread at a time, at most every millisecond, and GEOS gives up within its current step.
  engine_options.cancelled = [&context, limit, next_poll = Clock::time_point()]() mutable {
    if (std::chrono::system_clock::now() >= limit) return true;
    const Clock::time_point now = Clock::now();
    if (now < next_poll) return false;
    next_poll = now + std::chrono::milliseconds(2);
    return context.IsCancelled();
  };
  engine_options.on_pcn_ready = std::move(on_pcn_ready);
  absl::StatusOr<Report> report = engine.Validate(input, engine_options);
  if (report.status().code() == absl::StatusCode::kCancelled) {
    return Interrupted(context, report.status(), limit, limit_seconds);
  }
  if (report.ok() && options_.metrics != nullptr) options_.metrics->CountFindings(*report);
  return report;
}

grpc::ServerUnaryReactor* BoundaryValidatorService::Validate(grpc::CallbackServerContext* context,
                                                             const v1::ValidateRequest* request,
                                                             v1::ValidateResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // The heavy-call slot is taken here, on gRPC's thread: a call past the limit is refused at
  // once (nothing in it blocks) instead of queueing behind the calls running.
  HeavyCallSlots::Slot slot = heavy_.TryAcquire();
  if (!slot.ok()) {
    reactor->Finish(ValidateBody(context, request, response, std::move(slot)));
    return reactor;
  }
  auto held = std::make_shared<HeavyCallSlots::Slot>(std::move(slot));  // std::function copies
  workers_.Run([this, context, request, response, reactor, held] {
    reactor->Finish(ValidateBody(context, request, response, std::move(*held)));
  });
  return reactor;
}

grpc::Status BoundaryValidatorService::ValidateBody(grpc::CallbackServerContext* context,
                                                    const v1::ValidateRequest* request,
                                                    v1::ValidateResponse* response,
                                                    HeavyCallSlots::Slot slot) {
  return Handle(
      kValidate, context, *request, *response, &slot, [&](const Principal& caller) -> absl::Status {
        PCNV_ASSIGN_OR_RETURN(const Engine engine, RequireEngine());
        PCNV_ASSIGN_OR_RETURN(const wire::GeometryEncoder geometry,
                              wire::GeometryEncoder::FromOptions(request->options(), "options"));
        PCNV_ASSIGN_OR_RETURN(Report report,
                              RunEngine(*context, engine, *request, request->options()));
        wire::ToProto(report, response->mutable_report());
        response->set_report_id(KeepReport(caller, std::move(report), response->report()));
        return geometry.Encode(*response);
      });
}

grpc::Status BoundaryValidatorService::ValidateChange(grpc::ServerContext* context,
                                                      const v1::ValidateChangeRequest* request,
                                                      v1::ValidateChangeResponse* response) {
  return Handle(
      kValidateChange, context, *request, *response, /*held=*/nullptr,
      [&](const Principal& caller) -> absl::Status {
        PCNV_ASSIGN_OR_RETURN(const Engine engine, RequireEngine());
        PCNV_ASSIGN_OR_RETURN(const FailOn fail_on, wire::FailOnFromProto(request->fail_on()));
        PCNV_ASSIGN_OR_RETURN(const wire::GeometryEncoder geometry,
                              wire::GeometryEncoder::FromOptions(request->candidate().options(),
                                                                 "candidate.options"));
        PCNV_ASSIGN_OR_RETURN(auto base, BaseReport(*context, caller, engine, *request));
        // Both sides with the candidate's options, so that only the data differs.
        absl::StatusOr<Report> candidate =
            RunEngine(*context, engine, request->candidate(), request->candidate().options());
        if (!candidate.ok()) return PrefixField(candidate.status(), "candidate.");
        if (request->has_base_report_id()) {
          PCNV_RETURN_IF_ERROR(CheckComparable(*base, *candidate));
        }
        wire::ToProto(*candidate, response->mutable_candidate());
        response->set_candidate_report_id(KeepReport(caller, *candidate, response->candidate()));
        // Waivers were applied by the engine on both sides already.
        const ReportDiff diff = Engine::Diff(*base, *std::move(candidate), fail_on,
                                             /*waivers=*/{}, /*today=*/"");
        wire::ChangeToProto(base->summary, diff, response);
        return geometry.Encode(*response);
      });
}

absl::StatusOr<std::shared_ptr<const Report>> BoundaryValidatorService::BaseReport(
    grpc::ServerContextBase& context, const Principal& caller, const Engine& engine,
    const v1::ValidateChangeRequest& request) {
  switch (request.base_side_case()) {
    case v1::ValidateChangeRequest::kBase: {
      absl::StatusOr<Report> made =
          RunEngine(context, engine, request.base(), request.candidate().options());
      if (!made.ok()) return PrefixField(made.status(), "base.");
      return std::make_shared<const Report>(*std::move(made));
    }
    case v1::ValidateChangeRequest::kBaseReportId:
      return reports_.Get(request.base_report_id(), caller.name);
    case v1::ValidateChangeRequest::BASE_SIDE_NOT_SET:
      break;
  }
  return FieldError("base", "required: the base configuration or a base_report_id");
}

grpc::Status BoundaryValidatorService::ValidateStream(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ValidateStreamResponse, v1::ValidateStreamRequest>* stream) {
  int64_t in_bytes = 0;
  int64_t out_bytes = 0;
  auto send = [&](const v1::ValidateStreamResponse& event) -> absl::Status {
    out_bytes += static_cast<int64_t>(event.ByteSizeLong());
    StreamWatchdog::Wait wait(watchdog_, *context, "the client to read the next event");
    if (stream->Write(event)) return absl::OkStatus();
    if (wait.expired()) return wait.status();
    return Interrupted(*context, absl::CancelledError("the client stopped reading"));
  };
  return HandleCall(
      kValidateStream, context, [&] { return in_bytes; }, [&] { return out_bytes; },
      /*held=*/nullptr,
      [&](const Principal& caller) -> absl::Status {
        PCNV_ASSIGN_OR_RETURN(const Engine engine, RequireEngine());
        PCNV_ASSIGN_OR_RETURN(const v1::ValidateRequest request,
                              ReceiveStream(*context, *stream, send, &in_bytes));
        PCNV_ASSIGN_OR_RETURN(const wire::GeometryEncoder geometry,
                              wire::GeometryEncoder::FromOptions(request.options(), "options"));
        PCNV_ASSIGN_OR_RETURN(Report report,
                              ValidateStreaming(*context, engine, request, geometry, send));
        v1::ValidateStreamResponse summary;
        v1::Report* full = summary.mutable_summary()->mutable_report();
        wire::ToProto(report, full);
        summary.mutable_summary()->set_report_id(KeepReport(caller, std::move(report), *full));
        PCNV_RETURN_IF_ERROR(geometry.Encode(summary));
        return send(summary);
      });
}

absl::StatusOr<v1::ValidateRequest> BoundaryValidatorService::ReceiveStream(
    grpc::ServerContext& context,
    grpc::ServerReaderWriter<v1::ValidateStreamResponse, v1::ValidateStreamRequest>& stream,
    const SendEvent& send, int64_t* in_bytes) {
  // Assemble the chunks, refusing as soon as a running total passes a limit: the bytes before a
  // chunk is added, the rest (rows, vertices, estimated memory) right after.
  wire::StreamAssembler assembler;
  RequestShape shape;
  v1::ValidateStreamRequest chunk;
  while (true) {
    StreamWatchdog::Wait wait(watchdog_, context, "the next chunk");
    if (!stream.Read(&chunk)) {
      if (wait.expired()) return wait.status();
      break;
    }
    const auto bytes = static_cast<int64_t>(chunk.ByteSizeLong());
    *in_bytes += bytes;
    shape.bytes += bytes;
    if (absl::Status s = CheckStreamBytes(options_.limits, shape.bytes); !s.ok()) return s;
    if (absl::Status s = assembler.Add(chunk); !s.ok()) return s;
    if (absl::Status s = CheckAssembledLimits(options_.limits, assembler.request(), &shape);
        !s.ok()) {
      return s;
    }
    if (Stopped(context)) return Interrupted(context, absl::CancelledError("while receiving"));
    if (absl::Status s = send(wire::ProgressEvent("receive", assembler.rows(), 0)); !s.ok()) {
      return s;
    }
  }
  if (Stopped(context)) return Interrupted(context, absl::CancelledError("while receiving"));
  return assembler.request();
}

absl::StatusOr<Report> BoundaryValidatorService::ValidateStreaming(
    grpc::ServerContext& context, const Engine& engine, const v1::ValidateRequest& request,
    const wire::GeometryEncoder& geometry, const SendEvent& send) {
  // Validate exactly as the unary call does, sending each PCN's result as soon as the engine has
  // it (from its worker threads: one writer at a time).
  if (absl::Status s = send(wire::ProgressEvent("validate", 0, 1)); !s.ok()) return s;
  Mutex write_mu;
  absl::Status write_failed;
  int64_t results_sent = 0;
  const int64_t total = wire::PcnCount(request);
  auto on_pcn_ready = [&](const PcnEntry& pcn, const std::vector<Finding>& findings) {
    v1::ValidateStreamResponse event = wire::PcnResultEvent(pcn, findings);
    MutexLock lock(write_mu);  // also the encoder's: one thread at a time
    if (!write_failed.ok()) return;
    write_failed = geometry.Encode(event);
    if (write_failed.ok()) write_failed = send(event);
    if (write_failed.ok()) {
      write_failed = send(wire::ProgressEvent("results", ++results_sent, total));
    }
  };
  absl::StatusOr<Report> report =
      RunEngine(context, engine, request, request.options(), on_pcn_ready);
  if (!write_failed.ok()) return write_failed;
  if (!report.ok()) return report.status();
  if (absl::Status s = send(wire::ProgressEvent("validate", 1, 1)); !s.ok()) return s;
  return report;
}

grpc::Status BoundaryValidatorService::ComputeCatchments(
    grpc::ServerContext* context, const v1::ComputeCatchmentsRequest* request,
    grpc::ServerWriter<v1::PcnCatchments>* writer) {
  int64_t out_bytes = 0;
  return HandleCall(
      kComputeCatchments, context, [&] { return static_cast<int64_t>(request->ByteSizeLong()); },
      [&] { return out_bytes; }, /*held=*/nullptr,
      [&](const Principal&) -> absl::Status {
        PCNV_ASSIGN_OR_RETURN(const Engine engine, RequireEngine());
        PCNV_RETURN_IF_ERROR(
            PrefixField(CheckRequestLimits(options_.limits, request->input()), "input."));
        PCNV_ASSIGN_OR_RETURN(const double threshold, wire::ShareThresholdFromProto(*request));
        PCNV_ASSIGN_OR_RETURN(
            const wire::GeometryEncoder geometry,
            wire::GeometryEncoder::FromOptions(request->input().options(), "input.options"));
        PCNV_ASSIGN_OR_RETURN(const ValidationInput input,
                              wire::CatchmentsInputFromProto(*request));
        PCNV_ASSIGN_OR_RETURN(const DisclosurePolicy disclosure,
                              wire::CatchmentsDisclosureFromProto(*request));
        PCNV_ASSIGN_OR_RETURN(const CatchmentSet set,
                              engine.Catchments(input, threshold, disclosure));
        for (int k = 0; k < set.pcn_count(); ++k) {
          if (Stopped(*context)) {
            return Interrupted(*context, absl::CancelledError(absl::StrCat("after ", k, " PCNs")));
          }
          v1::PcnCatchments out =
              wire::CatchmentsToProto(set.Get(k), set.reference().areas(), threshold, disclosure);
          PCNV_RETURN_IF_ERROR(geometry.Encode(out));
          out_bytes += static_cast<int64_t>(out.ByteSizeLong());
          StreamWatchdog::Wait wait(watchdog_, *context, "the client to read the next PCN");
          if (!writer->Write(out)) {
            if (wait.expired()) return wait.status();
            return Interrupted(*context, absl::CancelledError("the client stopped reading"));
          }
        }
        return absl::OkStatus();
      });
}

grpc::Status BoundaryValidatorService::SuggestFixes(
    grpc::ServerContext* context, const v1::SuggestFixesRequest* request,
    grpc::ServerWriter<v1::SuggestFixesResponse>* writer) {
  int64_t out_bytes = 0;
  return HandleCall(
      kSuggestFixes, context, [&] { return static_cast<int64_t>(request->ByteSizeLong()); },
      [&] { return out_bytes; }, /*held=*/nullptr,
      [&](const Principal&) -> absl::Status {
        PCNV_ASSIGN_OR_RETURN(const Engine engine, RequireEngine());
        PCNV_ASSIGN_OR_RETURN(SuggestOptions suggest, wire::SuggestOptionsFromProto(*request));
        const v1::ValidateRequest& validation = request->validation();
        // The base report, exactly as Validate makes it (limits, engine turn, deadline).
        absl::StatusOr<Report> base = RunEngine(*context, engine, validation, validation.options());
        if (!base.ok()) return PrefixField(base.status(), "validation.");
        absl::StatusOr<ValidationInput> input = wire::InputFromProto(validation);
        if (!input.ok()) return PrefixField(input.status(), "validation.");
        absl::StatusOr<ValidationOptions> options = wire::OptionsFromProto(validation.options());
        if (!options.ok()) return PrefixField(options.status(), "validation.options.");

        // The search re-validates hundreds of neighbourhoods on every core: one engine turn,
        // like a validation, and the same deadline.
        const double limit_seconds = options_.limits.max_call_seconds;
        const auto limit = EngineLimit(*context, limit_seconds);
        std::optional<EngineGate::Pass> turn = engine_gate_.Enter([&context, limit] {
          return std::chrono::system_clock::now() >= limit || context->IsCancelled();
        });
        if (!turn) {
          return Interrupted(*context, absl::CancelledError("waiting for an engine turn"), limit,
                             limit_seconds);
        }
        auto send = [&](const v1::SuggestFixesResponse& item, const char* what) -> absl::Status {
          out_bytes += static_cast<int64_t>(item.ByteSizeLong());
          StreamWatchdog::Wait wait(watchdog_, *context, what);
          if (writer->Write(item)) return absl::OkStatus();
          if (wait.expired()) return wait.status();
          return absl::CancelledError("the client stopped reading");
        };
        suggest.cancelled = [&context, limit] {
          return std::chrono::system_clock::now() >= limit || context->IsCancelled();
        };
        suggest.on_target = [&](const SuggestTarget& target,
                                const std::vector<const Suggestion*>& fresh) -> absl::Status {
          v1::SuggestFixesResponse item;
          for (const Suggestion* s : fresh) {
            *item.mutable_suggestion() = wire::SuggestionToProto(*s);
            PCNV_RETURN_IF_ERROR(send(item, "the client to read the next suggestion"));
          }
          *item.mutable_target() = wire::TargetToProto(target);
          return send(item, "the client to read the next target");
        };
        absl::StatusOr<SuggestResult> result = Suggest(engine, *input, *options, *base, suggest);
        if (result.status().code() == absl::StatusCode::kCancelled) {
          return Interrupted(*context, result.status(), limit, limit_seconds);
        }
        if (!result.ok()) return result.status();
        Provenance stamp;
        engine.Stamp(stamp);
        v1::SuggestFixesResponse last;
        *last.mutable_summary() = wire::SummaryToProto(*result, stamp.tool);
        return send(last, "the client to read the summary");
      });
}

grpc::Status BoundaryValidatorService::GetReferenceInfo(grpc::ServerContext* context,
                                                        const v1::GetReferenceInfoRequest* request,
                                                        v1::ReferenceInfo* response) {
  return Handle(kGetReferenceInfo, context, *request, *response, /*held=*/nullptr,
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
  return Handle(kReloadReference, context, *request, *response, /*held=*/nullptr,
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
  // Failures recorded after this snapshot went live (a later success clears them).
  std::optional<ReloadFailure> failure = snapshots_.LastFailure();
  std::optional<wire::FailedReload> shown;
  if (failure && failure->at >= snapshot.loaded_at && snapshots_.Current().get() == &snapshot) {
    shown = wire::FailedReload{failure->at, failure->error};
  }
  wire::ReferenceInfoToProto(*snapshot.data,
                             {.loaded_at = snapshot.loaded_at,
                              .load_seconds = snapshot.load_seconds,
                              .generation = snapshot.generation},
                             shown, out);
}

}  // namespace pcnv::server
