#include "geo/rules/messages.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "geo/format.h"

namespace pcnv::msg {
namespace {

// absl::StrCat takes absl::string_view, which is not std::string_view on Debian 12's Abseil.
std::string S(std::string_view s) { return std::string(s); }

std::string Name(std::string_view code, std::string_view name) { return Named(code, name); }

// "CODE (Name)", or "CODE" when the name is empty.
std::string CodeAndName(std::string_view code, std::string_view name) {
  return name.empty() ? S(code) : absl::StrCat(S(code), " (", S(name), ")");
}

// GEOS and GDAL reasons sometimes end with a full stop; the message adds its own punctuation.
std::string Reason(std::string_view reason) {
  std::string r = S(reason);
  while (!r.empty() && (r.back() == '.' || r.back() == ' ')) r.pop_back();
  return r.empty() ? "no reason given" : r;
}

constexpr char kPop001Demand[] = " A PCN this small needs a commissioner's exception.";

}  // namespace

std::string PopulationBasis(std::string_view basis, const std::vector<std::string>& uncounted) {
  const std::string list = absl::StrJoin(uncounted, ", ");
  if (basis == "none") {
    return uncounted.empty()
               ? "none of its practices has a list size or distribution rows"
               : absl::StrCat("no list size or distribution rows for ",
                              uncounted.size() == 1 ? "its practice " : "its practices ", list);
  }
  std::string text = basis == "list_sizes"     ? "the sum of its practices' list sizes"
                     : basis == "distribution" ? "its practices' distribution totals"
                                               : "its practices' list sizes, or distribution "
                                                 "totals where a list size is missing";
  if (!uncounted.empty()) {
    absl::StrAppend(&text, "; no count for ", uncounted.size() == 1 ? "practice " : "practices ",
                    list);
  }
  return text;
}

std::string Pop001BelowMinimum(std::string_view pcn, std::string_view name, int64_t population,
                               const std::string& basis, int64_t minimum,
                               const DisclosurePolicy& policy) {
  return absl::StrCat(Name(pcn, name), " has a registered population of ",
                      PatientsPhrase(population, policy), " (", basis, "), below the minimum of ",
                      Grouped(minimum), ".", kPop001Demand);
}

std::string WaivePop001(const std::string& message, const AppliedWaiver& waiver) {
  absl::string_view body = message;
  if (!absl::ConsumeSuffix(&body, kPop001Demand)) return message;
  std::vector<std::string> about;
  if (!waiver.approved_by.empty()) about.push_back("approved by " + waiver.approved_by);
  if (!waiver.expires.empty()) about.push_back("until " + waiver.expires);
  return absl::StrCat(body, " Waived: a commissioner's exception is recorded",
                      about.empty() ? "" : absl::StrCat(" (", absl::StrJoin(about, ", "), ")"),
                      ".");
}

std::string Pop002AboveMaximum(std::string_view pcn, std::string_view name, int64_t population,
                               const std::string& basis, int64_t usual_maximum,
                               const DisclosurePolicy& policy) {
  return absl::StrCat(Name(pcn, name), " has a registered population of ",
                      PatientsPhrase(population, policy), " (", basis,
                      "), above the usual maximum of ", Grouped(usual_maximum), ".");
}

std::string Pop003ListSizeDiffers(std::string_view practice, std::string_view name,
                                  int64_t declared, int64_t counted, double relative,
                                  double tolerance, const DisclosurePolicy& policy) {
  const int64_t diff = counted - declared;
  return absl::StrCat("Practice ", Name(practice, name), " declares a list size of ",
                      PatientsPhrase(declared, policy), " but its distribution rows total ",
                      PatientsPhrase(counted, policy), " (",
                      PatientsPhrase(diff < 0 ? -diff : diff, policy),
                      diff < 0 ? " fewer, " : " more, ", ShareAgainst(relative, tolerance),
                      "), more than the ", ShareLimit(tolerance), " tolerance.");
}

std::string Mem001NoPcn(std::string_view practice, std::string_view name) {
  return absl::StrCat("Practice ", Name(practice, name),
                      " is not in any PCN (its PCN code is 'U', unallocated, or blank); every "
                      "active practice must belong to exactly one PCN.");
}

std::string Mem002ManyPcns(std::string_view practice, std::string_view name,
                           const std::vector<std::string>& pcns, const std::vector<int>& rows,
                           std::string_view counted_in) {
  return absl::StrCat("Practice ", Name(practice, name), " is listed in ",
                      Count(static_cast<int64_t>(pcns.size()), "PCN"), " (",
                      absl::StrJoin(pcns, ", "), "; ", rows.size() == 1 ? "row " : "rows ",
                      absl::StrJoin(rows, ", "),
                      "); a practice belongs to exactly one. Its patients are counted in ",
                      S(counted_in), ", its first listing.");
}

std::string Mem003SinglePractice(std::string_view pcn, std::string_view name,
                                 std::string_view practice) {
  return absl::StrCat(Name(pcn, name), " has a single member practice (", S(practice), ").");
}

std::string Mem004UnlistedPractice(std::string_view practice, int64_t rows, int64_t patients,
                                   const DisclosurePolicy& policy) {
  return absl::StrCat("The distribution has ", Count(rows, "row"), " (",
                      PatientsPhrase(patients, policy), ") for practice ", S(practice),
                      ", which is not in the practice list; its patients count in each area's "
                      "total N(a) but in no PCN.");
}

std::string Dat001Kind(std::string_view kind, int64_t rows, int64_t patients,
                       const std::vector<std::string>& examples, const DisclosurePolicy& policy) {
  const bool one = rows == 1;
  const std::string what =
      kind == "placeholder_area_code" ? (one ? "a placeholder area code" : "placeholder area codes")
      : kind == "unknown_area_code"   ? (one ? "an unknown area code" : "unknown area codes")
      : kind == "unknown_postcode"    ? (one ? "an unknown postcode" : "unknown postcodes")
      : kind == "postcode_outside_areas"
          ? (one ? "a postcode outside every area" : "postcodes outside every area")
          : S(kind);
  std::string out =
      absl::StrCat(Count(rows, "row"), " with ", what, " (", PatientsPhrase(patients, policy));
  if (!examples.empty()) {
    absl::StrAppend(&out, static_cast<int64_t>(examples.size()) < rows ? "; e.g. " : ": ",
                    absl::StrJoin(examples, ", "));
  }
  return out + ")";
}

std::string Dat001Unresolved(int64_t rows, int64_t patients, const std::vector<std::string>& kinds,
                             const DisclosurePolicy& policy) {
  return absl::StrCat(Count(rows, "distribution row"), " (", PatientsPhrase(patients, policy),
                      ") cannot be placed in any area: ", absl::StrJoin(kinds, "; "), ". ",
                      rows == 1 ? "Its" : "Their",
                      " patients count in populations but not in catchments.");
}

std::string ContiguityTolerances(std::string_view adjacency, double bridge_distance_m,
                                 int64_t named_bridges) {
  return absl::StrCat("adjacency by shared ", S(adjacency), ", bridge distance ",
                      DistanceLimit(bridge_distance_m), ", ", Count(named_bridges, "named bridge"));
}

namespace {

std::string PartText(const DetachedPart& p, const DisclosurePolicy& policy, bool large) {
  const std::string where =
      p.gap_m <= 0 ? "touches the main part only at a corner"
                   : absl::StrCat("lies ", DistanceText(p.gap_m), " from the main part");
  return absl::StrCat("a part of ", Count(p.areas, "area"), " holding ",
                      PatientsPhrase(p.patients, policy), " (", ShareAgainst(p.share, p.threshold),
                      " of its territory's patients, ", large ? "at or above" : "below", " the ",
                      ShareLimit(p.threshold), " threshold) ", where, " (", p.tolerances, ").");
}

}  // namespace

std::string Con001DetachedPart(const DetachedPart& p, const DisclosurePolicy& policy) {
  return absl::StrCat(Name(p.pcn, p.name),
                      "'s territory is not contiguous: ", PartText(p, policy, true));
}

std::string Con002SmallFragment(const DetachedPart& p, const DisclosurePolicy& policy) {
  return absl::StrCat(Name(p.pcn, p.name),
                      " has a small detached fragment: ", PartText(p, policy, false));
}

std::string Con002Enclave(std::string_view pcn, std::string_view name, double area_m2) {
  return absl::StrCat(Name(pcn, name), "'s territory surrounds an enclave of ", AreaText(area_m2),
                      " that belongs to another PCN or to none.");
}

std::string Con003PracticeGroups(std::string_view pcn, std::string_view name,
                                 const std::vector<std::string>& groups, double share_threshold) {
  return absl::StrCat(Name(pcn, name), "'s member practices form ",
                      Count(static_cast<int64_t>(groups.size()), "separate group"),
                      " whose catchments (areas with at least ", ShareLimit(share_threshold),
                      " of their patients) do not touch: ", absl::StrJoin(groups, " / "), ".");
}

std::string Con004PracticeOutside(std::string_view practice, std::string_view name,
                                  std::string_view pcn, double distance_m, double buffer_m) {
  return absl::StrCat("Practice ", Name(practice, name), " is ",
                      DistanceAgainst(distance_m, buffer_m), " outside the territory of its PCN ",
                      S(pcn), " (allowed: ", DistanceLimit(buffer_m), ").");
}

std::string SplitBasis(std::string_view basis) {
  return basis == "patients" ? "of its registered patients"
                             : "of its practices' list sizes (by practice location)";
}

std::string FootprintShare(std::string_view footprint, double share) {
  return absl::StrCat(S(footprint), " ", Share(share));
}

std::string SpreadAcrossFootprints(const Spread& s) {
  return absl::StrCat(Name(s.pcn, s.name), " crosses ", S(s.kind),
                      " boundaries: ", ShareAgainst(s.outside_share, s.max_outside), " ",
                      SplitBasis(s.basis), " lie outside its dominant ", S(s.kind), " ",
                      Name(s.dominant, s.dominant_name), " (allowed: ", ShareLimit(s.max_outside),
                      "). Shares: ", absl::StrJoin(s.shares, ", "), ".");
}

std::string Nest002DeclaredDiffers(const Nest002& n) {
  return absl::StrCat(Name(n.pcn, n.name), ": declared ", S(n.declared_kind), " ",
                      CodeAndName(n.declared, n.declared_name), " vs geographic ", S(n.layer_kind),
                      " ", CodeAndName(n.dominant, n.dominant_name), ", the ", S(n.layer_kind),
                      " holding the largest share ", SplitBasis(n.basis), " (",
                      Share(n.dominant_share), ").");
}

std::string Nest002VintageMismatch(std::string_view declared_kind, std::string_view layer_kind,
                                   const std::vector<std::string>& codes, int64_t pcns) {
  return absl::StrCat(
      "Boundary vintage mismatch: the practice mapping declares ",
      Count(static_cast<int64_t>(codes.size()), absl::StrCat(S(declared_kind), " code")),
      " that the ", S(layer_kind), " footprint layer does not hold (", absl::StrJoin(codes, ", "),
      "), so NEST002 was not checked against it for ", Count(pcns, "PCN"),
      ". Use a footprint layer of the mapping's vintage.");
}

std::string Ovl001Overlap(std::string_view pcn, int64_t feature, std::string_view other_pcn,
                          int64_t other_feature, double overlap_m2, double tolerance_m2) {
  return absl::StrCat("Declared boundaries of ", S(pcn), " (feature ", feature, ") and ",
                      S(other_pcn), " (feature ", other_feature, ") overlap by ",
                      AreaAgainst(overlap_m2, tolerance_m2), " (tolerance ",
                      AreaLimit(tolerance_m2), ").");
}

std::string Ovl002Gap(double gap_m2, double tolerance_m2, const std::vector<std::string>& between,
                      bool hole) {
  const std::string gap = absl::StrCat("A gap of ", AreaAgainst(gap_m2, tolerance_m2));
  const std::string tol = absl::StrCat(" (tolerance ", AreaLimit(tolerance_m2), ").");
  if (between.empty()) {
    return absl::StrCat(gap,
                        " lies inside the area the declared boundaries cover but touches none "
                        "of them",
                        tol);
  }
  if (between.size() == 1) {
    return hole ? absl::StrCat(gap, " is a hole inside the declared boundary of ", between[0], tol)
                : absl::StrCat(gap, " lies along the edge of the declared boundary of ", between[0],
                               ", inside the area the declared boundaries cover", tol);
  }
  return absl::StrCat(gap, " lies between the declared boundaries of ", JoinAnd(between),
                      ", inside the area they cover", tol);
}

std::string Ovl003PoorMatch(std::string_view pcn, std::string_view name, int64_t feature,
                            double iou, double min_iou) {
  return absl::StrCat("The declared boundary of ", Name(pcn, name), " (feature ", feature,
                      ") matches its computed territory poorly: intersection over union ",
                      NumberAgainst(iou, min_iou, 2), ", below ", Decimal(min_iou),
                      iou <= 0 ? "; the two do not overlap at all." : ".");
}

std::string Geo001InvalidReference(std::string_view layer, std::string_view source, int64_t feature,
                                   std::string_view code, std::string_view reason, bool repaired) {
  std::vector<std::string> where;
  where.push_back(source.empty() ? absl::StrCat("feature ", feature)
                                 : absl::StrCat(S(source), " feature ", feature));
  if (!code.empty()) where.push_back(absl::StrCat("code ", S(code)));
  return absl::StrCat("Invalid polygon in the ", S(layer), " layer (", absl::StrJoin(where, ", "),
                      "): ", Reason(reason), "; ",
                      repaired ? "repaired with make-valid." : "refused (repair is off).");
}

std::string Geo001InvalidDeclared(std::string_view pcn, std::string_view source, int64_t feature,
                                  std::string_view reason, bool repaired) {
  return absl::StrCat("Invalid declared boundary", pcn.empty() ? "" : " for ", S(pcn), " (",
                      source.empty() ? "" : absl::StrCat(S(source), " "), "feature ", feature,
                      "): ", Reason(reason), "; ",
                      repaired ? "repaired with make-valid." : "refused (repair is off).");
}

std::string Cmp001NotCompact(std::string_view pcn, std::string_view name, double polsby_popper,
                             double minimum) {
  return absl::StrCat(Name(pcn, name), "'s catchment is not compact: Polsby-Popper score ",
                      NumberAgainst(polsby_popper, minimum, 3), " (below ", Decimal(minimum), ").");
}

std::string Cmp002PracticesFarApart(std::string_view pcn, std::string_view name,
                                    std::string_view practice_a, std::string_view practice_b,
                                    double distance_m, double max_m) {
  return absl::StrCat(Name(pcn, name), "'s member practices ", S(practice_a), " and ",
                      S(practice_b), " are ", DistanceAgainst(distance_m, max_m),
                      " apart (allowed: ", DistanceLimit(max_m), ").");
}

namespace {

// Where a practice the register questions is counted, for MEM005 and MEM006.
std::string CountedIn(std::string_view pcn) {
  return pcn.empty() ? "It is in the practice file but in no PCN."
                     : absl::StrCat("It still counts as a member of ", S(pcn), " here.");
}

}  // namespace

std::string Mem005NotActive(std::string_view practice, std::string_view name, std::string_view pcn,
                            char status, std::string_view date) {
  const std::string who = absl::StrCat("Practice ", Name(practice, name));
  const std::string when = date.empty() ? "" : absl::StrCat(" since ", S(date));
  switch (status) {
    case 'C':
      return absl::StrCat(who, " is closed in the practice register", when, ". ", CountedIn(pcn),
                          " Remove it from the PCN, or correct the register.");
    case 'D':
      return absl::StrCat(who,
                          " is dormant in the practice register (no practitioners linked to it). ",
                          CountedIn(pcn), " Check that it still provides services.");
    case 'P':
      return absl::StrCat(who, " is only proposed in the practice register (not yet open",
                          date.empty() ? "" : absl::StrCat(", opening ", S(date)), "). ",
                          CountedIn(pcn));
    default:
      return absl::StrCat(who,
                          " is not in the practice register, so its status and prescribing "
                          "setting cannot be checked. ",
                          CountedIn(pcn), " Is the register older than the practice file?");
  }
}

std::string PrescribingSettingName(int setting) {
  // ODS's prescribing settings (epraccur_spec.pdf, field 26).
  static constexpr std::pair<int, const char*> kSettings[] = {
      {0, "Other"},
      {1, "WIC Practice"},
      {2, "OOH Practice"},
      {3, "WIC + OOH Practice"},
      {4, "GP Practice"},
      {8, "Public Health Service"},
      {9, "Community Health Service"},
      {10, "Hospital Service"},
      {11, "Optometry Service"},
      {12, "Urgent & Emergency Care"},
      {13, "Hospice"},
      {14, "Care Home / Nursing Home"},
      {15, "Border Force"},
      {16, "Young Offender Institution"},
      {17, "Secure Training Centre"},
      {18, "Secure Children's Home"},
      {19, "Immigration Removal Centre"},
      {20, "Court"},
      {21, "Police Custody"},
      {22, "Sexual Assault Referral Centre (SARC)"},
      {24, "Other - Justice Estate"},
      {25, "Prison"}};
  for (const auto& [code, name] : kSettings) {
    if (code == setting) return name;
  }
  return "an unknown setting";
}

std::string Mem006NotGpPractice(std::string_view practice, std::string_view name,
                                std::string_view pcn, int setting) {
  return absl::StrCat("Practice ", Name(practice, name), " has prescribing setting ", setting, " (",
                      PrescribingSettingName(setting),
                      ") in the practice register, not 4 (GP Practice); a PCN's core partners "
                      "are GP practices. ",
                      CountedIn(pcn));
}

}  // namespace pcnv::msg
