// Union-find over 0..n-1 (path halving): grouping areas into components, parts into joined
// parts, practices into groups. Small and header-only; not thread-safe (one per computation).
#ifndef PCNV_GEO_DISJOINT_SETS_H_
#define PCNV_GEO_DISJOINT_SETS_H_

#include <cstddef>
#include <numeric>
#include <vector>

namespace pcnv {

class DisjointSets {
 public:
  explicit DisjointSets(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int Find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // Joins the sets of a and b; the root of b's set becomes the root of both.
  void Join(int a, int b) {
    const int ra = Find(a), rb = Find(b);
    if (ra != rb) parent_[ra] = rb;
  }

 private:
  std::vector<int> parent_;
};

}  // namespace pcnv

#endif  // PCNV_GEO_DISJOINT_SETS_H_
