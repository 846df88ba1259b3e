// Conversion pieces both halves use, and the public geometry conversion.
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "geo/field_error.h"
#include "geo/input_limits.h"
#include "geo/wkb_scan.h"
#include "wire/convert.h"
#include "wire/convert_internal.h"
#include "wire/status.h"

namespace pcnv::wire {
namespace internal {

absl::Status Bad(absl::string_view field, absl::string_view what, int row) {
  const std::string why =
      row > 0 ? absl::StrCat(what, " (source row ", row, ")") : std::string(what);
  return FieldError(field, why);
}

std::string At(absl::string_view list, int index) { return absl::StrCat(list, "[", index, "]"); }

absl::Status CheckNonNegative(absl::string_view field, int64_t value, int row) {
  if (value < 0) return Bad(field, absl::StrCat(value, " is negative"), row);
  return absl::OkStatus();
}

absl::Status CheckFinite(absl::string_view field, double value, int row) {
  if (!std::isfinite(value)) return Bad(field, absl::StrCat(value, " is not a finite number"), row);
  return absl::OkStatus();
}

absl::Status CheckRequired(absl::string_view field, const std::string& value, int row) {
  if (value.empty()) return Bad(field, "is empty", row);
  return absl::OkStatus();
}

absl::Status CheckRow(absl::string_view element, int row) {
  if (row < 0) return Bad(absl::StrCat(element, ".row"), absl::StrCat(row, " is negative"));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Enums. Every switch lists each wire value; anything else (a newer client, a corrupt message)
// is refused by name rather than mapped to a guess.

v1::Severity SeverityToProto(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return v1::SEVERITY_INFO;
    case Severity::kWarning:
      return v1::SEVERITY_WARNING;
    case Severity::kError:
      return v1::SEVERITY_ERROR;
  }
  return v1::SEVERITY_UNSPECIFIED;
}

absl::StatusOr<Severity> SeverityFromProto(int s, absl::string_view field) {
  switch (s) {
    case v1::SEVERITY_INFO:
      return Severity::kInfo;
    case v1::SEVERITY_WARNING:
      return Severity::kWarning;
    case v1::SEVERITY_ERROR:
      return Severity::kError;
    case v1::SEVERITY_UNSPECIFIED:
      return Bad(field, "severity is unspecified");
  }
  return Bad(field, absl::StrCat("unknown Severity value ", s));
}

void SourceToProto(const SourceFile& source, v1::SourceFile* out) {
  out->set_role(source.role);
  out->set_path(source.path);
  out->set_sha256(source.sha256);
  out->set_records(source.records);
}

absl::StatusOr<SourceFile> SourceFromProto(const v1::SourceFile& source, absl::string_view field) {
  PCNV_RETURN_IF_ERROR(CheckNonNegative(absl::StrCat(field, ".records"), source.records()));
  return SourceFile{source.role(), source.path(), source.sha256(), source.records()};
}

absl::StatusOr<Geometry> OptionalGeometryFromProto(bool present, const v1::Geometry& geometry,
                                                   absl::string_view field) {
  if (!present) return Geometry();
  return GeometryFromProto(geometry, field);
}

}  // namespace internal

void ToProto(const Geometry& geometry, v1::Geometry* out) {
  out->set_wkb(geometry.ToWkb());
  out->set_srid(kSrid);
}

absl::StatusOr<Geometry> GeometryFromProto(const v1::Geometry& geometry, absl::string_view field) {
  if (geometry.srid() != kSrid) {
    return internal::Bad(absl::StrCat(field, ".srid"),
                         absl::StrCat(geometry.srid(), " is not ", kSrid,
                                      " (British National Grid); reproject before sending"));
  }
  if (geometry.wkb().empty()) return internal::Bad(absl::StrCat(field, ".wkb"), "is empty");
  // Coordinates no map of Great Britain has are refused before GEOS computes with them, as the
  // CLI's layer reader refuses them (geo/io/vector_reader.cc): GEOS's overlay and buffer fail on
  // magnitudes like 1e200, and its buffer leaks when it fails (docs/RELIABILITY.md).
  absl::StatusOr<WkbShape> shape = ScanWkb(geometry.wkb());
  if (!shape.ok()) {
    return internal::Bad(absl::StrCat(field, ".wkb"),
                         absl::StrCat("cannot parse WKB: ", shape.status().message()));
  }
  if (shape->non_finite) {
    return internal::Bad(absl::StrCat(field, ".wkb"),
                         "a coordinate is not a finite number (NaN or infinite)");
  }
  if (shape->min_x <= shape->max_x) {
    if (absl::Status s = CheckBngBox(shape->min_x, shape->min_y, shape->max_x, shape->max_y);
        !s.ok()) {
      return internal::Bad(absl::StrCat(field, ".wkb"), absl::StrCat("geometry ", s.message()));
    }
  }
  absl::StatusOr<Geometry> g = Geometry::FromWalkedWkb(geometry.wkb(), *shape);
  if (!g.ok()) return internal::Bad(absl::StrCat(field, ".wkb"), g.status().message());
  return g;
}

}  // namespace pcnv::wire
