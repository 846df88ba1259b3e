#include "geo/options.h"

#include "geo/rules/registry.h"

namespace pcnv {

std::string_view CatchmentMethodName(CatchmentMethod m) {
  return m == CatchmentMethod::kShare ? "share" : "majority";
}

Severity Ruleset::SeverityOf(std::string_view rule) const {
  if (auto it = severity.find(std::string(rule)); it != severity.end()) return it->second;
  const RuleInfo* info = FindRule(rule);
  return info == nullptr ? Severity::kInfo : info->default_severity;
}

}  // namespace pcnv
