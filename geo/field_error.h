// Errors about one named field of a request or an option set. The field path travels as
// structured data on the absl::Status (a payload), not only in the message text, so a front door
// can point its client at the field without parsing words: the gRPC funnel (wire/status.h) turns
// it into a google.rpc.BadRequest field violation.
#ifndef PCNV_GEO_FIELD_ERROR_H_
#define PCNV_GEO_FIELD_ERROR_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pcnv {

struct FieldViolation {
  std::string field;  // "distribution.rows[12].patients", "share_threshold"
  std::string why;    // "-4 is negative (source row 1832)"
};

// INVALID_ARGUMENT "FIELD: WHY", carrying {FIELD, WHY}.
absl::Status FieldError(absl::string_view field, absl::string_view why);

// The violation `status` carries, if any.
std::optional<FieldViolation> FieldViolationOf(const absl::Status& status);
// `status` carrying `violation` (replacing any it had). No-op on an OK status.
void SetFieldViolation(absl::Status& status, const FieldViolation& violation);

// For a request nested in a bigger one: `prefix` ("base.", "input.") put before the message and
// the field path. Every other payload is kept.
absl::Status PrefixField(const absl::Status& status, absl::string_view prefix);

}  // namespace pcnv

#endif  // PCNV_GEO_FIELD_ERROR_H_
