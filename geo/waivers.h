// Waivers: a commissioner's recorded exceptions, applied to the findings they match.
#ifndef PCNV_GEO_WAIVERS_H_
#define PCNV_GEO_WAIVERS_H_

#include <string>
#include <vector>

#include "geo/options.h"
#include "geo/report.h"

namespace pcnv {

// A waiver matches a finding by rule and PCN. Expired waivers (as_of after expires) are ignored
// and listed. A waived POP001 becomes a WARNING (docs/DOMAIN.md section 5: a commissioner's
// exception). Holds pointers into the waivers it is given, which must outlive it.
class Waivers {
 public:
  explicit Waivers(const ValidationOptions& o) : Waivers(o.waivers, o.as_of) {}
  // `as_of` empty: no waiver expires. The engine and the release diff (geo/report_diff.h) both
  // apply waivers through this.
  Waivers(const std::vector<Waiver>& waivers, const std::string& as_of);

  // For summary.expired_waivers: "RULE PCN expired YYYY-MM-DD", in the options' order.
  const std::vector<std::string>& expired() const { return expired_; }

  // Applies the first live waiver that matches; returns whether one did.
  bool Apply(Finding& f) const;

 private:
  std::vector<const Waiver*> live_;
  std::vector<std::string> expired_;
};

}  // namespace pcnv

#endif  // PCNV_GEO_WAIVERS_H_
