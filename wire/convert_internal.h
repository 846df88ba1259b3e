// Helpers shared by the conversion files (convert_common.cc, convert_request.cc,
// convert_report.cc): error wording, checks, enums and messages both directions need. Internal
// to server/; callers use convert.h.
#ifndef PCNV_WIRE_CONVERT_INTERNAL_H_
#define PCNV_WIRE_CONVERT_INTERNAL_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "geo/geometry.h"
#include "geo/model.h"
#include "geo/report.h"
#include "geo/status_macros.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire::internal {

// Every refusal names the field path and, when known, the row in the caller's file, because
// that is what a person fixing the input needs: "field: what (source row N)".
absl::Status Bad(absl::string_view field, absl::string_view what, int row = 0);
// "list[index]", the path of one repeated element.
std::string At(absl::string_view list, int index);

absl::Status CheckNonNegative(absl::string_view field, int64_t value, int row = 0);
absl::Status CheckFinite(absl::string_view field, double value, int row = 0);
absl::Status CheckRequired(absl::string_view field, const std::string& value, int row = 0);
// The row itself is checked so that a negative row number cannot end up in a finding.
absl::Status CheckRow(absl::string_view element, int row);

v1::Severity SeverityToProto(Severity s);
// UNSPECIFIED is refused: wherever a severity is required, it must be one of the three.
absl::StatusOr<Severity> SeverityFromProto(int s, absl::string_view field);

void SourceToProto(const SourceFile& source, v1::SourceFile* out);
absl::StatusOr<SourceFile> SourceFromProto(const v1::SourceFile& source, absl::string_view field);

// Optional geometry: an absent message is a null Geometry.
absl::StatusOr<Geometry> OptionalGeometryFromProto(bool present, const v1::Geometry& geometry,
                                                   absl::string_view field);

}  // namespace pcnv::wire::internal

#endif  // PCNV_WIRE_CONVERT_INTERNAL_H_
