// Contiguity of a set of areas (a territory, or the union of practices' catchments).
//
// The union of the areas falls into polygon parts; parts that share an edge are already one
// polygon. Parts are then joined into components when the adjacency rule says so: touching at a
// point (Adjacency::kPoint), closer than bridge_distance_m, or holding the two ends of a named
// bridge (an island and its ferry port). The main component is the one with most patients.
//
// The components come from the snapshot's adjacency graph, and each one's geometry is joined
// from its areas' rings (UnionOfAreas, geo/coverage_rings.h): no overlay, but for the few areas
// not noded alike with their neighbours. A bridge distance, which needs distances between parts,
// takes the general way: GEOS's union of all the areas, its parts, and each area placed in a part.
#ifndef PCNV_GEO_CONTIGUITY_H_
#define PCNV_GEO_CONTIGUITY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "geo/geometry.h"
#include "geo/reference.h"

namespace pcnv {

enum class Adjacency { kEdge, kPoint };
std::string_view AdjacencyName(Adjacency a);  // edge | point

struct ContiguityOptions {
  Adjacency adjacency = Adjacency::kEdge;
  double bridge_distance_m = 0;
  std::vector<std::pair<std::string, std::string>> bridges;  // pairs of area codes
};

struct Component {
  std::vector<int> areas;  // ascending area indices
  Geometry geometry;       // its parts (EPSG:27700)
  int64_t patients = 0;
  double area_m2 = 0;
  double gap_to_main_m = 0;  // 0 for the main component
};

struct ContiguityResult {
  Geometry union_geometry;            // union of all the areas
  std::vector<Component> components;  // [0] is the main one; the rest by descending patients
  std::vector<Geometry> holes;        // interior rings of the main component (enclaves)
};

// The components of `areas` (ascending) as groups of areas, without geometry: from the
// snapshot's adjacency graph under the adjacency rule, joined by named bridges; groups in a
// fixed order, each ascending. nullopt when a bridge distance needs distances between parts (or
// the snapshot has no graph): AnalyseContiguity then gives them.
std::optional<std::vector<std::vector<int>>> ComponentAreas(const ReferenceData& ref,
                                                            const std::vector<int>& areas,
                                                            const ContiguityOptions& options);

// The share of all the components' patients held by component i (0 when none has patients):
// CON001 reports a detached part (i > 0) whose share is at or above its threshold, CON002 one
// below it.
double PatientShare(const ContiguityResult& c, size_t i);

// `patients(a)` gives the patients counted for area a (e.g. n(k,a)).
ContiguityResult AnalyseContiguity(const ReferenceData& ref, const std::vector<int>& areas,
                                   const std::function<int64_t(int)>& patients,
                                   const ContiguityOptions& options);

}  // namespace pcnv

#endif  // PCNV_GEO_CONTIGUITY_H_
