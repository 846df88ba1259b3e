// The area adjacency graph of a reference snapshot (docs/ARCHITECTURE.md, "Geometry once per
// snapshot"): which areas touch, how long a boundary they share, and whether their union merges
// them into one polygon. Computed once per snapshot (and saved in the reference store), so that
// contiguity is connected components on this graph and the perimeter of a union of areas is
// arithmetic, not polygon overlay.
//
// Immutable and compact (CSR): for each area, its neighbours sorted by area index. Read-only
// after construction, so one graph is shared by every validation without locks.
#ifndef PCNV_GEO_ADJACENCY_H_
#define PCNV_GEO_ADJACENCY_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/geometry.h"

namespace pcnv {

struct Area;  // geo/reference.h

struct AreaNeighbour {
  int area = -1;  // index into the snapshot's areas
  // Length of the intersection of the two areas' boundaries, metres: for a coverage, the length
  // of the edge they share (0 for areas that touch only at points).
  double shared_length_m = 0;
  // True when the union of the two is one polygon: their boundaries share a line of positive
  // length, or their interiors overlap. False when they touch only at points (corners).
  bool edge = false;
  // True when the two boundaries meet only in identical segments and shared vertices (a noded
  // coverage, decided without GEOS; see Build). Only such pairs can be merged by joining their
  // rings (geo/coverage_rings.h).
  bool noded = true;
};

// One neighbouring pair, each pair once (a < b): what a reference store saves.
struct AreaPair {
  int a = -1;
  int b = -1;
  double shared_length_m = 0;
  bool edge = false;
  bool noded = true;
};

class AreaAdjacency {
 public:
  AreaAdjacency() = default;  // a graph of no areas

  // Every pair of areas whose geometries intersect, spread over ThreadCount() threads. The
  // result does not depend on the number of threads.
  //
  // How: an STRtree gives the pairs whose envelopes meet; for each, the two boundaries'
  // segments near the other area are compared with GEOS's robust orientation predicate. Where
  // they meet only as identical segments or at shared vertices (a noded coverage, the normal
  // case) the shared length is the sum of the identical segments' lengths, which is what GEOS
  // computes for the intersection of the boundaries, at a fraction of the cost. Any other
  // contact (boundaries crossing, a vertex on the other's segment, partly overlapping
  // collinear segments) falls back to GEOS: the length of GEOSIntersection of the boundaries,
  // and GEOSRelatePattern for overlapping interiors, and marks the pair not noded.
  static AreaAdjacency Build(const std::vector<Area>& areas);
  static AreaAdjacency Build(const std::vector<const Geometry*>& areas);

  // From stored pairs (AreaPairs() of a graph of `areas` areas). Errors name the pair by its
  // 1-based position in `pairs`: an index out of range, a >= b, a pair listed twice, a length
  // that is negative or not finite.
  static absl::StatusOr<AreaAdjacency> FromPairs(size_t areas, const std::vector<AreaPair>& pairs);

  // Number of areas the graph was built for.
  size_t areas() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // The neighbours of `area`, sorted by area index.
  std::span<const AreaNeighbour> Of(int area) const {
    return {neighbours_.data() + offsets_[area], neighbours_.data() + offsets_[area + 1]};
  }
  // Number of neighbouring pairs (the graph's edges, each counted once), of either kind.
  size_t edges() const { return neighbours_.size() / 2; }
  // Of those, pairs that touch only at points (edge == false).
  size_t point_contacts() const;
  // Every pair once, a < b, ordered by a then b.
  std::vector<AreaPair> Pairs() const;
  // Pairs computed exactly with GEOS because the two boundaries were not noded alike (see
  // Build); 0 for a graph from FromPairs. For reports and benchmarks.
  size_t geos_fallbacks() const { return geos_fallbacks_; }

 private:
  static AreaAdjacency FromSortedPairs(size_t areas, const std::vector<AreaPair>& pairs);

  std::vector<uint32_t> offsets_;  // areas() + 1 entries
  std::vector<AreaNeighbour> neighbours_;
  size_t geos_fallbacks_ = 0;
};

// Connected components of the areas in `areas` (ascending indices; duplicates ignored), using
// only neighbours that are both in the set: edge neighbours always join, point neighbours only
// when `point_joins`. Each component is ascending; components are ordered by their first area.
std::vector<std::vector<int>> ConnectedComponents(const AreaAdjacency& graph,
                                                  const std::vector<int>& areas, bool point_joins);

// The length of every ring of a (multi)polygon, metres: the sum of its segments' lengths,
// computed as the adjacency graph computes shared lengths, so that for areas of a coverage
//   perimeter(union of S) = sum of perimeters - 2 x sum of shared lengths between areas of S.
double BoundaryLength(const Geometry& polygon);

// That formula: the perimeter of the union of `areas` (ascending indices) from Area::perimeter_m
// and the graph. Exact for a coverage (areas whose interiors do not overlap).
double UnionPerimeter(const std::vector<Area>& all, const AreaAdjacency& graph,
                      const std::vector<int>& areas);

}  // namespace pcnv

#endif  // PCNV_GEO_ADJACENCY_H_
