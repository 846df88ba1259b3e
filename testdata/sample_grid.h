// Geometry and arithmetic for the sample-region generator (make_sample.cc): a jittered grid of
// quadrilateral areas, outlines of groups of its cells, postcode points inside cells, and the
// distance-decay spread of a practice's patients over areas.
//
// Everything here works in whole metres with integer arithmetic (or only the IEEE-754 basic
// operations) so that the generated files are byte-identical on every platform and standard
// library: no std::random_device, no <random> distributions, no libm transcendental functions.
#ifndef PCNV_TESTDATA_SAMPLE_GRID_H_
#define PCNV_TESTDATA_SAMPLE_GRID_H_

#include <cstdint>
#include <string>
#include <vector>

namespace pcnv::sample {

// SplitMix64 (Steele, Lea and Flood 2014): tiny, fixed, and the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [lo, hi] (inclusive). The modulo bias is irrelevant at these ranges.
  int64_t Between(int64_t lo, int64_t hi);

 private:
  uint64_t state_;
};

// A point in British National Grid (EPSG:27700), whole metres.
struct Point {
  int64_t x = 0;
  int64_t y = 0;
};

// Rings are closed (first point repeated last). Exterior rings run counter-clockwise and holes
// clockwise, as RFC 7946 asks.
using Ring = std::vector<Point>;
using Polygon = std::vector<Ring>;  // exterior first, then holes

// cols x rows cells; cell (c, r) has its south-west corner at vertex (c, r). Row 0 is the
// southern edge. Every vertex is shared by the cells around it, so the cells form an exact
// coverage whatever the jitter.
class Grid {
 public:
  // Vertices lie on a square lattice of `cell_m` from `origin`, each moved by up to `jitter_m`
  // on each axis. jitter_m < cell_m / 4 keeps every cell strictly convex (checked).
  Grid(int cols, int rows, int64_t cell_m, Point origin, int64_t jitter_m, Rng& rng);

  int cols() const { return cols_; }
  int rows() const { return rows_; }
  int cell_count() const { return cols_ * rows_; }
  int CellAt(int col, int row) const { return row * cols_ + col; }
  int Col(int cell) const { return cell % cols_; }
  int Row(int cell) const { return cell / cols_; }

  Point Vertex(int col, int row) const { return vertices_[row * (cols_ + 1) + col]; }
  // The four corners counter-clockwise from the south-west one.
  std::vector<Point> Corners(int cell) const;
  Ring CellRing(int cell) const;
  Point Centroid(int cell) const;  // vertex average, rounded down

  // The outline of a set of cells (in_set has one entry per cell). Fails (aborts with a
  // message) when two cells of the set touch only at a corner, which has no unique outline.
  // More than one exterior ring gives several polygons; holes are only supported when there
  // is one exterior.
  std::vector<Polygon> Outline(const std::vector<bool>& in_set) const;

 private:
  int cols_;
  int rows_;
  std::vector<Point> vertices_;  // (cols + 1) * (rows + 1), row-major from the south-west
};

// Twice the signed area (positive when counter-clockwise).
int64_t TwiceSignedArea(const Ring& ring);

// A point strictly inside a convex cell: a random convex combination of its corners with every
// weight at least 1/28 of the total, so the point stays well away from the edges.
Point PointInCell(const Grid& grid, int cell, Rng& rng);

// How a practice's patients spread over areas. The kernel is (L^2 / (L^2 + d^2))^2 (a
// Cauchy-like distance decay, similar in shape to exp(-d/L) out to a few L) evaluated in
// integers. Areas of the practice's home territory get full weight; other areas within
// `outside_radius_m` get 1/outside_divisor of it, so neighbouring networks overlap a little as
// real catchments do without moving any area's majority.
struct SpreadParams {
  int64_t length_m = 1500;
  int64_t outside_radius_m = 2000;
  int64_t outside_divisor = 8;
};

struct AreaCount {
  int cell = 0;
  int64_t patients = 0;
};

// Splits `patients` over the cells by weight with largest-remainder rounding (ties to the lower
// cell index), so the counts sum to exactly `patients`. Cells that get 0 are left out; the result
// is ordered by cell.
std::vector<AreaCount> SpreadPatients(const Grid& grid, Point at, const std::vector<bool>& home,
                                      int64_t patients, const SpreadParams& params);

// Aborts the generator with a message: a broken invariant means the sample would be wrong.
[[noreturn]] void Fail(const std::string& message);

}  // namespace pcnv::sample

#endif  // PCNV_TESTDATA_SAMPLE_GRID_H_
