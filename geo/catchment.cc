#include "geo/catchment.h"

#include <algorithm>
#include <optional>

#include "geo/geos_handle.h"
#include "geo/reference.h"

namespace pcnv {

ShareTable::ShareTable(std::vector<std::string> group_codes, int area_count)
    : group_codes_(std::move(group_codes)), total_(area_count, 0), slot_(area_count, -1) {}

void ShareTable::Add(int group, int area, int64_t patients) {
  total_[area] += patients;
  if (group < 0) {
    outside_total_ += patients;
    return;
  }
  int& slot = slot_[area];
  if (slot < 0) {
    slot = static_cast<int>(cells_.size());
    touched_.push_back(area);
    cells_.emplace_back();
  }
  cells_[slot][group] += patients;
}

std::vector<int> ShareTable::TouchedAreas() const {
  std::vector<int> areas = touched_;
  std::sort(areas.begin(), areas.end());
  return areas;
}

int64_t ShareTable::Patients(int group, int area) const {
  const int slot = slot_[area];
  if (slot < 0) return 0;
  auto it = cells_[slot].find(group);
  return it == cells_[slot].end() ? 0 : it->second;
}

double ShareTable::Share(int group, int area) const {
  return total_[area] == 0 ? 0.0 : static_cast<double>(Patients(group, area)) / total_[area];
}

std::vector<int> ShareTable::AreasOf(int group) const {
  std::vector<int> out;
  for (int a : TouchedAreas()) {
    if (cells_[slot_[a]].contains(group)) out.push_back(a);
  }
  return out;
}

std::vector<std::vector<int>> ShareTable::AreasByGroup() const {
  std::vector<std::vector<int>> out(group_count());
  for (int a : TouchedAreas()) {
    for (const auto& [g, n] : cells_[slot_[a]]) out[g].push_back(a);  // a ascends: sorted
  }
  return out;
}

std::vector<int> ShareTable::MajorityOwners() const {
  // Areas no listed group touched have no owner: only the outside group, or nobody, is there.
  std::vector<int> owners(area_count(), -1);
  for (int a : touched_) {
    int best = -1;
    int64_t best_n = 0;
    int64_t listed = 0;
    for (const auto& [g, n] : cells_[slot_[a]]) {
      listed += n;
      if (n <= 0) continue;
      // Largest count wins; a tie goes to the smallest PCN code (DOMAIN.md 4).
      if (best < 0 || n > best_n || (n == best_n && group_codes_[g] < group_codes_[best])) {
        best = g;
        best_n = n;
      }
    }
    // Patients of practices outside every listed group form one "outside" group. It takes the
    // area only when strictly larger: on a tie the listed PCN keeps it, since the outside group
    // has no code to compare and is not one organisation.
    int64_t outside = total_[a] - listed;
    owners[a] = (best >= 0 && best_n >= outside) ? best : -1;
  }
  return owners;
}

std::vector<std::vector<int>> ShareTable::ShareCatchments(double threshold) const {
  std::vector<std::vector<int>> out(group_count());
  for (int a : TouchedAreas()) {
    if (total_[a] == 0) continue;
    for (const auto& [g, n] : cells_[slot_[a]]) {
      // Compare in integers where possible: n / N >= t  <=>  n >= t * N, but t is a double, so
      // compare the double quotient exactly as the definition states.
      if (n > 0 && static_cast<double>(n) / static_cast<double>(total_[a]) >= threshold) {
        out[g].push_back(a);
      }
    }
  }
  return out;  // areas ascend, so each list is sorted
}

std::vector<std::vector<int>> TerritoriesFromOwners(const std::vector<int>& owners,
                                                    int group_count) {
  std::vector<std::vector<int>> out(group_count);
  for (int a = 0; a < static_cast<int>(owners.size()); ++a) {
    if (owners[a] >= 0) out[owners[a]].push_back(a);
  }
  return out;
}

Geometry UnionAreas(const std::vector<const Geometry*>& parts) {
  auto ctx = geos::Context();
  std::vector<GEOSGeometry*> clones;
  clones.reserve(parts.size());
  for (const Geometry* g : parts) {
    if (g && !g->is_null()) clones.push_back(GEOSGeom_clone_r(ctx, g->raw()));
  }
  if (clones.empty()) return Geometry();
  geos::GeomPtr collection(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, clones.data(),
                                                       static_cast<unsigned>(clones.size())));
  // Coverage union is linear in the shared edges, but trusts that the inputs form a clean
  // coverage; when they do not (real layers have slivers), its result can be invalid, so check
  // and fall back to the overlay-based unary union.
  GEOSGeometry* u = GEOSCoverageUnion_r(ctx, collection.get());
  if (u != nullptr && GEOSisValid_r(ctx, u) == 1) return Geometry::Adopt(u);
  if (u != nullptr) GEOSGeom_destroy_r(ctx, u);
  return Geometry::Adopt(GEOSUnaryUnion_r(ctx, collection.get()));
}

Geometry UnionOfAreas(const ReferenceData& ref, std::span<const int> areas) {
  if (std::optional<Geometry> joined = ref.coverage_rings().Union(areas)) return *std::move(joined);
  std::vector<const Geometry*> polygons;
  polygons.reserve(areas.size());
  for (int a : areas) polygons.push_back(&ref.areas()[a].geometry);
  return UnionAreas(polygons);
}

}  // namespace pcnv
