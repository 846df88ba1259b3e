// Territories without area polygons (docs/DOMAIN.md section 4, "Postcode cells"): when the
// distribution is by postcode and a postcode directory is loaded but no areas are, each
// distinct location among the distribution's postcodes becomes an area of its own: its Voronoi
// cell among those locations, clipped to an outline. Majority territories, contiguity, nesting
// and overlaps then mean what they mean with LSOAs, at postcode resolution, instead of every
// territory being empty.
//
// The outline is the union of the footprints (the first footprint layer loaded: ICB, else
// sub-ICB, STP, community) that hold the postcodes, when every postcode lies in one; otherwise
// the convex hull of the postcodes grown by kHullMarginM, so cells at the edge stay bounded.
#ifndef PCNV_GEO_POSTCODE_CELLS_H_
#define PCNV_GEO_POSTCODE_CELLS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "geo/model.h"
#include "geo/reference.h"

namespace pcnv {

inline constexpr double kHullMarginM = 2000;

// True when `input` asks for postcode cells on `reference`: no areas, a postcode directory, a
// distribution by postcode.
bool NeedsPostcodeCells(const ReferenceData& reference, const ValidationInput& input);

// A snapshot like `reference` whose areas are the postcode cells (code: the cell's first
// postcode, normalised; name: every postcode at that location), whose directory maps each of
// the distribution's postcodes to its cell, and whose layers list says how the cells were made.
// INVALID_ARGUMENT when none of the distribution's postcodes is in the directory.
absl::StatusOr<std::shared_ptr<const ReferenceData>> PostcodeCellReference(
    const ReferenceData& reference, const Distribution& distribution);

}  // namespace pcnv

#endif  // PCNV_GEO_POSTCODE_CELLS_H_
