// Internal to clients/writers: a domain Geometry as an OGR geometry (through WKB, so the writers
// need no GEOS handle). Includes GDAL headers: .cc files only.
#ifndef PCNV_CLIENTS_WRITERS_OGR_GEOMETRY_H_
#define PCNV_CLIENTS_WRITERS_OGR_GEOMETRY_H_

#include <ogr_geometry.h>

#include <memory>

#include "geo/geometry.h"

namespace pcnv::writers {

using OgrGeometryPtr = std::unique_ptr<OGRGeometry>;

// Null for a null or empty geometry, or one OGR cannot read.
OgrGeometryPtr ToOgr(const Geometry& g);

}  // namespace pcnv::writers

#endif  // PCNV_CLIENTS_WRITERS_OGR_GEOMETRY_H_
