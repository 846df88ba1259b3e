// Fix suggestions on the wire (SuggestFixes): the request's constraints to SuggestOptions and a
// search's results to the streamed messages and back, field for field, so `pcnv suggest
// --server` writes the same JSON as an in-process search.
#ifndef PCNV_WIRE_SUGGEST_H_
#define PCNV_WIRE_SUGGEST_H_

#include "absl/status/statusor.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/suggest.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire {

// The request a client sends: Validate's request for `input` and `options`, with `suggest`'s
// constraints (its callbacks are not sent).
v1::SuggestFixesRequest MakeSuggestRequest(const ValidationInput& input,
                                           const ValidationOptions& options,
                                           const SuggestOptions& suggest);

// The constraints of a request; 0 for a maximum means its default. INVALID_ARGUMENT naming the
// field for a negative maximum or an empty locked code.
absl::StatusOr<SuggestOptions> SuggestOptionsFromProto(const v1::SuggestFixesRequest& request);

v1::Suggestion SuggestionToProto(const Suggestion& s);
v1::SuggestTarget TargetToProto(const SuggestTarget& t);
v1::SuggestSummary SummaryToProto(const SuggestResult& result, const std::string& tool);

// Back to the domain, for the client. A reply it cannot read is INVALID_ARGUMENT naming the
// field (the caller reports it as the server's fault).
absl::StatusOr<Suggestion> SuggestionFromProto(const v1::Suggestion& s);
absl::StatusOr<SuggestTarget> TargetFromProto(const v1::SuggestTarget& t);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_SUGGEST_H_
