// pcnv::Engine: the one entry point the front doors use (the CLI in-process, the gRPC server, any
// later listener), as OSRM's osrm::OSRM is for its services. It holds a reference snapshot and
// stamps every report it makes with the same provenance (tool version, library versions), so
// the CLI and the server produce the same report for the same input. It is cheap to make (a
// shared pointer and two strings): the server makes one per call from the snapshot in force.
//
// The functions it offers are the domain's own (geo/validate.h, geo/catchments_api.h,
// geo/report_diff.h); the facade adds the checks and stamps every front door needs, once.
#ifndef PCNV_GEO_ENGINE_H_
#define PCNV_GEO_ENGINE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/catchments_api.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/reference.h"
#include "geo/report.h"
#include "geo/report_diff.h"

namespace pcnv {

class Engine {
 public:
  // `reference` may be null: Diff needs none, and Validate and Catchments then fail with
  // FAILED_PRECONDITION. `tool` is provenance.tool (default kToolName, "pcnv <version>").
  explicit Engine(std::shared_ptr<const ReferenceData> reference);
  Engine(std::shared_ptr<const ReferenceData> reference, std::string tool);

  const std::shared_ptr<const ReferenceData>& reference() const { return reference_; }

  // Validates one configuration against the snapshot (pcnv::Validate) and stamps provenance.
  absl::StatusOr<Report> Validate(const ValidationInput& input,
                                  const ValidationOptions& options) const;

  // Territories, share catchments and the per-area share table for every PCN in `input`
  // (CatchmentSet::Build); the threshold is checked as Validate checks it.
  absl::StatusOr<CatchmentSet> Catchments(const ValidationInput& input, double share_threshold,
                                          const DisclosurePolicy& disclosure = {}) const;

  // Compares two reports of the same configuration (geo/report_diff.h). Needs no snapshot.
  static ReportDiff Diff(const Report& base, Report candidate, FailOn fail_on,
                         const std::vector<Waiver>& waivers, const std::string& today);

  // Fills provenance.tool and provenance.libraries as every report from this engine has them.
  void Stamp(Provenance& provenance) const;

  // GEOS, GDAL and PROJ versions, read once per process.
  static const std::map<std::string, std::string>& LibraryVersions();

 private:
  absl::Status RequireReference() const;
  // The snapshot a call runs on: the loaded one, or one made for it (postcode cells when the
  // snapshot has no areas and the distribution is by postcode, geo/postcode_cells.h).
  absl::StatusOr<std::shared_ptr<const ReferenceData>> ReferenceFor(
      const ValidationInput& input) const;

  std::shared_ptr<const ReferenceData> reference_;
  std::string tool_;
};

}  // namespace pcnv

#endif  // PCNV_GEO_ENGINE_H_
