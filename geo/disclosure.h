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

}  // namespace pcnv

#endif  // PCNV_GEO_DISCLOSURE_H_
