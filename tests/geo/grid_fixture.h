// Tiny ASCII-grid fixtures for rule tests. Each character is a 1 km square cell (row 0 is the
// top line); a letter is the practice whose 100 patients live there (lowercase: 1 patient),
// '.' is an area with no patients, ' ' is no area. Practice X has code X00001; by default it is
// the only member of PCN U0000X's numeric form (A -> U00001, B -> U00002, ...).
#ifndef PCNV_TESTS_GEO_GRID_FIXTURE_H_
#define PCNV_TESTS_GEO_GRID_FIXTURE_H_

#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/model.h"
#include "geo/reference.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv::testing {

inline std::string PracticeOf(char c) {
  return absl::StrCat(std::string(1, static_cast<char>(std::toupper(c))), "00001");
}
inline std::string PcnOf(char c) { return absl::StrFormat("U%05d", std::toupper(c) - 'A' + 1); }

struct GridFixture {
  std::vector<std::string> rows;
  std::map<char, std::string> pcn_of;  // practice letter -> PCN code (default PcnOf)
  std::vector<FootprintLayer> footprints;
  std::vector<GeometryRepair> repairs;

  // Cell (col, row) -> area code, row 0 at the top.
  std::string AreaCode(int col, int row) const { return absl::StrFormat("E01%03d%03d", row, col); }
  int Height() const { return static_cast<int>(rows.size()); }

  std::shared_ptr<const ReferenceData> Reference() const {
    std::vector<Area> areas;
    for (int r = 0; r < Height(); ++r) {
      for (int c = 0; c < static_cast<int>(rows[r].size()); ++c) {
        if (rows[r][c] == ' ') continue;
        auto g = Geometry::FromWkt(SquareWkt(c, Height() - 1 - r));
        areas.push_back({AreaCode(c, r), "", std::move(*g), 0});
      }
    }
    return std::make_shared<const ReferenceData>(std::move(areas), footprints,
                                                 absl::flat_hash_map<std::string, PostcodeEntry>{},
                                                 std::vector<LayerInfo>{}, "grid", "", repairs);
  }

  ValidationInput Input() const {
    ValidationInput in;
    std::map<char, bool> seen;
    Distribution d;
    int row_no = 0;
    for (int r = 0; r < Height(); ++r) {
      for (int c = 0; c < static_cast<int>(rows[r].size()); ++c) {
        char ch = rows[r][c];
        if (!std::isalpha(static_cast<unsigned char>(ch))) continue;
        char up = static_cast<char>(std::toupper(ch));
        seen[up] = true;
        d.rows.push_back({PracticeOf(up), AreaCode(c, r), std::islower(ch) ? 1 : 100, ++row_no});
      }
    }
    int m = 0;
    for (const auto& [up, unused] : seen) {
      Membership mem;
      mem.practice_code = PracticeOf(up);
      mem.practice_name = std::string("Practice ") + up;
      auto it = pcn_of.find(up);
      mem.pcn_code = it == pcn_of.end() ? PcnOf(up) : it->second;
      mem.pcn_name = "Network " + mem.pcn_code;
      mem.row = ++m;
      in.memberships.push_back(mem);
    }
    in.distribution = d;
    return in;
  }
};

// A footprint layer from rectangles in km: {code, x0, y0, x1, y1}.
struct Rect {
  std::string code;
  int x0, y0, x1, y1;
};
inline FootprintLayer Layer(FootprintKind kind, const std::vector<Rect>& rects) {
  FootprintLayer l{kind, {}};
  for (const Rect& r : rects) {
    auto g = Geometry::FromWkt(absl::StrFormat(
        "POLYGON((%d %d,%d %d,%d %d,%d %d,%d %d))", r.x0 * 1000, r.y0 * 1000, r.x1 * 1000,
        r.y0 * 1000, r.x1 * 1000, r.y1 * 1000, r.x0 * 1000, r.y1 * 1000, r.x0 * 1000, r.y0 * 1000));
    l.footprints.push_back({r.code, r.code + " name", std::move(*g)});
  }
  return l;
}

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_GEO_GRID_FIXTURE_H_
