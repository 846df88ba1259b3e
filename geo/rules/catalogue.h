// The rule catalogue: stable, append-only codes with their titles (DOMAIN.md section 5).
#ifndef PCNV_GEO_RULES_CATALOGUE_H_
#define PCNV_GEO_RULES_CATALOGUE_H_

#include <span>
#include <string_view>

namespace pcnv {

struct RuleInfo {
  std::string_view code;
  std::string_view title;
};

// Every rule pcnv knows, in catalogue order. Never renumber; only append.
std::span<const RuleInfo> RuleCatalogue();
const RuleInfo* FindRule(std::string_view code);

}  // namespace pcnv

#endif  // PCNV_GEO_RULES_CATALOGUE_H_
