// The finding messages, every one of them, in one reviewed place: each rule computes its
// numbers and calls the function for its message here; nothing else writes finding text.
// Units, plurals, shares and the thresholds a value was compared with come from geo/format.h;
// every count of patients goes through PatientsPhrase (geo/disclosure.h), so a small count is
// never written out. tests/geo/messages_test.cc shows each message at its edge cases.
#ifndef PCNV_GEO_RULES_MESSAGES_H_
#define PCNV_GEO_RULES_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geo/disclosure.h"
#include "geo/report.h"

namespace pcnv::msg {

// --- POP: registered population ---------------------------------------------------------------

// How a PCN's population was counted (PcnInfo::population_basis: list_sizes | distribution |
// mixed | none), and the member practices that had no count at all.
std::string PopulationBasis(std::string_view basis, const std::vector<std::string>& uncounted);

// POP001. A PCN below the minimum needs a commissioner's exception; once a waiver records one,
// WaivePop001 rewrites the message to say so (geo/waivers.cc), so a waived finding never still
// asks for it.
std::string Pop001BelowMinimum(std::string_view pcn, std::string_view name, int64_t population,
                               const std::string& basis, int64_t minimum,
                               const DisclosurePolicy& policy);
std::string WaivePop001(const std::string& message, const AppliedWaiver& waiver);
// POP002.
std::string Pop002AboveMaximum(std::string_view pcn, std::string_view name, int64_t population,
                               const std::string& basis, int64_t usual_maximum,
                               const DisclosurePolicy& policy);
// POP003. `relative` is |counted - declared| / declared (1 when declared is 0).
std::string Pop003ListSizeDiffers(std::string_view practice, std::string_view name,
                                  int64_t declared, int64_t counted, double relative,
                                  double tolerance, const DisclosurePolicy& policy);

// --- MEM: membership ------------------------------------------------------------------------

std::string Mem001NoPcn(std::string_view practice, std::string_view name);
std::string Mem002ManyPcns(std::string_view practice, std::string_view name,
                           const std::vector<std::string>& pcns, const std::vector<int>& rows,
                           std::string_view counted_in);
std::string Mem003SinglePractice(std::string_view pcn, std::string_view name,
                                 std::string_view practice);
std::string Mem004UnlistedPractice(std::string_view practice, int64_t rows, int64_t patients,
                                   const DisclosurePolicy& policy);

// --- DAT: distribution rows -----------------------------------------------------------------

// One kind of unplaceable row, for Dat001Unresolved: `kind` is UnresolvedName's
// (placeholder_area_code | unknown_area_code | unknown_postcode | postcode_outside_areas),
// `examples` like "row 12 'NO2011'".
std::string Dat001Kind(std::string_view kind, int64_t rows, int64_t patients,
                       const std::vector<std::string>& examples, const DisclosurePolicy& policy);
std::string Dat001Unresolved(int64_t rows, int64_t patients, const std::vector<std::string>& kinds,
                             const DisclosurePolicy& policy);

// --- CON: contiguity ------------------------------------------------------------------------

// The contiguity settings a detached part was found under.
std::string ContiguityTolerances(std::string_view adjacency, double bridge_distance_m,
                                 int64_t named_bridges);

struct DetachedPart {
  std::string_view pcn, name;
  int64_t areas = 0;
  int64_t patients = 0;
  double share = 0;        // of the patients in the PCN's territory
  double threshold = 0;    // the ruleset's minimum share for CON001
  double gap_m = 0;        // to the main part; 0: they touch at a corner only
  std::string tolerances;  // ContiguityTolerances
};
// CON001: a detached part holding at least the minimum share.
std::string Con001DetachedPart(const DetachedPart& p, const DisclosurePolicy& policy);
// CON002: one below it, and an enclave (a hole in the main part).
std::string Con002SmallFragment(const DetachedPart& p, const DisclosurePolicy& policy);
std::string Con002Enclave(std::string_view pcn, std::string_view name, double area_m2);
// CON003. `groups` like "[A00001, A00002]".
std::string Con003PracticeGroups(std::string_view pcn, std::string_view name,
                                 const std::vector<std::string>& groups, double share_threshold);
// CON004.
std::string Con004PracticeOutside(std::string_view practice, std::string_view name,
                                  std::string_view pcn, double distance_m, double buffer_m);

// --- NEST / COM: footprints -----------------------------------------------------------------

// "of its registered patients" or "of its practices' list sizes (by practice location)", from
// FootprintSplit::basis (patients | practice_locations).
std::string SplitBasis(std::string_view basis);
// One footprint's share in a split's list: "E54000002 10.0%".
std::string FootprintShare(std::string_view footprint, double share);

struct Spread {
  std::string_view pcn, name;
  std::string_view kind;  // "ICB", "sub-ICB", "STP", "community-service footprint"
  double outside_share = 0;
  double max_outside = 0;
  std::string_view basis;  // FootprintSplit::basis
  std::string_view dominant, dominant_name;
  std::vector<std::string> shares;  // FootprintShare, largest first
};
// NEST001, NEST003 and COM001.
std::string SpreadAcrossFootprints(const Spread& s);

struct Nest002 {
  std::string_view pcn, name;
  std::string_view declared_kind;  // what the practice mapping declares: "ICB" or "sub-ICB"
  std::string_view declared, declared_name;
  std::string_view layer_kind;  // the footprint layer compared with: "ICB", "sub-ICB" or "STP"
  std::string_view dominant, dominant_name;
  double dominant_share = 0;
  std::string_view basis;  // FootprintSplit::basis
};
std::string Nest002DeclaredDiffers(const Nest002& n);
// NEST002 codes the mapping declares that the layer does not hold.
std::string Nest002VintageMismatch(std::string_view declared_kind, std::string_view layer_kind,
                                   const std::vector<std::string>& codes, int64_t pcns);

// --- OVL: declared boundaries ---------------------------------------------------------------

std::string Ovl001Overlap(std::string_view pcn, int64_t feature, std::string_view other_pcn,
                          int64_t other_feature, double overlap_m2, double tolerance_m2);
// OVL002. `between`: the declared boundaries the gap touches, nearest first. With one, `hole`
// says whether the gap is enclosed by that boundary (a hole in it) or only lies along its edge.
std::string Ovl002Gap(double gap_m2, double tolerance_m2, const std::vector<std::string>& between,
                      bool hole);
std::string Ovl003PoorMatch(std::string_view pcn, std::string_view name, int64_t feature,
                            double iou, double min_iou);

// --- GEO: input geometry --------------------------------------------------------------------

// `code` and `source` may be empty.
std::string Geo001InvalidReference(std::string_view layer, std::string_view source, int64_t feature,
                                   std::string_view code, std::string_view reason, bool repaired);
std::string Geo001InvalidDeclared(std::string_view pcn, std::string_view source, int64_t feature,
                                  std::string_view reason, bool repaired);

// --- CMP: shape -----------------------------------------------------------------------------

std::string Cmp001NotCompact(std::string_view pcn, std::string_view name, double polsby_popper,
                             double minimum);
std::string Cmp002PracticesFarApart(std::string_view pcn, std::string_view name,
                                    std::string_view practice_a, std::string_view practice_b,
                                    double distance_m, double max_m);

// --- MEM005 / MEM006: the practice register (epraccur) ---------------------------------------

// MEM005. `status` is the register's status code (C closed, D dormant, P proposed), or '\0'
// when the register does not list the practice. `pcn` is the PCN it counts in (empty: none);
// `date` the close date (C) or open date (P), either may be empty.
std::string Mem005NotActive(std::string_view practice, std::string_view name, std::string_view pcn,
                            char status, std::string_view date);
// The name of an ODS prescribing setting ("GP Practice", "Community Health Service", ...), or
// "an unknown setting" for a code the ODS list does not have.
std::string PrescribingSettingName(int setting);
// MEM006. `setting` is the register's prescribing setting (anything but 4, GP practice).
std::string Mem006NotGpPractice(std::string_view practice, std::string_view name,
                                std::string_view pcn, int setting);

}  // namespace pcnv::msg

#endif  // PCNV_GEO_RULES_MESSAGES_H_
