// The attacker that small-number disclosure control must defeat (docs/DOMAIN.md section 4):
// someone holding every published cell and every published total of a table, who subtracts.
// A line (a row or column) whose total is published and which has one unknown cell gives that
// cell away; so do unknown cells that can only all be 1 (each is at least 1 and they sum to
// their own count). Every recovered cell becomes known and the attack goes on until nothing
// changes. Tests build the table from what an output published and check that no cell the
// output suppressed is recovered.
#ifndef PCNV_TESTS_SUPPORT_SUBTRACTION_ATTACK_H_
#define PCNV_TESTS_SUPPORT_SUBTRACTION_ATTACK_H_

#include <cstdint>
#include <set>
#include <vector>

namespace pcnv::testing {

struct AttackCell {
  int64_t truth = 0;       // the real count (the test knows it; the attacker does not)
  bool published = false;  // the output showed it
};

// A line of cells whose sum the output published (the total), so the attacker knows it.
struct AttackLine {
  std::vector<int> cells;  // indices into the cell table
};

// Indices of the unpublished cells the attacker recovers exactly.
inline std::set<int> RecoveredBySubtraction(std::vector<AttackCell> cells,
                                            const std::vector<AttackLine>& lines) {
  std::set<int> recovered;
  for (bool changed = true; changed;) {
    changed = false;
    for (const AttackLine& line : lines) {
      int64_t unknown_sum = 0;  // total minus the known cells
      std::vector<int> unknown;
      for (int c : line.cells) {
        unknown_sum += cells[c].truth;
        if (!cells[c].published) unknown.push_back(c);
      }
      const bool one = unknown.size() == 1;
      const bool all_ones =
          unknown.size() > 1 && unknown_sum == static_cast<int64_t>(unknown.size());
      if (!one && !all_ones) continue;
      for (int c : unknown) {
        cells[c].published = true;
        recovered.insert(c);
      }
      changed = true;
    }
  }
  return recovered;
}

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SUPPORT_SUBTRACTION_ATTACK_H_
