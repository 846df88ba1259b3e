// Fix suggestions (geo/suggest.h) as JSON: what `pcnv suggest --out` writes, and the reader
// `pcnv suggest --apply ID --suggestions FILE` uses to apply one without searching again.
// Schema: tests/schemas/suggestions.schema.json; fields: docs/OUTPUTS.md.
#ifndef PCNV_REPORT_SUGGEST_JSON_H_
#define PCNV_REPORT_SUGGEST_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "geo/suggest.h"

namespace pcnv::report {

// `tool` is provenance.tool of the run (pcnv <version>); `constraints` as given.
std::string SuggestionsToJson(const SuggestResult& result, const SuggestOptions& constraints,
                              const std::string& tool);

// The suggestion with this id from a file SuggestionsToJson wrote; NOT_FOUND naming the file
// and the id, INVALID_ARGUMENT naming the file and the field when it is not such a file.
absl::StatusOr<Suggestion> ReadSuggestion(const std::string& path, const std::string& id);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_SUGGEST_JSON_H_
