#include "bench/micro/geos_contrast.h"

#include <memory>

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

namespace pcnv::bench {
namespace {

GEOSContextHandle_t Context() {
  struct Handle {
    GEOSContextHandle_t ctx = GEOS_init_r();
    ~Handle() { GEOS_finish_r(ctx); }
  };
  thread_local Handle handle;
  return handle.ctx;
}

struct Destroy {
  void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(Context(), g); }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, Destroy>;

GeomPtr Collect(const std::vector<const Geometry*>& parts) {
  GEOSContextHandle_t ctx = Context();
  std::vector<GEOSGeometry*> clones;
  clones.reserve(parts.size());
  for (const Geometry* g : parts) {
    if (g && !g->is_null()) clones.push_back(GEOSGeom_clone_r(ctx, g->raw()));
  }
  return GeomPtr(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, clones.data(),
                                             static_cast<unsigned>(clones.size())));
}

}  // namespace

Geometry PlainCoverageUnion(const std::vector<const Geometry*>& parts) {
  GeomPtr c = Collect(parts);
  return Geometry::Adopt(GEOSCoverageUnion_r(Context(), c.get()));
}

Geometry PlainUnaryUnion(const std::vector<const Geometry*>& parts) {
  GeomPtr c = Collect(parts);
  return Geometry::Adopt(GEOSUnaryUnion_r(Context(), c.get()));
}

bool IsValid(const Geometry& g) { return !g.is_null() && GEOSisValid_r(Context(), g.raw()) == 1; }

int NumCoordinates(const Geometry& g) {
  return g.is_null() ? 0 : GEOSGetNumCoordinates_r(Context(), g.raw());
}

}  // namespace pcnv::bench
