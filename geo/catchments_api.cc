#include "geo/catchments_api.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/options_check.h"
#include "geo/resolve.h"

namespace pcnv {
namespace {

bool IsRealPcn(const std::string& code) { return !code.empty() && code != kUnallocatedPcn; }

}  // namespace

CatchmentSet::CatchmentSet(const ReferenceData& reference, std::vector<std::string> codes,
                           double threshold)
    : reference_(&reference),
      codes_(codes),
      threshold_(threshold),
      table_(std::move(codes), static_cast<int>(reference.areas().size())) {}

absl::StatusOr<CatchmentSet> CatchmentSet::Build(const ReferenceData& reference,
                                                 const ValidationInput& input,
                                                 double share_threshold,
                                                 const DisclosurePolicy& disclosure) {
  if (!input.distribution) {
    return absl::InvalidArgumentError("catchments need a distribution of patients by area");
  }
  if (absl::Status s = CheckShareThreshold(share_threshold); !s.ok()) return s;
  // PCNs named by any membership row (code order, name from the first row naming it) and each
  // practice's PCN: the first real one its rows name, as Validate decides.
  std::map<std::string, std::string> names;
  absl::flat_hash_map<std::string, std::string> pcn_of_practice;
  for (const Membership& m : input.memberships) {
    if (!IsRealPcn(m.pcn_code)) {
      pcn_of_practice.try_emplace(m.practice_code, "");
      continue;
    }
    auto [it, added] = names.try_emplace(m.pcn_code, m.pcn_name);
    if (!added && it->second.empty()) it->second = m.pcn_name;
    auto p = pcn_of_practice.try_emplace(m.practice_code, m.pcn_code).first;
    if (p->second.empty()) p->second = m.pcn_code;
  }
  std::vector<std::string> codes;
  std::vector<std::string> pcn_names;
  absl::flat_hash_map<std::string, int> group_of_pcn;
  for (const auto& [code, name] : names) {
    group_of_pcn[code] = static_cast<int>(codes.size());
    codes.push_back(code);
    pcn_names.push_back(name);
  }

  CatchmentSet set(reference, std::move(codes), share_threshold);
  set.names_ = std::move(pcn_names);
  const Distribution& d = *input.distribution;
  const std::vector<ResolvedRow> resolved = ResolveDistribution(reference, d);
  for (size_t i = 0; i < d.rows.size(); ++i) {
    if (resolved[i].area < 0) continue;
    int group = -1;  // practices outside every PCN form the "outside" group
    auto p = pcn_of_practice.find(d.rows[i].practice_code);
    if (p != pcn_of_practice.end() && !p->second.empty()) group = group_of_pcn[p->second];
    set.table_.Add(group, resolved[i].area, d.rows[i].patients);
  }
  set.owners_ = set.table_.MajorityOwners();
  set.territories_ = set.table_.MajorityTerritories();
  set.shares_ = set.table_.ShareCatchments(share_threshold);
  set.areas_of_ = set.table_.AreasByGroup();
  set.Suppress(disclosure);
  return set;
}

absl::StatusOr<CatchmentSet> CatchmentSet::Build(std::shared_ptr<const ReferenceData> reference,
                                                 const ValidationInput& input,
                                                 double share_threshold,
                                                 const DisclosurePolicy& disclosure) {
  absl::StatusOr<CatchmentSet> set = Build(*reference, input, share_threshold, disclosure);
  if (set.ok()) set->owned_ = std::move(reference);
  return set;
}

// Primary suppression of the small cells, then secondary over the table's lines until no
// subtraction recovers one: each area's column (its total N(a) is published; the outside group's
// count there is treated as known, the cautious assumption) and each PCN's row (its population is
// published by Validate). A column with nothing left to hide behind loses N(a) instead.
void CatchmentSet::Suppress(const DisclosurePolicy& disclosure) {
  const int groups = static_cast<int>(codes_.size());
  std::vector<std::vector<DisclosureCell>> cells(groups);
  std::vector<std::vector<DisclosureCell*>> columns(table_.area_count());
  for (int k = 0; k < groups; ++k) {
    cells[k].reserve(areas_of_[k].size());
    for (int a : areas_of_[k]) {
      const int64_t n = table_.Patients(k, a);
      cells[k].push_back({n, disclosure.IsSmall(n)});
      columns[a].push_back(&cells[k].back());
    }
  }
  total_suppressed_.assign(table_.area_count(), false);
  for (bool changed = disclosure.enabled(); changed;) {
    changed = false;
    for (int a = 0; a < table_.area_count(); ++a) {
      if (total_suppressed_[a] || columns[a].empty()) continue;
      if (ProtectLine(columns[a])) {
        changed = true;
        continue;
      }
      // ProtectLine found nothing to add: still recoverable if one cell (or only ones) hide.
      int hidden = 0;
      int64_t sum = 0;
      for (const DisclosureCell* c : columns[a]) {
        if (c->suppressed) ++hidden, sum += c->value;
      }
      if (hidden > 0 && (hidden == 1 || sum == hidden)) {
        total_suppressed_[a] = true;
        changed = true;
      }
    }
    for (int k = 0; k < groups; ++k) {
      std::vector<DisclosureCell*> row;
      for (DisclosureCell& c : cells[k]) row.push_back(&c);
      if (ProtectLine(row)) changed = true;
    }
  }
  suppressed_.assign(groups, {});
  for (int k = 0; k < groups; ++k) {
    for (const DisclosureCell& c : cells[k]) suppressed_[k].push_back(c.suppressed);
  }
}

PcnCatchment CatchmentSet::Get(int k) const {
  PcnCatchment out;
  out.code = codes_[k];
  out.name = names_[k];
  out.territory_areas = territories_[k];
  out.share_areas = shares_[k];
  for (int a : areas_of_[k]) {
    AreaShareRow row;
    row.area = a;
    row.patients = table_.Patients(k, a);
    row.total = table_.Total(a);
    row.share = table_.Share(k, a);
    row.in_territory = owners_[a] == k;
    row.in_share_catchment = std::binary_search(shares_[k].begin(), shares_[k].end(), a);
    row.patients_suppressed = suppressed_[k][out.areas.size()];
    row.total_suppressed = total_suppressed_[a];
    row.share_withheld = row.patients_suppressed || row.total_suppressed;
    out.areas.push_back(row);
  }
  out.territory_geometry = UnionOfAreas(*reference_, out.territory_areas);
  out.share_catchment_geometry = UnionOfAreas(*reference_, out.share_areas);
  return out;
}

}  // namespace pcnv
