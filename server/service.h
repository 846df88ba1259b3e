// The BoundaryValidator gRPC service: a thin shell over pcnv::Validate (geo/validate.h).
//
// Every method runs through one wrapper (Handle) that does, in order: the request id, the
// method's role check (server/auth.h), the heavy-call slot (server/limits.h), the handler body
// (an absl::Status), the one status funnel (wire/status.h), one JSON log line and the metrics.
// The body gets the caller (Principal), to whom reports kept for ValidateChange are bound.
// A handler body unpacks the request with wire/, calls the Engine (geo/engine.h) on the current
// reference snapshot (server/snapshots.h) and packs the result with wire/.
//
// Validate, the portals' call, is served through gRPC's callback API: its handler runs on a fixed
// set of worker threads (server/call_workers.h), with the heavy-call slot taken on arrival, so
// no thread is started per call. The other methods use the synchronous API (their streams block
// on the client by design).
//
// Log line (stderr, one JSON object per call): ts, method, code, latency_ms, request_bytes,
// response_bytes, request_id (the caller's `x-request-id` metadata when it is a plain token of
// at most 64 characters, else generated; echoed back in the response's initial metadata), peer,
// principal, and for failures the status message. Never the request's contents: they are patient
// counts per practice and area, and logs travel further than reports.
#ifndef PCNV_SERVER_SERVICE_H_
#define PCNV_SERVER_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "geo/engine.h"
#include "geo/reference.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "server/auth.h"
#include "server/call_workers.h"
#include "server/limits.h"
#include "server/metrics.h"
#include "server/report_cache.h"
#include "server/snapshots.h"
#include "server/stream_watchdog.h"
#include "wire/geometry_output.h"

namespace pcnv::server {

struct ServiceOptions {
  std::string tool = "pcnv";   // provenance.tool, e.g. "pcnv 0.1.0"
  std::string reference_path;  // what ReloadReference re-reads
  ServerLimits limits;
  // Reports kept for ValidateChange's base_report_id.
  ReportCacheLimits report_cache;
  // Null: authentication off (every caller is an admin). Not owned.
  const TokenTable* tokens = nullptr;
  // Null: no metrics. Not owned.
  Metrics* metrics = nullptr;
  // Whether to write the JSON call log to stderr.
  bool log_calls = true;
};

// What the call wrapper needs to know about a method: its name, the role it needs, and whether
// it takes a heavy-call slot. The table is in service.cc.
struct MethodSpec {
  const char* name;
  Role role;
  bool heavy;
};

class BoundaryValidatorService final
    : public v1::BoundaryValidator::WithCallbackMethod_Validate<v1::BoundaryValidator::Service> {
 public:
  explicit BoundaryValidatorService(ServiceOptions options);
  // `tool` goes into provenance.tool; everything else defaults (tests).
  explicit BoundaryValidatorService(std::string tool);

  // Installs an already-built snapshot (start-up, tests). Calls already running keep the
  // snapshot they started with.
  void SetReference(std::shared_ptr<const ReferenceData> reference, double load_seconds = 0);
  // The current snapshot's data, or null before the first load.
  std::shared_ptr<const ReferenceData> reference() const;
  // Re-reads options.reference_path (ReloadReference and SIGHUP). On failure the old snapshot
  // keeps serving and the FAILED_PRECONDITION says why.
  absl::Status Reload();
  const ReferenceSnapshots& snapshots() const { return snapshots_; }
  const HeavyCallSlots& heavy_slots() const { return heavy_; }

  grpc::ServerUnaryReactor* Validate(grpc::CallbackServerContext* context,
                                     const v1::ValidateRequest* request,
                                     v1::ValidateResponse* response) override;
  grpc::Status ValidateChange(grpc::ServerContext* context,
                              const v1::ValidateChangeRequest* request,
                              v1::ValidateChangeResponse* response) override;
  grpc::Status ValidateStream(grpc::ServerContext* context,
                              grpc::ServerReaderWriter<v1::ValidateStreamResponse,
                                                       v1::ValidateStreamRequest>* stream) override;
  grpc::Status ComputeCatchments(grpc::ServerContext* context,
                                 const v1::ComputeCatchmentsRequest* request,
                                 grpc::ServerWriter<v1::PcnCatchments>* writer) override;
  grpc::Status SuggestFixes(grpc::ServerContext* context, const v1::SuggestFixesRequest* request,
                            grpc::ServerWriter<v1::SuggestFixesResponse>* writer) override;
  grpc::Status GetReferenceInfo(grpc::ServerContext* context,
                                const v1::GetReferenceInfoRequest* request,
                                v1::ReferenceInfo* response) override;
  grpc::Status ReloadReference(grpc::ServerContext* context,
                               const v1::ReloadReferenceRequest* request,
                               v1::ReloadReferenceResponse* response) override;

 private:
  // Validate's handler, on a worker (CallWorkers), holding the heavy-call slot taken (or not)
  // on arrival.
  grpc::Status ValidateBody(grpc::CallbackServerContext* context,
                            const v1::ValidateRequest* request, v1::ValidateResponse* response,
                            HeavyCallSlots::Slot slot);
  template <typename Body>
  grpc::Status Handle(const MethodSpec& method, grpc::ServerContextBase* context,
                      const google::protobuf::Message& request,
                      const google::protobuf::Message& response, HeavyCallSlots::Slot* held,
                      Body&& body);
  // The same for streaming methods: the byte counts for the log line and metrics are read from
  // the callables after the body has run.
  template <typename RequestBytes, typename ResponseBytes, typename Body>
  grpc::Status HandleCall(const MethodSpec& method, grpc::ServerContextBase* context,
                          RequestBytes&& request_bytes, ResponseBytes&& response_bytes,
                          HeavyCallSlots::Slot* held, Body&& body);

  using Stream = grpc::ServerReaderWriter<v1::ValidateStreamResponse, v1::ValidateStreamRequest>;
  // Sends one ValidateStream event (counting its bytes); CANCELLED once the client stops reading.
  using SendEvent = std::function<absl::Status(const v1::ValidateStreamResponse&)>;

  // An engine on the snapshot in force, or FAILED_PRECONDITION before the first load.
  absl::StatusOr<Engine> RequireEngine() const;
  // Checks limits, converts `request` (with `options` in place of its own), and runs the engine
  // with the call's deadline and cancellation as its interruption hook.
  // `on_pcn_ready` as ValidationOptions::on_pcn_ready (ValidateStream).
  absl::StatusOr<Report> RunEngine(
      grpc::ServerContextBase& context, const Engine& engine, const v1::ValidateRequest& request,
      const v1::ValidationOptions& options,
      std::function<void(const PcnEntry&, const std::vector<Finding>&)> on_pcn_ready = nullptr);
  // Keeps `report` for `caller` (server/report_cache.h); returns its id or "".
  std::string KeepReport(const Principal& caller, Report report, const v1::Report& wire_form);
  // OK when a stored base report can be compared with the candidate: same reference snapshot,
  // method, ruleset and tolerances; else FAILED_PRECONDITION saying what differs.
  absl::Status CheckComparable(const Report& base, const Report& candidate) const;
  // ValidateChange's base side: validated from `base` (with the candidate's options) or the
  // caller's kept report named by base_report_id.
  absl::StatusOr<std::shared_ptr<const Report>> BaseReport(
      grpc::ServerContextBase& context, const Principal& caller, const Engine& engine,
      const v1::ValidateChangeRequest& request);
  // ValidateStream's two halves: read the chunks into one request (checking limits as they
  // arrive, sending "receive" progress), then validate it, sending each PCN's result as the
  // engine finishes it.
  absl::StatusOr<v1::ValidateRequest> ReceiveStream(grpc::ServerContext& context, Stream& stream,
                                                    const SendEvent& send, int64_t* in_bytes);
  absl::StatusOr<Report> ValidateStreaming(grpc::ServerContext& context, const Engine& engine,
                                           const v1::ValidateRequest& request,
                                           const wire::GeometryEncoder& geometry,
                                           const SendEvent& send);
  void SnapshotToProto(const Snapshot& snapshot, v1::ReferenceInfo* out) const;

  const ServiceOptions options_;
  ReferenceSnapshots snapshots_;
  HeavyCallSlots heavy_;
  EngineGate engine_gate_;
  ReportCache reports_;
  // Ends streaming calls whose client sends nothing and takes nothing (--stream-idle-seconds).
  StreamWatchdog watchdog_;
  // Validate's handlers. Last: destroyed first, running the calls still queued while everything
  // they use is still there.
  CallWorkers workers_;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_SERVICE_H_
