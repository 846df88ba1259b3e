// Invalid polygons made usable: GEOS make-valid keeping the polygonal parts, for the readers
// (a layer read from a file) and for the engine (declared boundaries from any front door).
//
// The rules assume every declared boundary they use is valid: GEOS set operations on an invalid
// polygon (a bow-tie, a self-touching ring) fail with a TopologyException, and a union that fails
// leaves nothing to prepare or subtract. The CLI's readers repair what they read, but a gRPC
// client sends geometry as it likes, so the engine checks each declared boundary itself
// (RepairDeclared) and treats an invalid one exactly as the readers do: flagged with GEOS's
// reason (GEO001) and repaired, or refused naming the feature when it cannot be repaired.
#ifndef PCNV_GEO_REPAIR_H_
#define PCNV_GEO_REPAIR_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/geometry.h"
#include "geo/model.h"

namespace pcnv {

// GEOS make-valid with the "structure" method (rings are treated as area boundaries, so a
// bow-tie stays two triangles rather than becoming linework) and collapsed parts dropped; only
// the polygonal parts of the result are kept. INVALID_ARGUMENT when no polygon is left.
absl::StatusOr<Geometry> MakeValidPolygonal(const Geometry& g);

// The declared boundaries with every invalid geometry repaired and flagged (invalid_reason set
// to GEOS's reason when it was empty), or nullopt when all were valid already (nothing copied).
// A geometry that cannot be repaired is INVALID_ARGUMENT naming
// declared.boundaries[i].geometry and the feature. CANCELLED when the current thread's stop
// token (geo/stop_token.h) stops.
absl::StatusOr<std::optional<std::vector<DeclaredBoundary>>> RepairDeclared(
    const std::vector<DeclaredBoundary>& declared);

}  // namespace pcnv

#endif  // PCNV_GEO_REPAIR_H_
