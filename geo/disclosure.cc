#include "geo/disclosure.h"

#include "absl/strings/str_cat.h"
#include "geo/rules/context.h"

namespace pcnv {

std::string DisclosurePolicy::SuppressedText() const { return absl::StrCat("<", suppress_below); }

std::string PatientsPhrase(int64_t patients, const DisclosurePolicy& policy) {
  if (policy.IsSmall(patients)) return absl::StrCat("fewer than ", policy.suppress_below, " patients");
  return absl::StrCat(Grouped(patients), patients == 1 ? " patient" : " patients");
}

}  // namespace pcnv
