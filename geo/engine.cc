#include "geo/engine.h"

#include <utility>

#include "geo/io/versions.h"
#include "geo/options_check.h"
#include "geo/postcode_cells.h"
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

absl::StatusOr<std::shared_ptr<const ReferenceData>> Engine::ReferenceFor(
    const ValidationInput& input) const {
  if (!NeedsPostcodeCells(*reference_, input)) return reference_;
  return PostcodeCellReference(*reference_, *input.distribution);
}

absl::StatusOr<Report> Engine::Validate(const ValidationInput& input,
                                        const ValidationOptions& options) const {
  if (absl::Status s = RequireReference(); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = ReferenceFor(input);
  if (!reference.ok()) return reference.status();
  absl::StatusOr<Report> report = pcnv::Validate(**reference, input, options);
  if (report.ok()) Stamp(report->provenance);
  return report;
}

absl::StatusOr<CatchmentSet> Engine::Catchments(const ValidationInput& input,
                                                double share_threshold,
                                                const DisclosurePolicy& disclosure) const {
  if (absl::Status s = RequireReference(); !s.ok()) return s;
  absl::StatusOr<std::shared_ptr<const ReferenceData>> reference = ReferenceFor(input);
  if (!reference.ok()) return reference.status();
  return CatchmentSet::Build(*std::move(reference), input, share_threshold, disclosure);
}

ReportDiff Engine::Diff(const Report& base, Report candidate, FailOn fail_on,
                        const std::vector<Waiver>& waivers, const std::string& today) {
  return DiffReports(base, std::move(candidate), fail_on, waivers, today);
}

}  // namespace pcnv
