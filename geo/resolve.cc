#include "geo/resolve.h"

#include <cctype>

#include "geo/parallel.h"

namespace pcnv {

std::string_view UnresolvedName(Unresolved u) {
  switch (u) {
    case Unresolved::kNone:
      return "resolved";
    case Unresolved::kPlaceholder:
      return "placeholder_area_code";
    case Unresolved::kUnknownArea:
      return "unknown_area_code";
    case Unresolved::kUnknownPostcode:
      return "unknown_postcode";
    case Unresolved::kOutsideAreas:
      return "postcode_outside_areas";
  }
  return "";
}

bool IsPlaceholderAreaCode(std::string_view code) {
  // LSOA / Data Zone codes are a letter, two digits and six digits (E01000001, W01..., S01...).
  if (code.size() != 9 || !std::isalpha(static_cast<unsigned char>(code[0]))) return true;
  for (size_t i = 1; i < code.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(code[i]))) return true;
  }
  return false;
}

std::vector<ResolvedRow> ResolveDistribution(const ReferenceData& ref, const Distribution& d) {
  std::vector<ResolvedRow> out(d.rows.size());
  auto resolve = [&](size_t i) {
    const std::string& place = d.rows[i].place;
    ResolvedRow& r = out[i];
    if (d.level == DistributionLevel::kArea) {
      r.area = ref.FindArea(place);
      if (r.area < 0) {
        r.why = IsPlaceholderAreaCode(place) ? Unresolved::kPlaceholder : Unresolved::kUnknownArea;
      }
      return;
    }
    const PostcodeEntry* pc = ref.FindPostcode(place);
    if (pc == nullptr) {
      r.why = Unresolved::kUnknownPostcode;
      return;
    }
    r.area = pc->area_code.empty() ? -1 : ref.FindArea(pc->area_code);
    if (r.area < 0) r.area = ref.AreaContaining(pc->location);
    if (r.area < 0) r.why = Unresolved::kOutsideAreas;
  };
  // A national distribution is 850,000 lookups: spread over the cores. A portal's call (a few
  // hundred rows) is one chunk and stays on the calling thread.
  ParallelFor(d.rows.size(), 32768, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) resolve(i);
  });
  return out;
}

}  // namespace pcnv
