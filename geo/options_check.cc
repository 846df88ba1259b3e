#include "geo/options_check.h"

#include "absl/strings/str_cat.h"
#include "geo/field_error.h"

namespace pcnv {

absl::Status CheckShareThreshold(double threshold, absl::string_view field) {
  // Written so that NaN fails too.
  if (threshold > 0 && threshold <= 1) return absl::OkStatus();
  return FieldError(field, absl::StrCat(threshold, " is outside (0, 1]"));
}

}  // namespace pcnv
