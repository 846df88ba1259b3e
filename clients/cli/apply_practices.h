// `pcnv suggest --apply`: the practice file with a suggestion's moves applied, in the input's own
// format. Only the PCN code and PCN name fields of the moved practices' rows change; every other
// byte (other columns, quoting, line endings, the header) is kept, so an NHS Digital
// gp-reg-pat-prac-map.csv stays one and a plain CSV stays plain.
#ifndef PCNV_CLIENTS_CLI_APPLY_PRACTICES_H_
#define PCNV_CLIENTS_CLI_APPLY_PRACTICES_H_

#include <string>

#include "absl/status/status.h"
#include "geo/suggest.h"

namespace pcnv::cli {

// Reads `in` (a CSV with PRACTICE_CODE and PCN_CODE columns, any case, as geo/io's reader
// takes), writes `out`. Errors name the file and the 1-based data row; a move whose practice has
// no row in `from_pcn` is an error naming the move (the file is not the one suggested on).
absl::Status ApplyToPracticeFile(const std::string& in, const Suggestion& s,
                                 const std::string& out);

}  // namespace pcnv::cli

#endif  // PCNV_CLIENTS_CLI_APPLY_PRACTICES_H_
