#include "geo/engine.h"

#include <utility>

#include "geo/io/versions.h"
#include "geo/options_check.h"
#include "geo/validate.h"
#include "geo/version.h"

namespace pcnv {

Engine::Engine(std::shared_ptr<const ReferenceData> reference)
    : Engine(std::move(reference), kToolName) {}

Engine::Engine(std::shared_ptr<const ReferenceData> reference, std::string tool)
    : reference_(std::move(reference)), tool_(std::move(tool)) {}

const std::map<std::string, std::string>& Engine::LibraryVersions() {
  static const auto* const versions = new std::map<std::string, std::string>(io::LibraryVersions());
  return *versions;
}

void Engine::Stamp(Provenance& provenance) const {
  provenance.tool = tool_;
  provenance.libraries = LibraryVersions();
}

absl::Status Engine::RequireReference() const {
  if (reference_ != nullptr) return absl::OkStatus();
  return absl::FailedPreconditionError("reference data is not loaded");
}

absl::StatusOr<Report> Engine::Validate(const ValidationInput& input,
                                        const ValidationOptions& options) const {
  if (absl::Status s = RequireReference(); !s.ok()) return s;
  absl::StatusOr<Report> report = pcnv::Validate(*reference_, input, options);
  if (report.ok()) Stamp(report->provenance);
  return report;
}

absl::StatusOr<CatchmentSet> Engine::Catchments(const ValidationInput& input,
                                                double share_threshold) const {
  if (absl::Status s = RequireReference(); !s.ok()) return s;
  return CatchmentSet::Build(*reference_, input, share_threshold);
}

ReportDiff Engine::Diff(const Report& base, Report candidate, FailOn fail_on,
                        const std::vector<Waiver>& waivers, const std::string& today) {
  return DiffReports(base, std::move(candidate), fail_on, waivers, today);
}

}  // namespace pcnv
