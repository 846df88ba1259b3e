// Internal to geo/: the per-thread GEOS context and RAII helpers for raw GEOS handles.
// Only .cc files in geo/ include this (it pulls in geos_c.h).
#ifndef PCNV_GEO_GEOS_HANDLE_H_
#define PCNV_GEO_GEOS_HANDLE_H_

#include <memory>

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

namespace pcnv::geos {

// One reentrant GEOS context per thread, created on first use. GEOS errors are captured into
// a thread-local message (never thrown through GEOS's C frames) and read with LastError().
GEOSContextHandle_t Context();
const char* LastError();

struct GeomDeleter {
  void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(Context(), g); }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
  void operator()(const GEOSPreparedGeometry* g) const { GEOSPreparedGeom_destroy_r(Context(), g); }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

struct TreeDeleter {
  void operator()(GEOSSTRtree* t) const { GEOSSTRtree_destroy_r(Context(), t); }
};
using TreePtr = std::unique_ptr<GEOSSTRtree, TreeDeleter>;

}  // namespace pcnv::geos

#endif  // PCNV_GEO_GEOS_HANDLE_H_
