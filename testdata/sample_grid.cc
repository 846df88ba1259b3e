#include "testdata/sample_grid.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace pcnv::sample {

void Fail(const std::string& message) {
  std::fprintf(stderr, "pcnv-make-sample: %s\n", message.c_str());
  std::exit(1);
}

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int64_t Rng::Between(int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
}

Grid::Grid(int cols, int rows, int64_t cell_m, Point origin, int64_t jitter_m, Rng& rng)
    : cols_(cols), rows_(rows) {
  if (4 * jitter_m >= cell_m) Fail("jitter must stay below a quarter of the cell size");
  vertices_.reserve(static_cast<size_t>((cols + 1) * (rows + 1)));
  for (int r = 0; r <= rows; ++r) {
    for (int c = 0; c <= cols; ++c) {
      // Outer vertices are jittered too, so the region's outline is not a rectangle; the
      // outline is traced from the same vertices, so it still nests exactly.
      const int64_t dx = rng.Between(-jitter_m, jitter_m);
      const int64_t dy = rng.Between(-jitter_m, jitter_m);
      vertices_.push_back({origin.x + c * cell_m + dx, origin.y + r * cell_m + dy});
    }
  }
  // Convexity is what makes PointInCell's convex combinations land inside their cell.
  for (int cell = 0; cell < cell_count(); ++cell) {
    const std::vector<Point> p = Corners(cell);
    for (int i = 0; i < 4; ++i) {
      const Point& a = p[i];
      const Point& b = p[(i + 1) % 4];
      const Point& c = p[(i + 2) % 4];
      if ((b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x) <= 0) {
        Fail("cell " + std::to_string(cell) + " is not strictly convex");
      }
    }
  }
}

std::vector<Point> Grid::Corners(int cell) const {
  const int c = Col(cell);
  const int r = Row(cell);
  return {Vertex(c, r), Vertex(c + 1, r), Vertex(c + 1, r + 1), Vertex(c, r + 1)};
}

Ring Grid::CellRing(int cell) const {
  Ring ring = Corners(cell);
  ring.push_back(ring.front());
  return ring;
}

Point Grid::Centroid(int cell) const {
  Point sum;
  for (const Point& p : Corners(cell)) {
    sum.x += p.x;
    sum.y += p.y;
  }
  return {sum.x / 4, sum.y / 4};
}

std::vector<Polygon> Grid::Outline(const std::vector<bool>& in_set) const {
  auto inside = [&](int c, int r) {
    return c >= 0 && r >= 0 && c < cols_ && r < rows_ && in_set[CellAt(c, r)];
  };
  auto vid = [&](int c, int r) { return r * (cols_ + 1) + c; };
  // Boundary edges keep the cells' counter-clockwise direction, so chaining them gives
  // counter-clockwise exteriors and clockwise holes with no further work.
  std::map<int, int> next;  // start vertex -> end vertex
  auto add = [&](int from, int to) {
    if (!next.emplace(from, to).second) {
      Fail("cell set touches itself at a corner; its outline is ambiguous");
    }
  };
  for (int cell = 0; cell < cell_count(); ++cell) {
    if (!in_set[cell]) continue;
    const int c = Col(cell);
    const int r = Row(cell);
    if (!inside(c, r - 1)) add(vid(c, r), vid(c + 1, r));
    if (!inside(c + 1, r)) add(vid(c + 1, r), vid(c + 1, r + 1));
    if (!inside(c, r + 1)) add(vid(c + 1, r + 1), vid(c, r + 1));
    if (!inside(c - 1, r)) add(vid(c, r + 1), vid(c, r));
  }
  std::vector<Ring> exteriors;
  std::vector<Ring> holes;
  while (!next.empty()) {
    const int start = next.begin()->first;
    Ring ring;
    int v = start;
    do {
      ring.push_back(vertices_[v]);
      auto it = next.find(v);
      if (it == next.end()) Fail("open outline (internal error)");
      v = it->second;
      next.erase(it);
    } while (v != start);
    ring.push_back(vertices_[start]);
    (TwiceSignedArea(ring) > 0 ? exteriors : holes).push_back(std::move(ring));
  }
  if (!holes.empty() && exteriors.size() != 1) {
    Fail("outline with holes and several parts is not supported");
  }
  std::vector<Polygon> polygons;
  for (Ring& ring : exteriors) polygons.push_back({std::move(ring)});
  for (Ring& hole : holes) polygons.front().push_back(std::move(hole));
  return polygons;
}

int64_t TwiceSignedArea(const Ring& ring) {
  int64_t sum = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i) {
    sum += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
  }
  return sum;
}

Point PointInCell(const Grid& grid, int cell, Rng& rng) {
  const std::vector<Point> corners = grid.Corners(cell);
  int64_t total = 0;
  Point sum;
  for (const Point& p : corners) {
    const int64_t w = rng.Between(1, 9);
    total += w;
    sum.x += w * p.x;
    sum.y += w * p.y;
  }
  return {sum.x / total, sum.y / total};
}

std::vector<AreaCount> SpreadPatients(const Grid& grid, Point at, const std::vector<bool>& home,
                                      int64_t patients, const SpreadParams& params) {
  const int64_t l2 = params.length_m * params.length_m;
  const int64_t r2 = params.outside_radius_m * params.outside_radius_m;
  std::vector<int64_t> weight(grid.cell_count(), 0);
  __int128 total = 0;
  for (int cell = 0; cell < grid.cell_count(); ++cell) {
    const Point c = grid.Centroid(cell);
    const int64_t d2 = (c.x - at.x) * (c.x - at.x) + (c.y - at.y) * (c.y - at.y);
    if (!home[cell] && d2 > r2) continue;
    const int64_t w1 = l2 * 1'000'000 / (l2 + d2);  // kernel^(1/2), scaled to 1e6
    weight[cell] = home[cell] ? w1 * w1 : w1 * w1 / params.outside_divisor;
    total += weight[cell];
  }
  if (total == 0) Fail("a practice has no area to spread its patients over");
  // Largest remainder: floors first, then one more patient to the largest remainders.
  std::vector<AreaCount> counts;
  std::vector<std::pair<int64_t, int>> remainders;  // (remainder, cell)
  int64_t assigned = 0;
  for (int cell = 0; cell < grid.cell_count(); ++cell) {
    if (weight[cell] == 0) continue;
    const __int128 scaled = static_cast<__int128>(patients) * weight[cell];
    const auto floor = static_cast<int64_t>(scaled / total);
    counts.push_back({cell, floor});
    remainders.push_back({static_cast<int64_t>(scaled % total), cell});
    assigned += floor;
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (int64_t i = 0; i < patients - assigned; ++i) {
    const int cell = remainders[static_cast<size_t>(i)].second;
    for (AreaCount& ac : counts) {
      if (ac.cell == cell) ++ac.patients;
    }
  }
  std::erase_if(counts, [](const AreaCount& ac) { return ac.patients == 0; });
  return counts;
}

}  // namespace pcnv::sample
