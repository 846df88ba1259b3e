#include "geo/catchment.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "geo/area_marks.h"
#include "geo/geos_handle.h"
#include "geo/reference.h"

namespace pcnv {

ShareTable::ShareTable(std::vector<std::string> group_codes, int area_count)
    : group_codes_(std::move(group_codes)), slot_(area_count, -1) {}

void ShareTable::Add(int group, int area, int64_t patients) {
  int& slot = slot_[area];
  if (slot < 0) {
    slot = static_cast<int>(cells_.size());
    touched_.push_back(area);
    cells_.emplace_back();
  }
  Cell& cell = cells_[slot];
  cell.total += patients;
  if (group < 0) {
    outside_total_ += patients;
    return;
  }
  for (auto& [g, n] : cell.groups) {
    if (g == group) {
      n += patients;
      return;
    }
  }
  cell.groups.emplace_back(group, patients);
}

int ShareTable::AddGroup(std::string code) {
  group_codes_.push_back(std::move(code));
  return group_count() - 1;
}

void ShareTable::Move(int from, int to, int area, int64_t patients) {
  if (from == to || patients == 0) return;
  Add(to, area, patients);
  Cell& cell = cells_[slot_[area]];
  cell.total -= patients;  // Add counted them in N(a) again
  if (from < 0) {
    outside_total_ -= patients;
    return;
  }
  for (auto it = cell.groups.begin(); it != cell.groups.end(); ++it) {
    if (it->first != from) continue;
    it->second -= patients;
    if (it->second == 0) cell.groups.erase(it);
    return;
  }
}

std::vector<int> ShareTable::TouchedAreas() const {
  std::vector<int> areas = touched_;
  std::sort(areas.begin(), areas.end());
  return areas;
}

int64_t ShareTable::Patients(int group, int area) const {
  const Cell* cell = CellOf(area);
  if (cell == nullptr) return 0;
  for (const auto& [g, n] : cell->groups) {
    if (g == group) return n;
  }
  return 0;
}

double ShareTable::Share(int group, int area) const {
  const int64_t total = Total(area);
  return total == 0 ? 0.0 : static_cast<double>(Patients(group, area)) / total;
}

std::vector<int> ShareTable::AreasOf(int group) const {
  std::vector<int> out;
  for (int a : TouchedAreas()) {
    for (const auto& [g, n] : CellOf(a)->groups) {
      if (g == group) out.push_back(a);
    }
  }
  return out;
}

std::vector<std::vector<int>> ShareTable::AreasByGroup() const {
  std::vector<std::vector<int>> out(group_count());
  for (int a : TouchedAreas()) {
    for (const auto& [g, n] : CellOf(a)->groups) out[g].push_back(a);  // a ascends: sorted
  }
  return out;
}

int ShareTable::OwnerOf(const Cell& cell) const {
  int best = -1;
  int64_t best_n = 0;
  int64_t listed = 0;
  for (const auto& [g, n] : cell.groups) {
    listed += n;
    if (n <= 0) continue;
    // Largest count wins; a tie goes to the smallest PCN code (docs/DOMAIN.md section 4).
    if (best < 0 || n > best_n || (n == best_n && group_codes_[g] < group_codes_[best])) {
      best = g;
      best_n = n;
    }
  }
  // Patients of practices outside every listed group form one "outside" group. It takes the
  // area only when strictly larger: on a tie the listed PCN keeps it, since the outside group
  // has no code to compare and is not one organisation.
  const int64_t outside = cell.total - listed;
  return (best >= 0 && best_n >= outside) ? best : -1;
}

std::vector<int> ShareTable::MajorityOwners() const {
  // Areas no listed group touched have no owner: only the outside group, or nobody, is there.
  std::vector<int> owners(area_count(), -1);
  for (size_t slot = 0; slot < cells_.size(); ++slot) {
    owners[touched_[slot]] = OwnerOf(cells_[slot]);
  }
  return owners;
}

std::vector<std::vector<int>> ShareTable::MajorityTerritories() const {
  std::vector<std::vector<int>> out(group_count());
  for (int a : TouchedAreas()) {
    const int owner = OwnerOf(*CellOf(a));
    if (owner >= 0) out[owner].push_back(a);  // a ascends: sorted
  }
  return out;
}

std::vector<std::vector<int>> ShareTable::ShareCatchments(double threshold) const {
  std::vector<std::vector<int>> out(group_count());
  for (int a : TouchedAreas()) {
    const Cell& cell = *CellOf(a);
    for (const auto& [g, n] : cell.groups) {
      if (AtOrAbove(n, cell.total, threshold)) out[g].push_back(a);
    }
  }
  return out;  // areas ascend, so each list is sorted
}

namespace {

// GEOS's overlay union of a collection's members; null when GEOS fails (a topology error on
// invalid input), which UnionAreas and UnionOfAreas document.
Geometry UnionOrNull(const GEOSGeometry* collection) {
  absl::StatusOr<geos::GeomPtr> u =
      geos::Made(GEOSUnaryUnion_r(geos::Context(), collection), "unary union");
  return u.ok() ? Geometry::Adopt(u->release()) : Geometry();
}

}  // namespace

Geometry UnionAreas(const std::vector<const Geometry*>& parts) {
  auto ctx = geos::Context();
  std::vector<geos::GeomPtr> clones;
  clones.reserve(parts.size());
  for (const Geometry* g : parts) {
    if (g && !g->is_null()) clones.push_back(geos::Clone(g->raw()));
  }
  if (clones.empty()) return Geometry();
  // One valid polygon is its own union; GEOS would still node and polygonize all its edges,
  // which on a boundary of a million vertices takes minutes.
  if (clones.size() == 1 &&
      geos::Test(GEOSisValid_r(ctx, clones[0].get()), "is valid").value_or(false)) {
    return Geometry::Adopt(clones[0].release());
  }
  absl::StatusOr<geos::GeomPtr> collection =
      geos::Collect(GEOS_GEOMETRYCOLLECTION, std::move(clones));
  if (!collection.ok()) return Geometry();  // no union to give (catchment.h)
  // Coverage union is linear in the shared edges, but trusts that the inputs form a clean
  // coverage; when they do not (real layers have slivers), its result can be invalid, or GEOS
  // can fail on it, so check and fall back to the overlay-based unary union.
  absl::StatusOr<geos::GeomPtr> u =
      geos::Made(GEOSCoverageUnion_r(ctx, collection->get()), "coverage union");
  if (u.ok() && geos::Test(GEOSisValid_r(ctx, u->get()), "is valid").value_or(false)) {
    return Geometry::Adopt(u->release());
  }
  return UnionOrNull(collection->get());
}

Geometry UnionOverlapping(const std::vector<const Geometry*>& parts) {
  std::vector<geos::GeomPtr> clones;
  clones.reserve(parts.size());
  for (const Geometry* g : parts) {
    if (g && !g->is_null()) clones.push_back(geos::Clone(g->raw()));
  }
  if (clones.empty()) return Geometry();
  absl::StatusOr<geos::GeomPtr> collection =
      geos::Collect(GEOS_GEOMETRYCOLLECTION, std::move(clones));
  if (!collection.ok()) return Geometry();  // no union to give (catchment.h)
  return UnionOrNull(collection->get());
}

Geometry UnionOfAreas(const ReferenceData& ref, std::span<const int> areas) {
  const CoverageRings& rings = ref.coverage_rings();
  if (std::optional<Geometry> joined = rings.Union(areas)) return *std::move(joined);
  // A few of the areas are not noded alike with others of the set (overlaps, slivers): join
  // the rest from rings and let GEOS merge only those few into it, rather than overlay them all.
  const std::vector<int> irregular = rings.UnjoinableIn(areas);
  std::vector<int> copy;
  const std::span<const int> all = Ascending(areas, copy);
  std::vector<int> regular;
  std::set_difference(all.begin(), all.end(), irregular.begin(), irregular.end(),
                      std::back_inserter(regular));
  std::optional<Geometry> joined = rings.Union(regular);
  if (joined && !irregular.empty()) {
    std::vector<geos::GeomPtr> parts;
    if (!joined->is_null()) parts.push_back(geos::Clone(joined->raw()));
    for (int a : irregular) parts.push_back(geos::Clone(ref.areas()[a].geometry.raw()));
    absl::StatusOr<geos::GeomPtr> collection =
        geos::Collect(GEOS_GEOMETRYCOLLECTION, std::move(parts));
    if (!collection.ok()) return Geometry();  // no union to give (catchment.h)
    return UnionOrNull(collection->get());
  }
  // Rings that cannot be joined for another reason (degenerate): GEOS's union of them all.
  std::vector<const Geometry*> polygons;
  for (int a : areas) polygons.push_back(&ref.areas()[a].geometry);
  return UnionAreas(polygons);
}

}  // namespace pcnv
