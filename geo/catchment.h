// Catchments (docs/DOMAIN.md section 4). With n(p,a) the registered patients of practice p living
// in area a, n(k,a) the sum over PCN k's practices and N(a) the sum over all practices in the
// input:
//  - majority territory: a belongs to the PCN with the largest n(k,a); ties go to the smallest
//    PCN code; patients of practices not in a PCN (unlisted or unallocated) count in N(a) as one
//    "outside" group, and an area where that group is largest belongs to no PCN;
//  - share catchment: the areas where n(k,a) / N(a) >= threshold.
// The same two methods are applied to single practices (practice catchments).
#ifndef PCNV_GEO_CATCHMENT_H_
#define PCNV_GEO_CATCHMENT_H_

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "geo/geometry.h"

namespace pcnv {

// Patients per (group, area), where a group is a PCN or a practice. Groups and areas are dense
// indices chosen by the caller; group -1 is the "outside" group (counts only in N(a)).
class ShareTable {
 public:
  ShareTable(std::vector<std::string> group_codes, int area_count);

  void Add(int group, int area, int64_t patients);  // group may be -1
  // Moves patients of one area from group `from` to group `to` (a practice changing PCN; N(a)
  // stays). A group left with none is dropped from the area, so a move and its reverse restore
  // the table exactly.
  void Move(int from, int to, int area, int64_t patients);

  // A group with no patients yet (a PCN a change creates), and a new code for one: the code
  // breaks majority ties.
  int AddGroup(std::string code);
  void RenameGroup(int group, std::string code) { group_codes_[group] = std::move(code); }

  int group_count() const { return static_cast<int>(group_codes_.size()); }
  int area_count() const { return static_cast<int>(slot_.size()); }
  const std::string& group_code(int group) const { return group_codes_[group]; }
  int64_t Total(int area) const { return CellOf(area) ? CellOf(area)->total : 0; }  // N(a)
  int64_t Patients(int group, int area) const;                                      // n(k,a)
  double Share(int group, int area) const;  // n(k,a)/N(a), 0 if N=0
  // Areas where the group has patients, ascending.
  std::vector<int> AreasOf(int group) const;
  // The same for every group in one pass: result[g] = AreasOf(g).
  std::vector<std::vector<int>> AreasByGroup() const;

  // Majority owner of one area, and of each: group index, or -1 (outside group wins, or no
  // patients).
  int MajorityOwner(int area) const { return CellOf(area) ? OwnerOf(*CellOf(area)) : -1; }
  std::vector<int> MajorityOwners() const;
  // The same as territories: result[g] = areas whose majority owner is g, ascending.
  std::vector<std::vector<int>> MajorityTerritories() const;
  // Areas of each group's share catchment (share >= threshold), ascending; and whether one
  // area is in one group's.
  std::vector<std::vector<int>> ShareCatchments(double threshold) const;
  bool InShareCatchment(int group, int area, double threshold) const {
    return CellOf(area) && AtOrAbove(Patients(group, area), CellOf(area)->total, threshold);
  }

 private:
  // One touched area: N(a) and its groups' counts. An area holds few groups (a request's PCNs
  // near it), so a short list beats a hash map, and two fit without an allocation.
  struct Cell {
    int64_t total = 0;
    absl::InlinedVector<std::pair<int, int64_t>, 2> groups;  // group -> n(k,a), first-seen order
  };
  const Cell* CellOf(int area) const { return slot_[area] < 0 ? nullptr : &cells_[slot_[area]]; }
  int OwnerOf(const Cell& cell) const;  // majority owner, or -1
  // n / N >= threshold, with patients (n > 0) there.
  static bool AtOrAbove(int64_t n, int64_t total, double threshold) {
    // n / N >= t  <=>  n >= t * N, but t is a double: compare the double quotient exactly as
    // the definition states.
    return n > 0 && total > 0 && static_cast<double>(n) / static_cast<double>(total) >= threshold;
  }
  // The areas that have patients, ascending (a request touches a few hundred of a snapshot's
  // tens of thousands: every pass walks these, not all areas).
  std::vector<int> TouchedAreas() const;

  std::vector<std::string> group_codes_;
  int64_t outside_total_ = 0;
  std::vector<int> slot_;     // per area: its index in cells_, or -1 while untouched
  std::vector<int> touched_;  // per slot: the area, in the order first touched
  std::vector<Cell> cells_;
};

// Union of the given area polygons. Uses GEOS coverage union (areas form a coverage); falls
// back to a unary union when the inputs are not a clean coverage. Null for no parts, and when
// GEOS cannot union them (a topology error on invalid polygons).
Geometry UnionAreas(const std::vector<const Geometry*>& parts);
// Union of polygons known to overlap (a coverage's areas together with outlines drawn over
// them): GEOS's overlay union straight away, since a coverage union would first polygonize every
// edge only to give an invalid result. Null as UnionAreas is.
Geometry UnionOverlapping(const std::vector<const Geometry*>& parts);

class ReferenceData;  // geo/reference.h

// Union of the snapshot's areas with these indices: joined from their rings
// (CoverageRings::Union) when they allow it, else UnionAreas (null as UnionAreas is).
Geometry UnionOfAreas(const ReferenceData& ref, std::span<const int> areas);

}  // namespace pcnv

#endif  // PCNV_GEO_CATCHMENT_H_
