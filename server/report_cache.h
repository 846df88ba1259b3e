// Reports the server made recently, kept so that a later ValidateChange can name its base by id
// instead of sending the base configuration again (a portal re-validating edit after edit).
//
// Bounded three ways, all set by flags (docs/SERVER.md): at most `max_entries` reports, at most
// `max_bytes` of them (measured as the serialised Report), each for at most `ttl`; the oldest go
// first. A report larger than max_bytes is not kept (its id is empty). Reports are lost on
// restart: ids are a convenience, never the only copy.
//
// Ids are 128 random bits, and each report is bound to the principal whose call made it: another
// caller asking for it gets NOT_FOUND, as if it did not exist, because a report holds patient
// counts per PCN and area.
#ifndef PCNV_SERVER_REPORT_CACHE_H_
#define PCNV_SERVER_REPORT_CACHE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "geo/report.h"
#include "server/mutex.h"

namespace pcnv::server {

struct ReportCacheLimits {
  int max_entries = 256;  // 0 turns the cache off
  int64_t max_bytes = int64_t{256} << 20;
  absl::Duration ttl = absl::Hours(1);
};

class ReportCache {
 public:
  explicit ReportCache(ReportCacheLimits limits) : limits_(limits) {}

  // Keeps `report` for `owner` and returns its id ("r-" + 32 hex digits), or "" when it is not
  // kept (cache off, or the report alone is larger than max_bytes).
  std::string Put(absl::string_view owner, std::shared_ptr<const Report> report, int64_t bytes,
                  absl::Time now = absl::Now()) ABSL_LOCKS_EXCLUDED(mu_);

  // The report with that id made for `owner`. NOT_FOUND (ErrorInfo BASE_REPORT_NOT_FOUND) when
  // it was never made, has expired or been evicted, or belongs to someone else.
  absl::StatusOr<std::shared_ptr<const Report>> Get(absl::string_view id, absl::string_view owner,
                                                    absl::Time now = absl::Now())
      ABSL_LOCKS_EXCLUDED(mu_);

  const ReportCacheLimits& limits() const { return limits_; }
  int size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    std::string owner;
    std::shared_ptr<const Report> report;
    int64_t bytes = 0;
    absl::Time stored;
  };
  // Drops expired entries and, oldest first, whatever exceeds the limits with `incoming` more
  // bytes about to be added.
  void EvictLocked(absl::Time now, int64_t incoming) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ReportCacheLimits limits_;
  mutable Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);  // ids, oldest first
  int64_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_REPORT_CACHE_H_
