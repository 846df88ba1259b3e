#include "geo/options_check.h"

#include "absl/strings/str_cat.h"
#include "geo/field_error.h"

namespace pcnv {

absl::Status CheckShareThreshold(double threshold, absl::string_view field) {
  // Written so that NaN fails too.
  if (threshold > 0 && threshold <= 1) return absl::OkStatus();
  return FieldError(field, absl::StrCat(threshold, " is outside (0, 1]"));
}

absl::Status CheckSuppressBelow(int64_t suppress_below, absl::string_view field) {
  if (suppress_below >= 2 && suppress_below <= 1000) return absl::OkStatus();
  return FieldError(field, absl::StrCat(suppress_below,
                                        " is outside [2, 1000] (to publish every count, ask for "
                                        "unsuppressed output explicitly)"));
}

}  // namespace pcnv
