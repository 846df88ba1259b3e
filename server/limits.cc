#include "server/limits.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "geo/field_error.h"
#include "geo/wkb_scan.h"
#include "google/rpc/error_details.pb.h"
#include "wire/status.h"

namespace pcnv::server {
namespace {

// RESOURCE_EXHAUSTED naming the limit, with the machine-readable details clients can act on.
absl::Status OverLimit(v1::ErrorReason reason, absl::string_view subject, int64_t value,
                       int64_t limit, absl::string_view what, absl::string_view flag) {
  absl::Status status = absl::ResourceExhaustedError(absl::StrCat(
      subject, ": ", value, " ", what, " is over the server's limit of ", limit, " (", flag, ")"));
  google::rpc::QuotaFailure quota;
  google::rpc::QuotaFailure::Violation* v = quota.add_violations();
  v->set_subject(std::string(subject));
  v->set_description(absl::StrCat(what, ": ", value, " > ", limit, "; raise with ", flag));
  wire::AttachDetail(status, quota);
  return wire::WithErrorInfo(status, reason);
}

}  // namespace

int64_t CountWkbVertices(absl::string_view wkb) {
  absl::StatusOr<WkbShape> shape = ScanWkb(std::string_view(wkb.data(), wkb.size()));
  return shape.ok() ? shape->vertices : -1;
}

int64_t EstimateRequestMemory(const RequestShape& shape) {
  // Per unit, from peak resident memory measured on the server (docs/SERVER.md): the message
  // arrives as bytes and is parsed (about 4 times its size with strings and repeated fields),
  // each row is copied into the domain input and into the engine's tables, and GEOS holds a
  // declared boundary several times over (the parsed copy, the union, prepared indexes, overlay
  // edges and findings' copies), at 16 to 40 bytes per coordinate each.
  constexpr int64_t kPerMessageByte = 4;
  constexpr int64_t kPerRow = 400;
  constexpr int64_t kPerVertex = 600;
  constexpr int64_t kPerPart = 400;
  return shape.bytes * kPerMessageByte + shape.rows * kPerRow + shape.vertices * kPerVertex +
         shape.parts * kPerPart;
}

absl::Status CheckRequestLimits(const ServerLimits& limits, const v1::ValidateRequest& request) {
  RequestShape shape;
  shape.bytes = static_cast<int64_t>(request.ByteSizeLong());
  return CheckAssembledLimits(limits, request, &shape);
}

absl::Status CheckStreamBytes(const ServerLimits& limits, int64_t bytes) {
  if (bytes <= limits.max_request_bytes) return absl::OkStatus();
  return OverLimit(v1::ERROR_REASON_REQUEST_TOO_LARGE, "ValidateStream chunks", bytes,
                   limits.max_request_bytes, "bytes received", "--max-request-bytes");
}

absl::Status CheckAssembledLimits(const ServerLimits& limits, const v1::ValidateRequest& request,
                                  RequestShape* shape) {
  shape->rows = int64_t{request.memberships_size()} + request.list_sizes().rows_size() +
                request.distribution().rows_size() + request.practice_register().practices_size();
  if (shape->rows > limits.max_rows) {
    return OverLimit(v1::ERROR_REASON_TOO_MANY_ROWS, "request", shape->rows, limits.max_rows,
                     "rows (memberships + list sizes + distribution + practice register)",
                     "--max-rows");
  }
  const auto& boundaries = request.declared().boundaries();
  shape->features = boundaries.size();
  if (shape->features > limits.max_features) {
    return OverLimit(v1::ERROR_REASON_TOO_MANY_FEATURES, "declared.boundaries", shape->features,
                     limits.max_features, "declared boundaries", "--max-features");
  }
  for (int i = shape->checked_boundaries; i < boundaries.size(); ++i) {
    const std::string field = absl::StrCat("declared.boundaries[", i, "].geometry");
    absl::StatusOr<WkbShape> wkb = ScanWkb(boundaries[i].geometry().wkb());
    // Missing geometry and a wrong SRID are the converter's to refuse; bytes GEOS must never
    // parse (not WKB, nested too deep) are refused here, before it could.
    if (!wkb.ok() && !boundaries[i].geometry().wkb().empty()) {
      return FieldError(absl::StrCat(field, ".wkb"),
                        absl::StrCat("cannot parse WKB: ", wkb.status().message()));
    }
    const int64_t vertices = wkb.ok() ? wkb->vertices : 0;
    const int64_t parts = wkb.ok() ? wkb->parts : 0;
    // A part or ring costs GEOS as much as a vertex or more, so the limit counts both.
    if (vertices > limits.max_vertices_per_geometry || parts > limits.max_vertices_per_geometry) {
      const bool by_parts = vertices <= limits.max_vertices_per_geometry;
      return OverLimit(v1::ERROR_REASON_TOO_MANY_VERTICES, field, by_parts ? parts : vertices,
                       limits.max_vertices_per_geometry, by_parts ? "parts and rings" : "vertices",
                       "--max-vertices-per-geometry");
    }
    shape->vertices += vertices;
    shape->parts += parts;
    shape->checked_boundaries = i + 1;
    if (shape->vertices > limits.max_vertices_per_request) {
      return OverLimit(
          v1::ERROR_REASON_TOO_MANY_VERTICES, "declared.boundaries", shape->vertices,
          limits.max_vertices_per_request,
          absl::StrCat("vertices over the declared boundaries (up to boundaries[", i, "])"),
          "--max-vertices-per-request");
    }
  }
  const int64_t estimate = EstimateRequestMemory(*shape);
  const int64_t limit = limits.max_request_memory_mb << 20;
  if (estimate > limit) {
    return OverLimit(v1::ERROR_REASON_TOO_MUCH_MEMORY, "request", estimate >> 20,
                     limits.max_request_memory_mb,
                     absl::StrCat("MiB of server memory estimated (", shape->bytes, " bytes, ",
                                  shape->rows, " rows, ", shape->vertices, " vertices)"),
                     "--max-request-memory-mb");
  }
  return absl::OkStatus();
}

HeavyCallSlots::Slot HeavyCallSlots::TryAcquire() {
  if (capacity_ <= 0) {
    in_use_.fetch_add(1);
    return Slot(this);
  }
  int current = in_use_.load();
  while (current < capacity_) {
    if (in_use_.compare_exchange_weak(current, current + 1)) return Slot(this);
  }
  return Slot(nullptr);
}

EngineGate::Pass::~Pass() {
  if (owner_ == nullptr) return;
  {
    MutexLock lock(owner_->mu_);
    --owner_->running_;
  }
  owner_->mu_.NotifyAll();  // the oldest waiter may go now
}

std::optional<EngineGate::Pass> EngineGate::Enter(const std::function<bool()>& give_up) {
  if (capacity_ <= 0) return Pass(nullptr);
  mu_.Lock();
  const uint64_t ticket = next_ticket_++;
  queue_.push_back(ticket);
  auto my_turn = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.front() == ticket && running_ < capacity_;
  };
  // Between turns, ask `give_up` every 20 ms: often enough for a deadline, rarely enough that a
  // long queue costs no CPU (asking the client's state is a system call).
  while (!mu_.AwaitWithTimeout(my_turn, absl::Milliseconds(20))) {
    mu_.Unlock();
    const bool stop = give_up && give_up();
    mu_.Lock();
    if (stop && !my_turn()) {
      queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
      mu_.Unlock();
      mu_.NotifyAll();  // the next waiter may now be at the front
      return std::nullopt;
    }
  }
  queue_.pop_front();
  ++running_;
  mu_.Unlock();
  mu_.NotifyAll();  // the next waiter is at the front now (and may go if a turn is free)
  return Pass(this);
}

absl::Status ServerBusyError(int capacity) {
  absl::Status status = absl::ResourceExhaustedError(absl::StrCat(
      "server busy: ", capacity,
      " heavy calls are already running (--max-concurrent-heavy-calls); retry with backoff"));
  google::rpc::QuotaFailure quota;
  google::rpc::QuotaFailure::Violation* v = quota.add_violations();
  v->set_subject("concurrent heavy calls");
  v->set_description(absl::StrCat("limit ", capacity, "; raise with --max-concurrent-heavy-calls"));
  wire::AttachDetail(status, quota);
  return wire::WithErrorInfo(status, v1::ERROR_REASON_SERVER_BUSY);
}

}  // namespace pcnv::server
