// Resolving distribution rows to reference areas: LSOA codes by lookup, postcodes through the
// postcode directory (its LSOA column when present, else point-in-polygon). What cannot be
// placed is kept with its reason, for DAT001 and for population totals.
#ifndef PCNV_GEO_RESOLVE_H_
#define PCNV_GEO_RESOLVE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "geo/model.h"
#include "geo/reference.h"

namespace pcnv {

enum class Unresolved {
  kNone = 0,
  kPlaceholder,      // NHS placeholder area code such as NO2011 (patients with no known LSOA)
  kUnknownArea,      // area code not among the reference areas
  kUnknownPostcode,  // postcode not in the postcode directory
  kOutsideAreas,     // postcode found but its location lies in no reference area
};
std::string_view UnresolvedName(Unresolved u);

struct ResolvedRow {
  int area = -1;  // index into ReferenceData::areas(), or -1
  Unresolved why = Unresolved::kNone;
};

// One entry per distribution row, in row order.
std::vector<ResolvedRow> ResolveDistribution(const ReferenceData& ref, const Distribution& d);

// True for the NHS placeholder codes used for patients without a known area (NO2011, NO2021,
// and any code that is not shaped like an LSOA/Data Zone code).
bool IsPlaceholderAreaCode(std::string_view code);

}  // namespace pcnv

#endif  // PCNV_GEO_RESOLVE_H_
