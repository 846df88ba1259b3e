// What geo/rules/context.h declares for every rule: the run that collects findings, and the
// number formats their messages share.
#include "geo/rules/context.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pcnv {

bool ValidationContext::has_list_sizes() const {
  if (input.list_sizes) return true;
  for (const Membership& m : input.memberships) {
    if (m.list_size) return true;
  }
  return false;
}

Finding& RuleRun::Add(Severity severity, std::string pcn, std::string practice,
                      std::string message) {
  Finding& f = findings_.emplace_back();
  f.rule = outcome_.rule;
  f.severity = severity;
  f.pcn = std::move(pcn);
  f.practice = std::move(practice);
  f.message = std::move(message);
  return f;
}

std::string Grouped(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string Percent(double fraction, int decimals) {
  return absl::StrFormat("%.*f%%", decimals, fraction * 100);
}

}  // namespace pcnv
