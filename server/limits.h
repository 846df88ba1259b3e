// Every limit the server enforces, in one place: the gRPC message size (its ceiling,
// wire::kMaxMessageBytes, is shared with clients in wire/message_size.h), the request shape checked
// before any parsing, and the number of heavy calls allowed to run at once. server/flags.cc
// fills ServerLimits; the service checks requests with CheckRequestLimits and takes a
// HeavyCallSlots slot per heavy call. Going past any of them is RESOURCE_EXHAUSTED with a
// google.rpc.QuotaFailure naming the limit and the flag that raises it, and an ErrorInfo reason
// (see validator.proto).
#ifndef PCNV_SERVER_LIMITS_H_
#define PCNV_SERVER_LIMITS_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pcnv/v1/validator.pb.h"
#include "server/mutex.h"
#include "wire/message_size.h"

namespace pcnv::server {

struct ServerLimits {
  // Largest request message gRPC accepts (--max-request-bytes); at most wire::kMaxMessageBytes.
  int max_request_bytes = wire::kMaxMessageBytes;
  // Tabular rows in one request: memberships + list sizes + distribution rows (--max-rows).
  // England is ~6,500 practices and ~1M distribution rows.
  int64_t max_rows = 4'000'000;
  // Geometry features in one request: declared boundaries (--max-features). England has ~1,250
  // PCNs.
  int64_t max_features = 20'000;
  // Vertices in any one geometry (--max-vertices-per-geometry). A detailed national PCN
  // boundary has tens of thousands.
  int64_t max_vertices_per_geometry = 1'000'000;
  // Vertices over every declared boundary of one request (--max-vertices-per-request). The
  // geometry work of a call (unions, overlays, validity checks) grows with this total, so it
  // bounds how long one call can keep a core. England's detailed PCN boundaries are ~4M.
  int64_t max_vertices_per_request = 5'000'000;
  // Memory one request may make the server hold, estimated from its shape before anything is
  // converted (--max-request-memory-mb; EstimateRequestMemory). Not a bound on the process:
  // --max-concurrent-heavy-calls of these can run at once.
  int64_t max_request_memory_mb = 4096;
  // ValidateStream and ComputeCatchments: seconds the server waits on a client that neither
  // sends its next chunk nor takes the next event (--stream-idle-seconds); then the call ends
  // with DEADLINE_EXCEEDED and frees its heavy-call slot.
  double stream_idle_seconds = 30;
  // Seconds of engine work one validation may take, whatever the client's deadline (or none):
  // the engine stops at the earlier of the two (--max-call-seconds). With the vertex limits it
  // bounds what one request can cost; a national validation takes well under a minute.
  double max_call_seconds = 600;
  // Heavy calls (Validate, ValidateChange, ValidateStream, ComputeCatchments) running at once
  // (--max-concurrent-heavy-calls); more are refused with
  // RESOURCE_EXHAUSTED at once, never queued. 0 disables the limit.
  int max_concurrent_heavy_calls = 32;
  // Engine runs (the CPU-bound part of a heavy call) at once (--engine-concurrency); more wait
  // their turn in arrival order, within their deadline. 0: the machine's cores (PCNV_THREADS).
  int engine_concurrency = 0;
};

// What a request holds, counted without converting it: rows, declared boundaries and their
// vertices (walked on the WKB, geo/wkb_scan.h), and its serialised size.
struct RequestShape {
  int64_t bytes = 0;  // serialised size (for a stream: every chunk received so far)
  int64_t rows = 0;   // memberships + list sizes + distribution + practice register rows
  int64_t features = 0;
  int64_t vertices = 0;        // over every declared boundary
  int64_t parts = 0;           // geometries and rings over every declared boundary
  int checked_boundaries = 0;  // declared boundaries whose WKB has been walked
};

// Bytes of memory a request of this shape makes the server hold at its peak: the message and
// its domain copy, the engine's per-row tables, and GEOS's copies and overlay structures of the
// geometry. Measured on real calls (docs/SERVER.md, "Hostile requests"); an estimate to refuse
// before allocating, not an accounting.
int64_t EstimateRequestMemory(const RequestShape& shape);

// Checks the request's shape against the limits before it is converted, so an oversized request
// costs a count, not a parse. Vertices are counted by walking the WKB without GEOS; WKB that is
// not WKB, or nests collections deeper than geo/wkb_scan.h allows, is INVALID_ARGUMENT naming
// the field before GEOS ever sees it.
absl::Status CheckRequestLimits(const ServerLimits& limits, const v1::ValidateRequest& request);
// The same for a request assembled from streamed chunks (ValidateStream), called after each
// chunk with `shape` carried from call to call and shape->bytes already counting every chunk:
// rows and features are counted in full (cheap), vertices only for the declared boundaries the
// last chunk added.
absl::Status CheckAssembledLimits(const ServerLimits& limits, const v1::ValidateRequest& request,
                                  RequestShape* shape);
// ValidateStream: the chunks received so far total `bytes`; RESOURCE_EXHAUSTED
// (REQUEST_TOO_LARGE) past --max-request-bytes, checked before a chunk is assembled.
absl::Status CheckStreamBytes(const ServerLimits& limits, int64_t bytes);

// Vertices in an ISO WKB geometry (2D, Z, M or ZM; either byte order; any geometry type), or -1
// when the bytes are not WKB (geo/wkb_scan.h). Exposed for tests.
int64_t CountWkbVertices(absl::string_view wkb);

// A counting semaphore that refuses instead of waiting: load beyond capacity is turned away
// (RESOURCE_EXHAUSTED) rather than queued without bound.
class HeavyCallSlots {
 public:
  explicit HeavyCallSlots(int capacity) : capacity_(capacity) {}
  HeavyCallSlots(const HeavyCallSlots&) = delete;
  HeavyCallSlots& operator=(const HeavyCallSlots&) = delete;

  // Holds one slot for its lifetime; ok() is false when none was free.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() {
      if (owner_ != nullptr) owner_->in_use_.fetch_sub(1);
    }
    bool ok() const { return owner_ != nullptr; }

   private:
    friend class HeavyCallSlots;
    explicit Slot(HeavyCallSlots* owner) : owner_(owner) {}
    HeavyCallSlots* owner_;
  };

  Slot TryAcquire();
  int capacity() const { return capacity_; }
  int in_use() const { return in_use_.load(); }

 private:
  const int capacity_;  // 0: unlimited
  std::atomic<int> in_use_{0};
};

// At most `capacity` engine runs at once; the others wait in arrival order. Validation is CPU
// work: running more calls than cores only time-slices them, so every call in flight takes as
// long as all of them together and a large one stretches longest. Queued, each runs at full speed
// once its turn comes: the same throughput, a far shorter tail (docs/PERFORMANCE.md). Heavy
// calls past --max-concurrent-heavy-calls are still refused before they queue.
class EngineGate {
 public:
  explicit EngineGate(int capacity) : capacity_(capacity) {}  // <= 0: no waiting
  EngineGate(const EngineGate&) = delete;
  EngineGate& operator=(const EngineGate&) = delete;

  // Holds a turn for its lifetime.
  class Pass {
   public:
    Pass(Pass&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    ~Pass();

   private:
    friend class EngineGate;
    explicit Pass(EngineGate* owner) : owner_(owner) {}
    EngineGate* owner_;
  };

  // Waits for a turn; nullopt when `give_up` (asked every 20 ms while waiting, never under the
  // gate's lock) says to stop: the deadline passed or the caller went away.
  std::optional<Pass> Enter(const std::function<bool()>& give_up);
  int capacity() const { return capacity_; }

 private:
  const int capacity_;
  Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<uint64_t> queue_ ABSL_GUARDED_BY(mu_);  // waiting tickets, oldest first
  uint64_t next_ticket_ ABSL_GUARDED_BY(mu_) = 0;
};

// RESOURCE_EXHAUSTED for a heavy call turned away; carries QuotaFailure and ErrorInfo payloads.
absl::Status ServerBusyError(int capacity);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_LIMITS_H_
