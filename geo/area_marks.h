// Sets of a snapshot's areas for one computation: membership (and a value per member) in O(1),
// over arrays sized to the snapshot that are cleared in O(1) (each Begin starts a new
// generation). Kept in a ScratchPool between calls, so their memory is reused.
#ifndef PCNV_GEO_AREA_MARKS_H_
#define PCNV_GEO_AREA_MARKS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace pcnv {

class AreaMarks {
 public:
  // Forgets the last set; `area_count` is the snapshot's.
  void Begin(size_t area_count) {
    if (stamp_.size() != area_count) {
      stamp_.assign(area_count, 0);
      value_.clear();
      generation_ = 0;
    }
    if (++generation_ == 0) {  // wrapped: forget every old mark
      std::fill(stamp_.begin(), stamp_.end(), 0);
      generation_ = 1;
    }
  }
  void Mark(int area, int value = 0) {
    stamp_[area] = generation_;
    if (value != 0 && value_.size() != stamp_.size()) value_.assign(stamp_.size(), 0);
    if (!value_.empty()) value_[area] = value;
  }
  bool Contains(int area) const { return area >= 0 && stamp_[area] == generation_; }
  // The value the area was marked with (0 if none); only for areas the set contains.
  int ValueOf(int area) const { return value_.empty() ? 0 : value_[area]; }

 private:
  std::vector<uint32_t> stamp_;  // area -> generation when it is in the set
  std::vector<int> value_;       // allocated on the first non-zero value
  uint32_t generation_ = 0;
};

// The areas ascending without repeats: `areas` itself when it already is, else a sorted copy in
// `copy`.
inline std::span<const int> Ascending(std::span<const int> areas, std::vector<int>& copy) {
  if (std::adjacent_find(areas.begin(), areas.end(), std::greater_equal<int>()) == areas.end()) {
    return areas;
  }
  copy.assign(areas.begin(), areas.end());
  std::sort(copy.begin(), copy.end());
  copy.erase(std::unique(copy.begin(), copy.end()), copy.end());
  return copy;
}

}  // namespace pcnv

#endif  // PCNV_GEO_AREA_MARKS_H_
