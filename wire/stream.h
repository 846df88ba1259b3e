// ValidateStream's messages: assembling the request chunks into one ValidateRequest (with the
// checks only a chunked request needs) and the events sent back (progress, one PCN's result).
#ifndef PCNV_WIRE_STREAM_H_
#define PCNV_WIRE_STREAM_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "geo/report.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire {

// Builds one ValidateRequest from the chunks of a ValidateStream call, in arrival order. Each
// chunk's rows are moved, not copied. Refuses (INVALID_ARGUMENT naming the field) a chunk after
// the end marker, an empty chunk, options sent twice, and distribution chunks that disagree on
// the level.
class StreamAssembler {
 public:
  absl::Status Add(v1::ValidateStreamRequest& chunk);

  const v1::ValidateRequest& request() const { return request_; }
  // Tabular rows and declared boundaries received so far (the "receive" progress count).
  int64_t rows() const { return rows_; }

 private:
  v1::ValidateRequest request_;
  bool has_options_ = false;
  bool ended_ = false;
  int64_t rows_ = 0;
};

// The chunks a client streams for `request` (the inverse of StreamAssembler): the options, the
// sources, then each kind of row in chunks of at most `rows_per_chunk`, a kind that is given
// but empty as one empty chunk of its kind, and the end marker. The rows are moved out of
// `request`.
std::vector<v1::ValidateStreamRequest> ChunkRequest(v1::ValidateRequest& request,
                                                    int rows_per_chunk);

// The number of distinct real PCN codes the request's memberships name: how many per-PCN results
// the stream will send.
int64_t PcnCount(const v1::ValidateRequest& request);

v1::ValidateStreamResponse ProgressEvent(absl::string_view stage, int64_t done, int64_t total);
// One PCN's entry and findings, as soon as the engine has them (ValidationOptions::on_pcn_ready).
v1::ValidateStreamResponse PcnResultEvent(const PcnEntry& pcn,
                                          const std::vector<Finding>& findings);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_STREAM_H_
