// Internal to geo/: an STRtree over polygons with a prepared geometry for each, for fast
// point-in-polygon. Built once per reference snapshot; read-only (thread-safe) afterwards.
#ifndef PCNV_GEO_SPATIAL_INDEX_H_
#define PCNV_GEO_SPATIAL_INDEX_H_

#include <vector>

#include "geo/geometry.h"
#include "geo/geos_handle.h"

namespace pcnv {

class SpatialIndex {
 public:
  // `polygons` must outlive the index.
  explicit SpatialIndex(const std::vector<const Geometry*>& polygons);
  // Index of the first polygon (lowest index) containing or touching the point, or -1.
  int Containing(Point p) const;
  // Indices of polygons whose envelope intersects the geometry's envelope, ascending.
  std::vector<int> Candidates(const Geometry& g) const;

 private:
  std::vector<const Geometry*> polygons_;
  std::vector<geos::PreparedPtr> prepared_;
  std::vector<int> ids_;  // stable storage for the tree's item pointers
  geos::TreePtr tree_;
};

}  // namespace pcnv

#endif  // PCNV_GEO_SPATIAL_INDEX_H_
