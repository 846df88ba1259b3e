// The BoundaryValidator gRPC service: a thin shell over pcnv::Validate (geo/validate.h).
// A handler parses the request (server/convert.h), calls the engine on the current reference
// snapshot, adds the front door's provenance and converts the report back; every status leaves
// through the one funnel in server/status.h.
#ifndef PCNV_SERVER_SERVICE_H_
#define PCNV_SERVER_SERVICE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "geo/reference.h"
#include "pcnv/v1/validator.grpc.pb.h"

namespace pcnv::server {

class BoundaryValidatorService final : public v1::BoundaryValidator::Service {
 public:
  // `tool` goes into provenance.tool, e.g. "pcnv 0.1.0".
  explicit BoundaryValidatorService(std::string tool);

  // Installs a new immutable reference snapshot. Calls already running keep the snapshot they
  // started with (they hold their own shared_ptr), so a reload never disturbs them.
  void SetReference(std::shared_ptr<const ReferenceData> reference) ABSL_LOCKS_EXCLUDED(mu_);
  // The current snapshot, or null before the first load.
  std::shared_ptr<const ReferenceData> reference() const ABSL_LOCKS_EXCLUDED(mu_);

  grpc::Status Validate(grpc::ServerContext* context, const v1::ValidateRequest* request,
                        v1::ValidateResponse* response) override;

 private:
  absl::Status DoValidate(const v1::ValidateRequest& request, v1::ValidateResponse* response);

  const std::string tool_;
  // Computed once: the versions cannot change while the process runs.
  const std::map<std::string, std::string> libraries_;

  // Guards only the pointer swap; the snapshot itself is immutable and read without locks.
  mutable absl::Mutex mu_;
  std::shared_ptr<const ReferenceData> reference_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_SERVICE_H_
