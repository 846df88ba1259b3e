#include "geo/waivers.h"

#include "absl/strings/str_cat.h"
#include "geo/rules/messages.h"

namespace pcnv {

Waivers::Waivers(const std::vector<Waiver>& waivers, const std::string& as_of) {
  for (const Waiver& w : waivers) {
    if (!as_of.empty() && w.expires < as_of) {
      expired_.push_back(absl::StrCat(w.rule, " ", w.pcn, " expired ", w.expires));
    } else {
      live_.push_back(&w);
    }
  }
}

bool Waivers::Apply(Finding& f) const {
  for (const Waiver* w : live_) {
    if (w->rule != f.rule || w->pcn != f.pcn || f.pcn.empty()) continue;
    f.waiver = AppliedWaiver{w->reason, w->approved_by, w->expires};
    if (f.rule == "POP001") {
      // The exception the message asked for is now recorded: it says so instead.
      f.severity = Severity::kWarning;
      f.message = msg::WaivePop001(f.message, *f.waiver);
    }
    return true;
  }
  return false;
}

}  // namespace pcnv
