// Internal to geo/: the per-thread GEOS context, RAII types for every GEOS handle and buffer
// geo/ uses, and the funnel that every GEOS result goes through.
// Only .cc files in geo/ include this (it pulls in geos_c.h).
//
// The funnel: GEOS reports a failure (an exception inside GEOS, caught at its C boundary) as a
// null pointer, a predicate's 2, an accessor's 0 or a count's -1, with the message left in
// LastError(). Used unchecked, that null or 0 silently becomes a result. So a GEOS result is
// taken through Made, Test or Succeeded: where the caller has a status to return, the failure
// becomes an error naming the operation; where it has none, the caller says what a failure
// means at the call site (value_or with the reason), and results that only memory exhaustion
// can deny (clones, points) go through MustMake, which stops the process as a failed
// allocation would.
#ifndef PCNV_GEO_GEOS_HANDLE_H_
#define PCNV_GEO_GEOS_HANDLE_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

namespace pcnv::geos {

// One reentrant GEOS context per thread, created on first use. GEOS errors are captured into
// a thread-local message (never thrown through GEOS's C frames) and read with LastError().
GEOSContextHandle_t Context();
const char* LastError();

// A deleter calling GEOS's destroy function for T with this thread's context.
template <typename T, void (*Destroy)(GEOSContextHandle_t, T*)>
struct Destroyer {
  void operator()(T* p) const { Destroy(Context(), p); }
};

using GeomPtr = std::unique_ptr<GEOSGeometry, Destroyer<GEOSGeometry, GEOSGeom_destroy_r>>;
using PreparedPtr =
    std::unique_ptr<const GEOSPreparedGeometry,
                    Destroyer<const GEOSPreparedGeometry, GEOSPreparedGeom_destroy_r>>;
using TreePtr = std::unique_ptr<GEOSSTRtree, Destroyer<GEOSSTRtree, GEOSSTRtree_destroy_r>>;
using CoordSeqPtr =
    std::unique_ptr<GEOSCoordSequence, Destroyer<GEOSCoordSequence, GEOSCoordSeq_destroy_r>>;
using WktReaderPtr =
    std::unique_ptr<GEOSWKTReader, Destroyer<GEOSWKTReader, GEOSWKTReader_destroy_r>>;
using WkbReaderPtr =
    std::unique_ptr<GEOSWKBReader, Destroyer<GEOSWKBReader, GEOSWKBReader_destroy_r>>;
using WktWriterPtr =
    std::unique_ptr<GEOSWKTWriter, Destroyer<GEOSWKTWriter, GEOSWKTWriter_destroy_r>>;
using WkbWriterPtr =
    std::unique_ptr<GEOSWKBWriter, Destroyer<GEOSWKBWriter, GEOSWKBWriter_destroy_r>>;
using MakeValidParamsPtr =
    std::unique_ptr<GEOSMakeValidParams,
                    Destroyer<GEOSMakeValidParams, GEOSMakeValidParams_destroy_r>>;

// Memory GEOS allocated and hands over (strings, WKB), released with GEOSFree_r.
struct Freer {
  void operator()(void* p) const { GEOSFree_r(Context(), p); }
};
using CharBuffer = std::unique_ptr<char, Freer>;
using ByteBuffer = std::unique_ptr<unsigned char, Freer>;

// ---------------------------------------------------------------------------------------------
// The funnel

// The error for a GEOS call that failed: "GEOS <operation> failed: <LastError()>".
absl::Status Failure(absl::string_view operation);

// Stops the process with the operation and GEOS's message. For results only memory exhaustion
// can deny, in code with no status to return: as a failed allocation would.
[[noreturn]] void Fatal(absl::string_view operation);

// A geometry GEOS made (owned), or the error when it gave null.
absl::StatusOr<GeomPtr> Made(GEOSGeometry* g, absl::string_view operation);
// A geometry GEOS made from valid inputs, where only memory can fail: null is Fatal.
GeomPtr MustMake(GEOSGeometry* g, absl::string_view operation);
// A predicate's answer (GEOS: 1 true, 0 false), or the error when it gave 2.
absl::StatusOr<bool> Test(char result, absl::string_view operation);
// An accessor's success flag (GEOS: 1 done, 0 failed; its answer in an out-parameter).
absl::Status Succeeded(int result, absl::string_view operation);

// The measures geo/ takes, through the funnel.
absl::StatusOr<double> Area(const GEOSGeometry* g);
absl::StatusOr<double> Length(const GEOSGeometry* g);
absl::StatusOr<double> Distance(const GEOSGeometry* a, const GEOSGeometry* b);
// The number of parts of a collection (1 for a single geometry).
absl::StatusOr<int> NumGeometries(const GEOSGeometry* g);

// A copy of g; GEOS fails a clone only when memory runs out (Fatal).
GeomPtr Clone(const GEOSGeometry* g);
// A collection of `type` (GEOS_MULTIPOLYGON, GEOS_GEOMETRYCOLLECTION, ...) made of parts. The
// parts pass to GEOS whatever it returns (geos_c.h: ownership of the pointed-to objects is
// transferred), so none leaks and none is freed twice.
absl::StatusOr<GeomPtr> Collect(int type, std::vector<GeomPtr> parts);
// A polygon of that shell ring and those hole rings, which pass to GEOS as in Collect.
absl::StatusOr<GeomPtr> MakePolygon(GeomPtr shell, std::vector<GeomPtr> holes);
// A linear ring on a copy of `ring`'s coordinates (a closed LINESTRING or LINEARRING).
absl::StatusOr<GeomPtr> RingCopy(const GEOSGeometry* ring);

}  // namespace pcnv::geos

#endif  // PCNV_GEO_GEOS_HANDLE_H_
