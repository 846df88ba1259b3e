// Input digestion: turns a ValidationInput into the engine's working form, the
// ValidationContext every rule reads (practices, PCNs and their populations, the resolved
// distribution, catchments). Done once per validation, before any rule runs.
#ifndef PCNV_GEO_DIGEST_H_
#define PCNV_GEO_DIGEST_H_

#include <cstddef>

#include "geo/rules/context.h"

namespace pcnv {

// Practices from the membership rows (with list sizes and distribution totals attached), then
// PCNs from their practices, each with its population and the basis it was counted on.
void DigestInput(ValidationContext& ctx);

// With a distribution: resolves its rows to areas (unless ctx.resolved already holds them) and
// builds the PCN and practice share tables and every catchment the rules read. Without one,
// leaves them empty. Needs DigestInput first.
void BuildCatchments(ValidationContext& ctx);

// Whether work on this many distribution rows is worth a second thread: from 50,000 rows (a
// national file has 850,000) on a machine with more than one core; below that a thread costs
// more than it saves on a portal's call.
bool WorthASecondThread(size_t distribution_rows);

}  // namespace pcnv

#endif  // PCNV_GEO_DIGEST_H_
