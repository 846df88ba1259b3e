// Unions of areas of a coverage, joined from the areas' own rings (docs/ARCHITECTURE.md, "Geometry
// once per snapshot").
//
// The areas of a reference snapshot tile the country: where two areas share an edge, their rings
// hold the same segments in opposite directions. The boundary of a union of areas is then the
// segments of its areas that no other area of the union holds reversed, and the union is those
// segments chained back into rings. There is no overlay and no noding, and the cost is linear in
// the areas' vertices. GEOS's coverage union does the same job in general, but it copies every
// polygon and builds a planar graph on each call; here the shared segments are found once per
// snapshot.
//
// Once per snapshot, Build copies every area's rings with the area on the left of each segment
// (shells counter-clockwise, holes clockwise). For every segment it records the area holding the
// same segment reversed: its twin. A union keeps the segments whose twin is not in the set, as
// runs along each ring, and joins the runs end to start. Where several runs leave one point (areas
// of the set meeting only at a corner) it takes the sharpest left turn, which keeps each piece of
// the union's interior to its own ring. A ring that still passes one point twice is cut there into
// simple rings (a hole touching its shell). Counter-clockwise rings are shells, clockwise ones
// holes, each hole going to the smallest shell containing it.
//
// That holds only for pairs of areas whose boundaries meet in identical segments and shared
// vertices. The adjacency graph marks any other pair (a vertex on the other's segment, slivers,
// overlaps) as not noded. Build also rejects pairs whose reversed shared segments do not add up to
// the graph's shared length. Union answers nullopt when its set holds both areas of such a pair;
// the caller then uses GEOS (UnionAreas, geo/catchment.h).
#ifndef PCNV_GEO_COVERAGE_RINGS_H_
#define PCNV_GEO_COVERAGE_RINGS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "geo/geometry.h"

namespace pcnv {

struct Area;          // geo/reference.h
class AreaAdjacency;  // geo/adjacency.h

class CoverageRings {
 public:
  CoverageRings() = default;  // no areas

  // `graph` is the adjacency graph of `areas` (AreaAdjacency::Build or a reference store's).
  static CoverageRings Build(const std::vector<Area>& areas, const AreaAdjacency& graph);

  // The union of the areas with these indices (any order; repeats ignored): a Polygon or
  // MultiPolygon in EPSG:27700, null for no areas. nullopt when two of them touch in a way rings
  // cannot be joined (see above). Thread-safe.
  std::optional<Geometry> Union(std::span<const int> areas) const;

  // The areas of the set (ascending) that cannot be joined with another area of the set: the
  // ones Union stumbles on. Empty when Union succeeds, bar degenerate rings. Thread-safe.
  std::vector<int> UnjoinableIn(std::span<const int> areas) const;

  // Neighbouring pairs whose rings cannot be joined (each pair once). For reports and tests.
  size_t unjoinable_pairs() const { return unjoinable_.size() / 2; }
  size_t vertices() const { return vertices_.size(); }

 private:
  struct Ring {
    uint32_t first = 0;  // into vertices_
    uint32_t size = 0;   // vertices, the closing repeat left out
  };

  size_t area_count_ = 0;
  std::vector<Point> vertices_;
  // Per vertex: the area holding the segment that starts at it reversed, or -1.
  std::vector<int32_t> twin_;
  // Per vertex: another ring may pass through it (false only inside an edge two areas share).
  std::vector<uint8_t> junction_;
  std::vector<Ring> rings_;
  std::vector<uint32_t> ring_offsets_;        // area a's rings: [a] to [a + 1]
  std::vector<uint32_t> unjoinable_offsets_;  // area a's unjoinable neighbours: [a] to [a + 1]
  std::vector<int32_t> unjoinable_;
};

}  // namespace pcnv

#endif  // PCNV_GEO_COVERAGE_RINGS_H_
