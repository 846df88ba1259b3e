// Proto <-> domain conversion: the only code that knows both pcnv.v1 wire types and the geo/
// model. The server uses the *FromProto half on requests and ToProto on reports; the remote
// client uses the other two, so both ends share one copy and cannot drift apart.
//
// Conversion is lossless for every field of the domain structs (round-trip tests hold it to
// that), so a report rebuilt from a reply writes the same bytes as the in-process one.
//
// *FromProto functions validate what the wire can get wrong and the domain cannot express:
// unknown enum values, unparseable WKB, a spatial reference other than EPSG:27700, negative
// counts, non-finite coordinates, missing required codes. Errors are INVALID_ARGUMENT and name
// the field path and, where the element came from a file, its source row, e.g.
//   distribution.rows[12].patients: -4 is negative (source row 1832)
// Whatever is wrong with the *data* (unknown codes, invalid polygons) is left for the rules to
// report as findings.
//
// Implementation: convert_request.cc (inputs, options), convert_report.cc (report),
// convert_common.cc (geometry and the helpers in convert_internal.h).
#ifndef PCNV_WIRE_CONVERT_H_
#define PCNV_WIRE_CONVERT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "geo/model.h"
#include "geo/options.h"
#include "geo/report.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::wire {

// The only spatial reference the wire accepts: British National Grid.
inline constexpr int kSrid = 27700;

// Request side.
v1::ValidateRequest MakeRequest(const ValidationInput& input, const ValidationOptions& options);
void ToProto(const ValidationInput& input, v1::ValidateRequest* out);  // all but `options`
void ToProto(const ValidationOptions& options, v1::ValidationOptions* out);
absl::StatusOr<ValidationInput> InputFromProto(const v1::ValidateRequest& request);
// An absent (default) message gives the defaults of geo/options.h. Field paths start "options.".
absl::StatusOr<ValidationOptions> OptionsFromProto(const v1::ValidationOptions& options);

// Response side.
void ToProto(const Report& report, v1::Report* out);
// Parts of a report on their own (ValidateStream's per-PCN results).
void ToProto(const PcnEntry& pcn, v1::Pcn* out);
void ToProto(const Finding& finding, v1::Finding* out);
absl::StatusOr<Report> ReportFromProto(const v1::Report& report);

// Geometry: null <-> absent message is handled by the callers; these convert a present one.
void ToProto(const Geometry& geometry, v1::Geometry* out);
// `field` is the path used in errors, e.g. "declared.boundaries[3].geometry".
absl::StatusOr<Geometry> GeometryFromProto(const v1::Geometry& geometry, absl::string_view field);

}  // namespace pcnv::wire

#endif  // PCNV_WIRE_CONVERT_H_
