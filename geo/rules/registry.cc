#include "geo/rules/registry.h"

#include "geo/rules/context.h"

namespace pcnv {
namespace {

using enum Severity;

// Default severities and thresholds are docs/DOMAIN.md section 5's; the implementations live in
// the file of each rule's family (declared in geo/rules/context.h).
constexpr RuleInfo kRules[] = {
    {"POP001", "PCN registered population below the minimum", kError,
     "A PCN's registered population (its practices' list sizes, else their distribution totals) "
     "is below the ruleset minimum (30,000); a waiver makes it a WARNING.",
     nullptr, &kPop001},
    {"POP002", "PCN registered population above the usual maximum", kWarning,
     "A PCN's registered population is above the ruleset's usual maximum (50,000).", nullptr,
     &kPop002},
    {"POP003", "Declared list size differs from the distribution total", kWarning,
     "A practice's declared list size and its distribution rows' total differ by more than the "
     "tolerance (1% of the list size).",
     CheckPop003},
    {"MEM001", "Active practice in no PCN", kError,
     "A practice whose only PCN code is U (unallocated) or blank; every active practice belongs "
     "to exactly one PCN.",
     CheckMem001},
    {"MEM002", "Practice in more than one PCN", kError,
     "A practice listed in two or more PCNs; its patients count in its first listing.",
     CheckMem002},
    {"MEM003", "Single-practice PCN", kInfo, "A PCN with one member practice.", CheckMem003},
    {"MEM004", "Distribution rows for a practice not in the practice list", kWarning,
     "Distribution rows (with their patients) for a practice missing from the practice list.",
     CheckMem004},
    {"MEM005", "Practice not active in the practice register", kWarning,
     "A practice in the practice file that the practice register (epraccur) lists as closed, "
     "dormant or proposed, or does not list at all; it still counts in its PCN.",
     CheckMem005},
    {"MEM006", "Practice is not a GP practice in the practice register", kWarning,
     "A practice in the practice file whose prescribing setting in the practice register "
     "(epraccur) is not 4 (GP practice); it still counts in its PCN.",
     CheckMem006},
    {"CON001", "Territory not contiguous", kError,
     "A PCN's catchment falls into separate parts and a detached part holds at least the minimum "
     "share (2%) of its patients.",
     nullptr, &kCon001},
    {"CON002", "Small detached fragments or enclaves", kInfo,
     "Detached parts of a PCN's catchment below the minimum share of its patients, and holes in "
     "its main part.",
     nullptr, &kCon002},
    {"CON003", "Member practices' catchments form more than one connected group", kError,
     "The share catchments of a PCN's member practices form more than one group of touching or "
     "overlapping catchments.",
     nullptr, &kCon003},
    {"CON004", "Practice location outside its PCN territory", kWarning,
     "A member practice lies further than the buffer (500 m) from its PCN's catchment.", nullptr,
     &kCon004},
    {"NEST001", "PCN crosses its ICB", kWarning,
     "More than the allowed share (5%) of a PCN's patients live outside its dominant ICB.", nullptr,
     &kNest001},
    {"NEST002", "Declared ICB or sub-ICB differs from the geographic dominant one", kError,
     "The ICB, sub-ICB or STP a PCN's practices declare differs from the footprint most of its "
     "patients live in.",
     CheckNest002},
    {"NEST003", "PCN crosses sub-ICB or STP boundaries", kWarning,
     "More than the allowed share (5%) of a PCN's patients live outside its dominant sub-ICB or "
     "STP.",
     nullptr, &kNest003},
    {"COM001", "PCN split across community-service footprints", kWarning,
     "More than the allowed share (10%) of a PCN's patients live outside its dominant "
     "community-service footprint.",
     nullptr, &kCom001},
    {"OVL001", "Declared PCN boundaries overlap", kError,
     "Two declared PCN boundaries overlap by more than the tolerance (100 m2).", CheckOvl001},
    {"OVL002", "Gaps between declared boundaries inside their parent footprint", kWarning,
     "Gaps larger than the tolerance (100 m2) between declared boundaries inside the region they "
     "cover.",
     CheckOvl002},
    {"OVL003", "Declared boundary disagrees with the computed territory", kWarning,
     "A declared boundary's intersection over union with the computed catchment is below the "
     "minimum (0.6).",
     nullptr, &kOvl003},
    {"GEO001", "Invalid input geometry", kWarning,
     "An invalid polygon in a reference layer or the declared boundaries, repaired with "
     "make-valid; ERROR and not used when repair is off.",
     CheckGeo001},
    {"DAT001", "Distribution rows that cannot be resolved", kWarning,
     "Distribution rows whose area code or postcode cannot be placed in any area (placeholders, "
     "unknown codes, postcodes outside every area).",
     CheckDat001},
    {"CMP001", "Low compactness", kInfo,
     "A PCN's catchment has a Polsby-Popper score (4 pi area / perimeter squared) below the "
     "minimum (0.1).",
     nullptr, &kCmp001},
    {"CMP002", "Member practices far apart", kWarning,
     "The two member practices of a PCN furthest apart are more than the maximum distance (15 km) "
     "apart.",
     nullptr, &kCmp002},
};

}  // namespace

std::span<const RuleInfo> RuleCatalogue() { return kRules; }

const RuleInfo* FindRule(std::string_view code) {
  for (const RuleInfo& r : kRules) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

}  // namespace pcnv
