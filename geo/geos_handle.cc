#include "geo/geos_handle.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "geo/stop_token.h"

namespace pcnv::geos {
namespace {

thread_local std::string last_error;

// GEOS calls these with printf-style arguments; they only record, never throw.
void OnError(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  last_error = buf;
}
void OnNotice(const char*, ...) {}

// Thrown at a GEOS interruption point when the current thread's validation has been stopped
// (geo/stop_token.h): the same place, and so the same unwinding, as GEOS's own interruption.
// GEOS's C API catches it and fails the call with this message.
class Interrupted : public std::exception {
 public:
  const char* what() const noexcept override {
    return "interrupted: the call was cancelled or its deadline passed";
  }
};

// Registered once for the process; GEOS calls it on whichever thread is at an interruption
// point, so it looks only at that thread's token.
void OnInterruptCheck() {
  if (StopRequested()) throw Interrupted();
}

struct ThreadContext {
  GEOSContextHandle_t handle;
  ThreadContext() : handle(GEOS_init_r()) {
    static std::once_flag registered;
    std::call_once(registered, [] { GEOS_interruptRegisterCallback(OnInterruptCheck); });
    GEOSContext_setErrorHandler_r(handle, OnError);
    GEOSContext_setNoticeHandler_r(handle, OnNotice);
  }
  ~ThreadContext() { GEOS_finish_r(handle); }
};

}  // namespace

GEOSContextHandle_t Context() {
  thread_local ThreadContext ctx;
  return ctx.handle;
}
const char* LastError() { return last_error.c_str(); }

absl::Status Failure(absl::string_view operation) {
  return absl::InternalError(absl::StrCat("GEOS ", operation, " failed: ", LastError()));
}

void Fatal(absl::string_view operation) {
  const std::string message = Failure(operation).ToString();
  std::fprintf(stderr, "%s\n", message.c_str());
  std::abort();
}

absl::StatusOr<GeomPtr> Made(GEOSGeometry* g, absl::string_view operation) {
  if (g == nullptr) return Failure(operation);
  return GeomPtr(g);
}

GeomPtr MustMake(GEOSGeometry* g, absl::string_view operation) {
  if (g == nullptr) Fatal(operation);
  return GeomPtr(g);
}

absl::StatusOr<bool> Test(char result, absl::string_view operation) {
  if (result != 0 && result != 1) return Failure(operation);
  return result == 1;
}

absl::Status Succeeded(int result, absl::string_view operation) {
  return result == 0 ? Failure(operation) : absl::OkStatus();
}

absl::StatusOr<double> Area(const GEOSGeometry* g) {
  double a = 0;
  if (absl::Status s = Succeeded(GEOSArea_r(Context(), g, &a), "area"); !s.ok()) return s;
  return a;
}

absl::StatusOr<double> Length(const GEOSGeometry* g) {
  double length = 0;
  if (absl::Status s = Succeeded(GEOSLength_r(Context(), g, &length), "length"); !s.ok()) {
    return s;
  }
  return length;
}

absl::StatusOr<double> Distance(const GEOSGeometry* a, const GEOSGeometry* b) {
  double d = 0;
  if (absl::Status s = Succeeded(GEOSDistance_r(Context(), a, b, &d), "distance"); !s.ok()) {
    return s;
  }
  return d;
}

absl::StatusOr<int> NumGeometries(const GEOSGeometry* g) {
  const int n = GEOSGetNumGeometries_r(Context(), g);
  if (n < 0) return Failure("number of geometries");
  return n;
}

GeomPtr Clone(const GEOSGeometry* g) { return MustMake(GEOSGeom_clone_r(Context(), g), "clone"); }

absl::StatusOr<GeomPtr> Collect(int type, std::vector<GeomPtr> parts) {
  std::vector<GEOSGeometry*> raw;
  raw.reserve(parts.size());
  for (GeomPtr& p : parts) raw.push_back(p.release());
  return Made(
      GEOSGeom_createCollection_r(Context(), type, raw.data(), static_cast<unsigned>(raw.size())),
      "create collection");
}

absl::StatusOr<GeomPtr> MakePolygon(GeomPtr shell, std::vector<GeomPtr> holes) {
  std::vector<GEOSGeometry*> raw;
  raw.reserve(holes.size());
  for (GeomPtr& h : holes) raw.push_back(h.release());
  return Made(GEOSGeom_createPolygon_r(Context(), shell.release(), raw.data(),
                                       static_cast<unsigned>(raw.size())),
              "create polygon");
}

absl::StatusOr<GeomPtr> RingCopy(const GEOSGeometry* ring) {
  auto ctx = Context();
  if (ring == nullptr) return Failure("ring");  // what the call that gave it failed to find
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
  if (seq == nullptr) return Failure("coordinates of a ring");
  CoordSeqPtr copy(GEOSCoordSeq_clone_r(ctx, seq));
  if (!copy) return Failure("copy of coordinates");
  // The ring takes the sequence over, whatever it returns (geos_c.h).
  return Made(GEOSGeom_createLinearRing_r(ctx, copy.release()), "create linear ring");
}

}  // namespace pcnv::geos
