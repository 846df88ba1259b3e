#include "clients/remote/remote_suggest.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/remote/channel.h"
#include "wire/suggest.h"

namespace pcnv::remote {
namespace {

absl::Status Malformed(const std::string& target, const absl::Status& s) {
  // A reply we cannot read is the server's fault (or a version skew), not the user's input.
  return absl::InternalError(
      absl::StrCat("malformed reply from pcnv server ", target, ": ", s.message()));
}

}  // namespace

absl::StatusOr<RemoteSuggestions> SuggestRemote(const std::string& target, const Security& security,
                                                const ValidationInput& input,
                                                const ValidationOptions& options,
                                                const SuggestOptions& suggest,
                                                absl::Duration timeout) {
  std::unique_ptr<v1::BoundaryValidator::Stub> stub = MakeStub(target, security);
  const v1::SuggestFixesRequest request = wire::MakeSuggestRequest(input, options, suggest);
  grpc::ClientContext context;
  PrepareContext(context, security, timeout);
  std::unique_ptr<grpc::ClientReader<v1::SuggestFixesResponse>> reader =
      stub->SuggestFixes(&context, request);
  RemoteSuggestions out;
  bool summarised = false;
  v1::SuggestFixesResponse item;
  while (reader->Read(&item)) {
    switch (item.item_case()) {
      case v1::SuggestFixesResponse::kSuggestion: {
        absl::StatusOr<Suggestion> s = wire::SuggestionFromProto(item.suggestion());
        if (!s.ok()) return Malformed(target, s.status());
        out.result.suggestions.push_back(*std::move(s));
        break;
      }
      case v1::SuggestFixesResponse::kTarget: {
        absl::StatusOr<SuggestTarget> t = wire::TargetFromProto(item.target());
        if (!t.ok()) return Malformed(target, t.status());
        out.result.targets.push_back(*std::move(t));
        break;
      }
      case v1::SuggestFixesResponse::kSummary:
        out.result.candidates_evaluated = item.summary().candidates_evaluated();
        out.result.candidates_screened = item.summary().candidates_screened();
        out.tool = item.summary().tool();
        summarised = true;
        break;
      default:
        break;  // an item of a newer server: nothing this client can use
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return CallError(status, target, security);
  if (!summarised) {
    return Malformed(target, absl::DataLossError("the stream ended without a summary"));
  }
  return out;
}

}  // namespace pcnv::remote
