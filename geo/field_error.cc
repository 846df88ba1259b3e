#include "geo/field_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace pcnv {
namespace {

// Not a type.googleapis.com URL: the gRPC funnel forwards only those, and turns this one into a
// google.rpc.BadRequest instead. Value: field, NUL, why.
constexpr char kFieldPayload[] = "pcnv/field-violation";

}  // namespace

absl::Status FieldError(absl::string_view field, absl::string_view why) {
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
  SetFieldViolation(status, {std::string(field), std::string(why)});
  return status;
}

void SetFieldViolation(absl::Status& status, const FieldViolation& violation) {
  std::string value = violation.field;
  value.push_back('\0');
  value += violation.why;
  status.SetPayload(kFieldPayload, absl::Cord(value));
}

std::optional<FieldViolation> FieldViolationOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kFieldPayload);
  if (!payload) return std::nullopt;
  const std::string value(*payload);
  const size_t nul = value.find('\0');
  if (nul == std::string::npos) return std::nullopt;
  return FieldViolation{value.substr(0, nul), value.substr(nul + 1)};
}

absl::Status PrefixField(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  absl::Status out(status.code(), absl::StrCat(prefix, status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  if (std::optional<FieldViolation> v = FieldViolationOf(status)) {
    v->field = absl::StrCat(prefix, v->field);
    SetFieldViolation(out, *v);
  }
  return out;
}

}  // namespace pcnv
