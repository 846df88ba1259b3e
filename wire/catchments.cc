#include "wire/catchments.h"

#include "absl/strings/str_cat.h"
#include "geo/field_error.h"
#include "geo/options_check.h"
#include "geo/status_macros.h"
#include "wire/convert.h"
#include "wire/status.h"

namespace pcnv::wire {

absl::StatusOr<double> ShareThresholdFromProto(const v1::ComputeCatchmentsRequest& request) {
  const double threshold = request.has_share_threshold() ? request.share_threshold() : 0.05;
  PCNV_RETURN_IF_ERROR(CheckShareThreshold(threshold));
  return threshold;
}

absl::StatusOr<ValidationInput> CatchmentsInputFromProto(
    const v1::ComputeCatchmentsRequest& request) {
  if (!request.input().has_distribution()) {
    return FieldError("input.distribution", "required: catchments are built from the distribution");
  }
  absl::StatusOr<ValidationInput> input = InputFromProto(request.input());
  if (!input.ok()) return PrefixField(input.status(), "input.");
  return input;
}

absl::StatusOr<DisclosurePolicy> CatchmentsDisclosureFromProto(
    const v1::ComputeCatchmentsRequest& request) {
  absl::StatusOr<ValidationOptions> options = OptionsFromProto(request.input().options());
  if (!options.ok()) return PrefixField(options.status(), "input.");
  return options->disclosure;
}

v1::PcnCatchments CatchmentsToProto(const PcnCatchment& c, const std::vector<Area>& areas,
                                    double share_threshold, const DisclosurePolicy& disclosure) {
  v1::PcnCatchments out;
  out.set_pcn_code(c.code);
  out.set_pcn_name(c.name);
  if (!c.territory_geometry.is_null()) {
    ToProto(c.territory_geometry, out.mutable_territory_geometry());
  }
  if (!c.share_catchment_geometry.is_null()) {
    ToProto(c.share_catchment_geometry, out.mutable_share_catchment_geometry());
  }
  out.set_share_threshold(share_threshold);
  out.set_territory_areas(static_cast<int32_t>(c.territory_areas.size()));
  out.set_share_catchment_areas(static_cast<int32_t>(c.share_areas.size()));
  for (const AreaShareRow& row : c.areas) {
    v1::AreaShare* a = out.add_areas();
    a->set_area_code(areas[row.area].code);
    a->set_patients_suppressed(row.patients_suppressed);
    a->set_patients(
        row.patients_suppressed
            ? (disclosure.IsSmall(row.patients) ? disclosure.SuppressedText() : kWithheldText)
            : absl::StrCat(row.patients));
    if (!row.share_withheld) a->set_share(row.share);
    if (!row.total_suppressed) a->set_area_total(row.total);
    a->set_area_total_suppressed(row.total_suppressed);
    a->set_in_territory(row.in_territory);
    a->set_in_share_catchment(row.in_share_catchment);
  }
  return out;
}

}  // namespace pcnv::wire
