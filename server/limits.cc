#include "server/limits.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
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

// A bounds-checked reader over WKB bytes.
class WkbReader {
 public:
  explicit WkbReader(absl::string_view bytes) : bytes_(bytes) {}

  // Vertices in the geometry starting here, or -1 on malformed input.
  int64_t Geometry(int depth) {
    if (depth > 32) return -1;  // nested collections this deep are an attack, not a map
    uint8_t order = 0;
    if (!Byte(&order) || order > 1) return -1;
    little_ = order == 1;
    uint32_t type = 0;
    if (!U32(&type)) return -1;
    // EWKB flags (PostGIS) as well as ISO's thousands.
    int dims = 2;
    if (type & 0x80000000u) ++dims;
    if (type & 0x40000000u) ++dims;
    if (type & 0x20000000u) {  // an SRID follows
      uint32_t srid = 0;
      if (!U32(&srid)) return -1;
    }
    type &= 0x0fffffffu;
    const uint32_t iso_dims = type / 1000;
    if (iso_dims > 3) return -1;
    dims += iso_dims == 3 ? 2 : iso_dims > 0 ? 1 : 0;
    const uint32_t base = type % 1000;
    switch (base) {
      case 1:  // Point
        return Skip(size_t{8} * dims) ? 1 : -1;
      case 2:  // LineString
      case 8:  // CircularString
        return Points(dims);
      case 3:     // Polygon
      case 17: {  // Triangle
        uint32_t rings = 0;
        if (!U32(&rings) || rings > Remaining() / 4) return -1;
        int64_t total = 0;
        for (uint32_t i = 0; i < rings; ++i) {
          const int64_t n = Points(dims);
          if (n < 0) return -1;
          total += n;
        }
        return total;
      }
      case 4:
      case 5:
      case 6:
      case 7:  // Multi*, GeometryCollection
      case 9:
      case 10:
      case 11:
      case 12:
      case 15:
      case 16: {  // curves, surfaces, TIN
        uint32_t parts = 0;
        if (!U32(&parts) || parts > Remaining() / 5) return -1;
        int64_t total = 0;
        for (uint32_t i = 0; i < parts; ++i) {
          const int64_t n = Geometry(depth + 1);
          if (n < 0) return -1;
          total += n;
        }
        return total;
      }
      default:
        return -1;
    }
  }
  bool AtEnd() const { return pos_ == bytes_.size(); }

 private:
  size_t Remaining() const { return bytes_.size() - pos_; }
  bool Skip(size_t n) {
    if (n > Remaining()) return false;
    pos_ += n;
    return true;
  }
  bool Byte(uint8_t* out) {
    if (Remaining() < 1) return false;
    *out = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool U32(uint32_t* out) {
    if (Remaining() < 4) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data() + pos_);
    *out = little_ ? (p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24)
                   : (p[3] | p[2] << 8 | p[1] << 16 | static_cast<uint32_t>(p[0]) << 24);
    pos_ += 4;
    return true;
  }
  int64_t Points(int dims) {
    uint32_t n = 0;
    if (!U32(&n)) return -1;
    const size_t bytes = static_cast<size_t>(n) * 8 * dims;
    if (bytes / (size_t{8} * dims) != n || !Skip(bytes)) return -1;
    return n;
  }

  absl::string_view bytes_;
  size_t pos_ = 0;
  bool little_ = true;
};

}  // namespace

int64_t CountWkbVertices(absl::string_view wkb) {
  WkbReader reader(wkb);
  const int64_t n = reader.Geometry(0);
  return n >= 0 && reader.AtEnd() ? n : -1;
}

absl::Status CheckRequestLimits(const ServerLimits& limits, const v1::ValidateRequest& request) {
  return CheckAssembledLimits(limits, request, 0);
}

absl::Status CheckAssembledLimits(const ServerLimits& limits, const v1::ValidateRequest& request,
                                  int first_unchecked_boundary) {
  const int64_t rows = int64_t{request.memberships_size()} + request.list_sizes().rows_size() +
                       request.distribution().rows_size();
  if (rows > limits.max_rows) {
    return OverLimit(v1::ERROR_REASON_TOO_MANY_ROWS, "request", rows, limits.max_rows,
                     "rows (memberships + list sizes + distribution)", "--max-rows");
  }
  const auto& boundaries = request.declared().boundaries();
  if (boundaries.size() > limits.max_features) {
    return OverLimit(v1::ERROR_REASON_TOO_MANY_FEATURES, "declared.boundaries", boundaries.size(),
                     limits.max_features, "declared boundaries", "--max-features");
  }
  for (int i = first_unchecked_boundary; i < boundaries.size(); ++i) {
    // Malformed WKB (-1) is left for the converter to refuse with INVALID_ARGUMENT.
    const int64_t n = CountWkbVertices(boundaries[i].geometry().wkb());
    if (n > limits.max_vertices_per_geometry) {
      return OverLimit(v1::ERROR_REASON_TOO_MANY_VERTICES,
                       absl::StrCat("declared.boundaries[", i, "].geometry"), n,
                       limits.max_vertices_per_geometry, "vertices", "--max-vertices-per-geometry");
    }
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
  absl::MutexLock lock(&owner_->mu_);
  --owner_->running_;
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
  while (!mu_.AwaitWithTimeout(absl::Condition(&my_turn), absl::Milliseconds(20))) {
    mu_.Unlock();
    const bool stop = give_up && give_up();
    mu_.Lock();
    if (stop && !my_turn()) {
      queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
      mu_.Unlock();
      return std::nullopt;
    }
  }
  queue_.pop_front();
  ++running_;
  mu_.Unlock();
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
