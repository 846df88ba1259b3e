#include "wire/stream.h"

#include <set>
#include <string>
#include <utility>

#include "geo/field_error.h"
#include "geo/model.h"
#include "wire/convert.h"
#include "wire/status.h"

namespace pcnv::wire {
namespace {

template <typename T>
void MoveAppend(google::protobuf::RepeatedPtrField<T>* from,
                google::protobuf::RepeatedPtrField<T>* to) {
  to->Reserve(to->size() + from->size());
  for (T& item : *from) *to->Add() = std::move(item);
}

}  // namespace

absl::Status StreamAssembler::Add(v1::ValidateStreamRequest& chunk) {
  if (ended_) return FieldError("end", "a chunk arrived after the end marker");
  switch (chunk.chunk_case()) {
    case v1::ValidateStreamRequest::kMemberships:
      rows_ += chunk.memberships().rows_size();
      MoveAppend(chunk.mutable_memberships()->mutable_rows(), request_.mutable_memberships());
      break;
    case v1::ValidateStreamRequest::kListSizes:
      rows_ += chunk.list_sizes().rows_size();
      MoveAppend(chunk.mutable_list_sizes()->mutable_rows(),
                 request_.mutable_list_sizes()->mutable_rows());
      break;
    case v1::ValidateStreamRequest::kDistribution:
      if (request_.has_distribution() &&
          request_.distribution().level() != chunk.distribution().level()) {
        return FieldError("distribution.level",
                          "every distribution chunk must state the same level");
      }
      rows_ += chunk.distribution().rows_size();
      request_.mutable_distribution()->set_level(chunk.distribution().level());
      MoveAppend(chunk.mutable_distribution()->mutable_rows(),
                 request_.mutable_distribution()->mutable_rows());
      break;
    case v1::ValidateStreamRequest::kDeclared:
      rows_ += chunk.declared().boundaries_size();
      MoveAppend(chunk.mutable_declared()->mutable_boundaries(),
                 request_.mutable_declared()->mutable_boundaries());
      break;
    case v1::ValidateStreamRequest::kPracticeRegister:
      rows_ += chunk.practice_register().practices_size();
      MoveAppend(chunk.mutable_practice_register()->mutable_practices(),
                 request_.mutable_practice_register()->mutable_practices());
      break;
    case v1::ValidateStreamRequest::kSources:
      MoveAppend(chunk.mutable_sources()->mutable_files(), request_.mutable_sources());
      break;
    case v1::ValidateStreamRequest::kOptions:
      if (has_options_) return FieldError("options", "options were sent more than once");
      has_options_ = true;
      *request_.mutable_options() = std::move(*chunk.mutable_options());
      break;
    case v1::ValidateStreamRequest::kEnd:
      ended_ = true;
      break;
    case v1::ValidateStreamRequest::CHUNK_NOT_SET:
      return FieldError("chunk", "an empty chunk (no kind set)");
  }
  return absl::OkStatus();
}

int64_t PcnCount(const v1::ValidateRequest& request) {
  std::set<std::string> codes;
  for (const v1::Membership& m : request.memberships()) {
    if (!m.pcn_code().empty() && m.pcn_code() != kUnallocatedPcn) codes.insert(m.pcn_code());
  }
  return static_cast<int64_t>(codes.size());
}

v1::ValidateStreamResponse ProgressEvent(absl::string_view stage, int64_t done, int64_t total) {
  v1::ValidateStreamResponse event;
  v1::Progress* p = event.mutable_progress();
  p->set_stage(std::string(stage));
  p->set_done(done);
  p->set_total(total);
  return event;
}

v1::ValidateStreamResponse PcnResultEvent(const PcnEntry& pcn,
                                          const std::vector<Finding>& findings) {
  v1::ValidateStreamResponse event;
  v1::PcnResult* result = event.mutable_pcn_result();
  ToProto(pcn, result->mutable_pcn());
  for (const Finding& f : findings) ToProto(f, result->add_findings());
  return event;
}

}  // namespace pcnv::wire
