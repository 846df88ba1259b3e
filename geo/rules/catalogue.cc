#include "geo/rules/catalogue.h"

#include <array>

namespace pcnv {
namespace {

constexpr std::array<RuleInfo, 22> kRules = {{
    {"POP001", "PCN registered population below the minimum"},
    {"POP002", "PCN registered population above the usual maximum"},
    {"POP003", "Declared list size differs from the distribution total"},
    {"MEM001", "Active practice in no PCN"},
    {"MEM002", "Practice in more than one PCN"},
    {"MEM003", "Single-practice PCN"},
    {"MEM004", "Distribution rows for a practice not in the practice list"},
    {"CON001", "Territory not contiguous"},
    {"CON002", "Small detached fragments or enclaves"},
    {"CON003", "Member practices' catchments form more than one connected group"},
    {"CON004", "Practice location outside its PCN territory"},
    {"NEST001", "PCN crosses its ICB"},
    {"NEST002", "Declared ICB or sub-ICB differs from the geographic dominant one"},
    {"NEST003", "PCN crosses sub-ICB or STP boundaries"},
    {"COM001", "PCN split across community-service footprints"},
    {"OVL001", "Declared PCN boundaries overlap"},
    {"OVL002", "Gaps between declared boundaries inside their parent footprint"},
    {"OVL003", "Declared boundary disagrees with the computed territory"},
    {"GEO001", "Invalid input geometry"},
    {"DAT001", "Distribution rows that cannot be resolved"},
    {"CMP001", "Low compactness"},
    {"CMP002", "Member practices far apart"},
}};

}  // namespace

std::span<const RuleInfo> RuleCatalogue() { return kRules; }

const RuleInfo* FindRule(std::string_view code) {
  for (const RuleInfo& r : kRules) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

}  // namespace pcnv
