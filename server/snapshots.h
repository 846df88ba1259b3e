// The reference snapshot the server answers from, and live reloads of it.
//
// A snapshot is immutable (geo/reference.h). Readers take a shared_ptr to the current one under
// a mutex that guards only the pointer, and keep it for the whole call, so a reload never
// disturbs a call in flight: the old snapshot is freed when its last call finishes. A reload
// builds the new snapshot completely (outside any lock readers take) and then swaps the pointer;
// when the build fails the old snapshot keeps serving and the failure is recorded, so
// GetReferenceInfo can say why. Reloads are serialised.
#ifndef PCNV_SERVER_SNAPSHOTS_H_
#define PCNV_SERVER_SNAPSHOTS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/reference.h"
#include "server/mutex.h"

namespace pcnv::server {

struct Snapshot {
  std::shared_ptr<const ReferenceData> data;
  absl::Time loaded_at;
  double load_seconds = 0;
  int64_t generation = 0;  // 1 for the first snapshot, +1 per swap
};

struct ReloadFailure {
  absl::Time at;
  std::string error;
};

class ReferenceSnapshots {
 public:
  using Loader =
      std::function<absl::StatusOr<std::shared_ptr<const ReferenceData>>(const std::string& path)>;

  // `loader` reads a store (io::LoadReferenceStore in the server; a fake in tests).
  explicit ReferenceSnapshots(Loader loader);

  // The current snapshot, or null before the first load.
  std::shared_ptr<const Snapshot> Current() const ABSL_LOCKS_EXCLUDED(mu_);
  // The most recent reload failure since the current snapshot went live.
  std::optional<ReloadFailure> LastFailure() const ABSL_LOCKS_EXCLUDED(mu_);

  // Installs an already-built snapshot (the first load, and tests).
  void Install(std::shared_ptr<const ReferenceData> data, double load_seconds = 0)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Loads `path` into a new snapshot and swaps it in; returns the snapshot now serving. On
  // failure nothing changes but LastFailure(); the error (FAILED_PRECONDITION) says why and that
  // the old snapshot still serves.
  absl::StatusOr<std::shared_ptr<const Snapshot>> Load(const std::string& path)
      ABSL_LOCKS_EXCLUDED(reload_mu_, mu_);

 private:
  const Loader loader_;
  Mutex reload_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // one reload at a time
  // Guards the pointer swap only; snapshots themselves are read without locks.
  mutable Mutex mu_;
  std::shared_ptr<const Snapshot> current_ ABSL_GUARDED_BY(mu_);
  std::optional<ReloadFailure> last_failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_SNAPSHOTS_H_
