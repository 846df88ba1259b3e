#include "report/ogr_geometry.h"

#include <string>

namespace pcnv::report {

OgrGeometryPtr ToOgr(const Geometry& g) {
  if (g.IsEmpty()) return nullptr;
  const std::string wkb = g.ToWkb();
  OGRGeometry* out = nullptr;
  if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &out, wkb.size()) != OGRERR_NONE) {
    delete out;
    return nullptr;
  }
  return OgrGeometryPtr(out);
}

}  // namespace pcnv::report
