// Small-number disclosure control, the policy (docs/DOMAIN.md section 4): a count of 1 to
// `suppress_below - 1` patients is never published in anything meant for people or export,
// message text included. The engine applies it once (messages, finding values, secondary
// suppression), so every writer and reply downstream is safe without knowing the rule.
// NHS Digital's convention is 5; a caller may raise it, or turn it off with a documented flag
// (`pcnv validate --unsuppressed`, `ValidateRequest.unsuppressed`) for internal analysis.
#ifndef PCNV_GEO_DISCLOSURE_H_
#define PCNV_GEO_DISCLOSURE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geo/report.h"

namespace pcnv {

struct DisclosurePolicy {
  // Counts from 1 to suppress_below - 1 are suppressed; 0 (or 1) turns suppression off.
  int64_t suppress_below = 5;

  bool enabled() const { return suppress_below > 1; }
  // True for a count that must not be published. Zero discloses no one and is shown.
  bool IsSmall(int64_t patients) const {
    return enabled() && patients > 0 && patients < suppress_below;
  }
  // What a suppressed count is shown as: "<5".
  std::string SuppressedText() const;
};

// "1 patient", "24,100 patients", or "fewer than 5 patients" when the count is small.
std::string PatientsPhrase(int64_t patients, const DisclosurePolicy& policy);

// True when a finding value under `key` is a count of patients ("patients", "area_patients",
// "population", "list_size", "distribution_total", and the differences between such counts:
// "difference", "shortfall", "excess").
bool IsPatientCount(std::string_view key);
// True for the counts that are differences between other counts ("difference", "shortfall",
// "excess"): never suppressed for being small, withheld when they would give a small count away.
bool IsPatientDifference(std::string_view key);
// True when a value under `key` is a share of patients: beside a published total it gives the
// count away, so it goes whenever a count in the same finding is suppressed.
bool IsPatientShare(std::string_view key);

// What a secondarily suppressed share or count reads as.
inline constexpr char kWithheldText[] = "withheld";

// One cell of a line of counts whose total is published (a table's row or column, or the
// counts of one finding): secondary suppression works on these.
struct DisclosureCell {
  int64_t value = 0;
  bool suppressed = false;
};

// Secondary suppression over one line: when the suppressed cells could be recovered from the
// total by subtraction (a single suppressed cell, or suppressed cells that can only all be 1),
// suppress the smallest published non-zero cell as well. Returns true if it suppressed one; call
// again (over every line of a table) until nothing changes.
bool ProtectLine(std::vector<DisclosureCell*>& line);

// Primary and secondary suppression of one finding's values and message, in place: small counts
// become "<5", a count or share that would give them away becomes "withheld", and the message
// loses the numbers of withheld counts. Idempotent. Does nothing when the policy is off.
void SuppressFinding(Finding& finding, const DisclosurePolicy& policy);

}  // namespace pcnv

#endif  // PCNV_GEO_DISCLOSURE_H_
