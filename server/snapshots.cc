#include "server/snapshots.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pcnv::server {

ReferenceSnapshots::ReferenceSnapshots(Loader loader) : loader_(std::move(loader)) {}

std::shared_ptr<const Snapshot> ReferenceSnapshots::Current() const {
  MutexLock lock(mu_);
  return current_;
}

std::optional<ReloadFailure> ReferenceSnapshots::LastFailure() const {
  MutexLock lock(mu_);
  return last_failure_;
}

void ReferenceSnapshots::Install(std::shared_ptr<const ReferenceData> data, double load_seconds) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->data = std::move(data);
  snapshot->loaded_at = absl::Now();
  snapshot->load_seconds = load_seconds;
  std::shared_ptr<const Snapshot> old;  // released outside the lock: freeing a snapshot is slow
  MutexLock lock(mu_);
  snapshot->generation = current_ == nullptr ? 1 : current_->generation + 1;
  old = std::exchange(current_, std::move(snapshot));
  last_failure_.reset();
}

absl::StatusOr<std::shared_ptr<const Snapshot>> ReferenceSnapshots::Load(const std::string& path) {
  MutexLock reload_lock(reload_mu_);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::shared_ptr<const ReferenceData>> data = loader_(path);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!data.ok()) {
    MutexLock lock(mu_);
    last_failure_ = ReloadFailure{absl::Now(), std::string(data.status().message())};
    const std::string still =
        current_ == nullptr
            ? "no reference snapshot is loaded"
            : absl::StrCat("still serving snapshot generation ", current_->generation, " (",
                           current_->data->store_path(), ")");
    // FAILED_PRECONDITION: the store on disk is not in a state that can be served.
    return absl::FailedPreconditionError(
        absl::StrCat("reference reload failed; ", still, ": ", data.status().message()));
  }
  Install(*std::move(data), secs);
  return Current();
}

}  // namespace pcnv::server
