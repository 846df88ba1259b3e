// Provenance: what a report records so it can be reproduced and trusted (docs/DOMAIN.md
// section 6): the inputs and their hashes, the reference snapshot and its layers, the method,
// the ruleset's thresholds and severities, and the contiguity and overlap tolerances.
#ifndef PCNV_GEO_PROVENANCE_H_
#define PCNV_GEO_PROVENANCE_H_

#include "geo/model.h"
#include "geo/options.h"
#include "geo/reference.h"
#include "geo/report.h"

namespace pcnv {

// Fills everything but the library versions and the tool name, which the front door adds.
void FillProvenance(const ReferenceData& reference, const ValidationInput& input,
                    const ValidationOptions& options, Provenance& out);

}  // namespace pcnv

#endif  // PCNV_GEO_PROVENANCE_H_
