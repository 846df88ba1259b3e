// GetReferenceInfo and ReloadReference replies: what a reference snapshot holds and when it went
// live, and the last failed reload since then.
#ifndef PCNV_WIRE_REFERENCE_INFO_H_
#define PCNV_WIRE_REFERENCE_INFO_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "geo/reference.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire {

// When and how a snapshot was loaded (the server's snapshot record, in plain values).
struct SnapshotFacts {
  absl::Time loaded_at;
  double load_seconds = 0;
  int64_t generation = 0;
};

struct FailedReload {
  absl::Time at;
  std::string error;
};

void ReferenceInfoToProto(const ReferenceData& data, const SnapshotFacts& facts,
                          const std::optional<FailedReload>& failure, v1::ReferenceInfo* out);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_REFERENCE_INFO_H_
