#include "wire/stream.h"

#include <algorithm>
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

namespace {

// Hands the items of `from` over to chunks of at most `size` items, each made by `make` (which
// returns the repeated field of a new chunk to fill); one empty chunk when `from` is empty. The
// items themselves move (ownership of each message), so a national request is not held twice.
template <typename T, typename Make>
void ChunkRows(google::protobuf::RepeatedPtrField<T>* from, int size, Make make) {
  const int n = from->size();
  std::vector<T*> items(static_cast<size_t>(n));
  from->ExtractSubrange(0, n, items.data());
  for (int start = 0; start == 0 || start < n; start += size) {
    google::protobuf::RepeatedPtrField<T>* to = make();
    const int end = std::min(n, start + size);
    to->Reserve(end - start);
    for (int i = start; i < end; ++i) to->AddAllocated(items[static_cast<size_t>(i)]);
  }
}

}  // namespace

std::vector<v1::ValidateStreamRequest> ChunkRequest(v1::ValidateRequest& request,
                                                    int rows_per_chunk) {
  const int size = std::max(rows_per_chunk, 1);
  std::vector<v1::ValidateStreamRequest> chunks;
  auto next = [&]() -> v1::ValidateStreamRequest& { return chunks.emplace_back(); };
  if (request.has_options()) *next().mutable_options() = std::move(*request.mutable_options());
  if (request.sources_size() > 0) {
    ChunkRows(request.mutable_sources(), size,
              [&] { return next().mutable_sources()->mutable_files(); });
  }
  if (request.memberships_size() > 0) {
    ChunkRows(request.mutable_memberships(), size,
              [&] { return next().mutable_memberships()->mutable_rows(); });
  }
  if (request.has_list_sizes()) {
    ChunkRows(request.mutable_list_sizes()->mutable_rows(), size,
              [&] { return next().mutable_list_sizes()->mutable_rows(); });
  }
  if (request.has_distribution()) {
    const v1::DistributionLevel level = request.distribution().level();
    ChunkRows(request.mutable_distribution()->mutable_rows(), size, [&] {
      v1::Distribution* d = next().mutable_distribution();
      d->set_level(level);
      return d->mutable_rows();
    });
  }
  if (request.has_declared()) {
    ChunkRows(request.mutable_declared()->mutable_boundaries(), size,
              [&] { return next().mutable_declared()->mutable_boundaries(); });
  }
  if (request.has_practice_register()) {
    ChunkRows(request.mutable_practice_register()->mutable_practices(), size,
              [&] { return next().mutable_practice_register()->mutable_practices(); });
  }
  next().mutable_end();
  return chunks;
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
