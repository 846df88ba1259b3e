#include "server/report_cache.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/random_bits.h"
#include "wire/status.h"

namespace pcnv::server {
namespace {

std::string NewId() {
  // Unguessable, so that an id is as good as a capability only for its owner anyway.
  return absl::StrFormat("r-%016x%016x", RandomBits(), RandomBits());
}

}  // namespace

std::string ReportCache::Put(absl::string_view owner, std::shared_ptr<const Report> report,
                             int64_t bytes, absl::Time now) {
  if (limits_.max_entries <= 0 || bytes > limits_.max_bytes) return "";
  std::string id = NewId();
  MutexLock lock(mu_);
  EvictLocked(now, bytes);
  entries_[id] = Entry{std::string(owner), std::move(report), bytes, now};
  order_.push_back(id);
  bytes_ += bytes;
  return id;
}

absl::StatusOr<std::shared_ptr<const Report>> ReportCache::Get(absl::string_view id,
                                                               absl::string_view owner,
                                                               absl::Time now) {
  MutexLock lock(mu_);
  EvictLocked(now, 0);
  auto it = entries_.find(std::string(id));
  if (it == entries_.end() || it->second.owner != owner) {
    return wire::WithErrorInfo(
        absl::NotFoundError(absl::StrCat(
            "base_report_id: no report ", id, " is held for this caller (reports are kept for ",
            absl::FormatDuration(limits_.ttl), ", at most ", limits_.max_entries,
            " of them, and are lost when the server restarts); send the base configuration "
            "as `base` instead")),
        v1::ERROR_REASON_BASE_REPORT_NOT_FOUND);
  }
  return it->second.report;
}

int ReportCache::size() const {
  MutexLock lock(mu_);
  return static_cast<int>(entries_.size());
}

void ReportCache::EvictLocked(absl::Time now, int64_t incoming) {
  const int max_entries = incoming > 0 ? limits_.max_entries - 1 : limits_.max_entries;
  while (!order_.empty()) {
    const Entry& oldest = entries_.at(order_.front());
    const bool expired = now - oldest.stored >= limits_.ttl;
    const bool over =
        static_cast<int>(entries_.size()) > max_entries || bytes_ + incoming > limits_.max_bytes;
    if (!expired && !over) break;
    bytes_ -= oldest.bytes;
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace pcnv::server
