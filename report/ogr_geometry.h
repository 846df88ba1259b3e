// Internal to report/: a domain Geometry as an OGR geometry (through WKB, so the writers
// need no GEOS handle). Includes GDAL headers: .cc files only.
#ifndef PCNV_REPORT_OGR_GEOMETRY_H_
#define PCNV_REPORT_OGR_GEOMETRY_H_

#include <ogr_geometry.h>

#include <memory>

#include "geo/geometry.h"

namespace pcnv::report {

using OgrGeometryPtr = std::unique_ptr<OGRGeometry>;

// Null for a null or empty geometry, or one OGR cannot read.
OgrGeometryPtr ToOgr(const Geometry& g);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_OGR_GEOMETRY_H_
