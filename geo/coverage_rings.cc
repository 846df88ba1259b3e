#include "geo/coverage_rings.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <numbers>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "geo/adjacency.h"
#include "geo/area_marks.h"
#include "geo/geos_handle.h"
#include "geo/reference.h"
#include "geo/rings.h"
#include "geo/scratch_pool.h"

namespace pcnv {
namespace {

bool Same(const Point& p, const Point& q) { return p.x == q.x && p.y == q.y; }

// Coordinates as a hash key: the rings of a noded coverage repeat their shared vertices exactly.
struct PointKey {
  double x, y;
  bool operator==(const PointKey& o) const { return x == o.x && y == o.y; }
  template <typename H>
  friend H AbslHashValue(H h, const PointKey& k) {
    return H::combine(std::move(h), k.x, k.y);
  }
};

struct SegmentKey {
  double x0, y0, x1, y1;
  bool operator==(const SegmentKey& o) const {
    return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1;
  }
  template <typename H>
  friend H AbslHashValue(H h, const SegmentKey& k) {
    return H::combine(std::move(h), k.x0, k.y0, k.x1, k.y1);
  }
};

// Twice the signed area of a closed ring of n vertices (no closing repeat): > 0 counter-clockwise.
double TwiceSignedArea(const Point* v, size_t n) {
  double sum = 0;
  for (size_t i = 0, j = n - 1; i < n; j = i++) sum += (v[j].x - v[i].x) * (v[j].y + v[i].y);
  return sum;
}

struct Box {
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  void Add(Point p) {
    xmin = std::min(xmin, p.x);
    ymin = std::min(ymin, p.y);
    xmax = std::max(xmax, p.x);
    ymax = std::max(ymax, p.y);
  }
  bool Contains(const Box& o) const {
    return xmin <= o.xmin && o.xmax <= xmax && ymin <= o.ymin && o.ymax <= ymax;
  }
};

// A stretch of one area ring whose segments all stay in the union.
struct Run {
  uint32_t ring;
  uint32_t start;     // first vertex, as an offset in the ring
  uint32_t segments;  // >= 1
};

// An output ring: vertices [first, first + size) of Scratch::out.
struct OutRing {
  uint32_t first;
  uint32_t size;
  double twice_area;
  Box box;
};

// Buffers of one call, reused from call to call (ScratchPool).
struct Scratch {
  AreaMarks set;           // the areas of the current call
  std::vector<int> areas;  // the set, ascending, when the caller's was not
  std::vector<uint8_t> kept;
  std::vector<Run> runs;
  std::vector<uint32_t> closed;                       // rings kept whole
  absl::flat_hash_map<PointKey, uint32_t> runs_from;  // start point -> first run starting there
  std::vector<uint32_t> next_from;                    // run -> next run with the same start
  std::vector<uint8_t> used;
  std::vector<Point> walk;  // the traced ring
  std::vector<uint8_t> walk_junction;
  std::vector<uint32_t> stack;                   // positions in walk
  absl::flat_hash_map<PointKey, uint32_t> seen;  // junction point -> its position in stack
  std::vector<Point> out;
  std::vector<OutRing> rings;
  std::vector<double> xy;  // one ring for GEOS, closed
};

ScratchPool<Scratch>& Pool() {
  static ScratchPool<Scratch> pool;
  return pool;
}

// Appends the ring walk[stack...] to s.out as an output ring; false if it encloses no area.
bool EmitRing(Scratch& s, const std::vector<Point>& walk, const uint32_t* positions, size_t n) {
  if (n < 3) return false;
  OutRing r;
  r.first = static_cast<uint32_t>(s.out.size());
  r.size = static_cast<uint32_t>(n);
  for (size_t i = 0; i < n; ++i) {
    s.out.push_back(walk[positions[i]]);
    r.box.Add(walk[positions[i]]);
  }
  r.twice_area = TwiceSignedArea(s.out.data() + r.first, n);
  if (r.twice_area == 0) return false;
  s.rings.push_back(r);
  return true;
}

// Cuts the traced ring s.walk wherever it passes a junction point twice, emitting simple rings.
bool SplitAndEmit(Scratch& s) {
  s.stack.clear();
  s.seen.clear();
  for (uint32_t i = 0; i < s.walk.size(); ++i) {
    if (s.walk_junction[i]) {
      const PointKey key{s.walk[i].x, s.walk[i].y};
      auto [it, inserted] = s.seen.try_emplace(key, static_cast<uint32_t>(s.stack.size()));
      if (!inserted) {
        const uint32_t at = it->second;  // the loop is stack[at..] and closes back at walk[i]
        if (!EmitRing(s, s.walk, s.stack.data() + at, s.stack.size() - at)) return false;
        for (size_t k = at + 1; k < s.stack.size(); ++k) {
          if (s.walk_junction[s.stack[k]]) {
            s.seen.erase(PointKey{s.walk[s.stack[k]].x, s.walk[s.stack[k]].y});
          }
        }
        s.stack.resize(at + 1);
        continue;
      }
    }
    s.stack.push_back(i);
  }
  return EmitRing(s, s.walk, s.stack.data(), s.stack.size());
}

// Clockwise angle from direction `from` to direction `to`, in (0, 2 pi].
double ClockwiseAngle(Point from, Point to) {
  double a = std::atan2(from.y, from.x) - std::atan2(to.y, to.x);
  while (a <= 0) a += 2 * std::numbers::pi;
  while (a > 2 * std::numbers::pi) a -= 2 * std::numbers::pi;
  return a;
}

absl::StatusOr<geos::GeomPtr> MakeRing(GEOSContextHandle_t ctx, Scratch& s, const OutRing& r) {
  s.xy.clear();
  for (uint32_t i = 0; i <= r.size; ++i) {
    const Point& p = s.out[r.first + (i == r.size ? 0 : i)];
    s.xy.push_back(p.x);
    s.xy.push_back(p.y);
  }
  geos::CoordSeqPtr seq(GEOSCoordSeq_copyFromBuffer_r(ctx, s.xy.data(), r.size + 1, 0, 0));
  if (!seq) return geos::Failure("copy of a ring's coordinates");
  // The ring takes the sequence over, whatever it returns (geos_c.h).
  return geos::Made(GEOSGeom_createLinearRing_r(ctx, seq.release()), "create linear ring");
}

}  // namespace

CoverageRings CoverageRings::Build(const std::vector<Area>& areas, const AreaAdjacency& graph) {
  CoverageRings out;
  const size_t n = areas.size();
  out.area_count_ = n;
  out.ring_offsets_.assign(n + 1, 0);
  auto ctx = geos::Context();
  std::vector<double> buffer;
  for (size_t a = 0; a < n; ++a) {
    ForEachRing(
        ctx, areas[a].geometry.raw(), buffer, [&](const double* xy, unsigned size, bool shell) {
          const size_t first = out.vertices_.size();
          for (unsigned v = 0; v + 1 < size; ++v) {  // the closing repeat left out
            const Point p{xy[2 * size_t{v}], xy[2 * size_t{v} + 1]};
            if (out.vertices_.size() > first && Same(out.vertices_.back(), p)) continue;
            out.vertices_.push_back(p);
          }
          while (out.vertices_.size() > first + 1 &&
                 Same(out.vertices_.back(), out.vertices_[first])) {
            out.vertices_.pop_back();
          }
          const size_t count = out.vertices_.size() - first;
          const double twice_area =
              count >= 3 ? TwiceSignedArea(out.vertices_.data() + first, count) : 0;
          if (twice_area == 0) {  // no area: nothing to join
            out.vertices_.resize(first);
            return;
          }
          // The area on the left: shells counter-clockwise, holes clockwise.
          if ((twice_area > 0) != shell) {
            std::reverse(out.vertices_.begin() + first, out.vertices_.end());
          }
          out.rings_.push_back({static_cast<uint32_t>(first), static_cast<uint32_t>(count)});
        });
    out.ring_offsets_[a + 1] = static_cast<uint32_t>(out.rings_.size());
  }
  auto segment = [&](uint32_t ring, uint32_t i) {
    const Ring& r = out.rings_[ring];
    const Point& p = out.vertices_[r.first + i];
    const Point& q = out.vertices_[r.first + (i + 1 == r.size ? 0 : i + 1)];
    return SegmentKey{p.x, p.y, q.x, q.y};
  };

  // Twins, pair by pair of the graph: each area's segments are hashed once, and each neighbour
  // after it looks its own segments up reversed. Same-direction matches are overlaps.
  out.twin_.assign(out.vertices_.size(), -1);
  std::vector<std::vector<int32_t>> unjoinable(n);
  absl::flat_hash_map<SegmentKey, uint32_t> own;  // area a's segments -> vertex
  for (size_t a = 0; a < n; ++a) {
    own.clear();
    for (uint32_t r = out.ring_offsets_[a]; r < out.ring_offsets_[a + 1]; ++r) {
      for (uint32_t i = 0; i < out.rings_[r].size; ++i) {
        own.emplace(segment(r, i), out.rings_[r].first + i);
      }
    }
    for (const AreaNeighbour& nb : graph.Of(static_cast<int>(a))) {
      if (nb.area <= static_cast<int>(a)) continue;
      double matched = 0;
      bool overlap = false;
      for (uint32_t r = out.ring_offsets_[nb.area]; r < out.ring_offsets_[nb.area + 1]; ++r) {
        for (uint32_t i = 0; i < out.rings_[r].size; ++i) {
          const SegmentKey k = segment(r, i);
          if (own.contains(k)) overlap = true;
          auto it = own.find(SegmentKey{k.x1, k.y1, k.x0, k.y0});
          if (it == own.end()) continue;
          out.twin_[it->second] = nb.area;
          out.twin_[out.rings_[r].first + i] = static_cast<int32_t>(a);
          matched += std::hypot(k.x1 - k.x0, k.y1 - k.y0);
        }
      }
      // The graph's shared length sums the same segments' lengths, so they agree to rounding
      // for a noded pair; a difference means segments the other area does not hold alike.
      const double tolerance = 1e-6 + 1e-9 * nb.shared_length_m;
      const bool joinable =
          nb.noded && !overlap &&
          (nb.edge ? matched > 0 && std::fabs(matched - nb.shared_length_m) <= tolerance
                   : matched == 0);
      if (!joinable) {
        unjoinable[a].push_back(nb.area);
        unjoinable[nb.area].push_back(static_cast<int32_t>(a));
      }
    }
  }
  out.unjoinable_offsets_.assign(n + 1, 0);
  for (size_t a = 0; a < n; ++a) {
    std::sort(unjoinable[a].begin(), unjoinable[a].end());
    out.unjoinable_.insert(out.unjoinable_.end(), unjoinable[a].begin(), unjoinable[a].end());
    out.unjoinable_offsets_[a + 1] = static_cast<uint32_t>(out.unjoinable_.size());
  }

  // Inside an edge two areas share, no third area can touch (the two cover both sides), so no
  // union's ring can pass there twice: only the other vertices need watching.
  out.junction_.assign(out.vertices_.size(), 1);
  for (const Ring& r : out.rings_) {
    for (uint32_t i = 0; i < r.size; ++i) {
      const int32_t before = out.twin_[r.first + (i == 0 ? r.size - 1 : i - 1)];
      const int32_t after = out.twin_[r.first + i];
      if (before >= 0 && before == after) out.junction_[r.first + i] = 0;
    }
  }
  return out;
}

namespace {

// Marks the set in s.set; returns it ascending, without repeats.
std::span<const int> Mark(Scratch& s, std::span<const int> areas, size_t area_count) {
  areas = Ascending(areas, s.areas);
  s.set.Begin(area_count);
  for (int a : areas) s.set.Mark(a);
  return areas;
}

}  // namespace

std::vector<int> CoverageRings::UnjoinableIn(std::span<const int> areas) const {
  ScratchPool<Scratch>::Lease lease(Pool());
  Scratch& s = *lease;
  areas = Mark(s, areas, area_count_);
  std::vector<int> out;
  for (int a : areas) {
    for (uint32_t k = unjoinable_offsets_[a]; k < unjoinable_offsets_[a + 1]; ++k) {
      if (s.set.Contains(unjoinable_[k])) {
        out.push_back(a);
        break;
      }
    }
  }
  return out;
}

std::optional<Geometry> CoverageRings::Union(std::span<const int> areas) const {
  if (areas.empty()) return Geometry();
  ScratchPool<Scratch>::Lease lease(Pool());
  Scratch& s = *lease;
  areas = Mark(s, areas, area_count_);
  auto in_set = [&](int32_t a) { return s.set.Contains(a); };
  for (int a : areas) {
    for (uint32_t k = unjoinable_offsets_[a]; k < unjoinable_offsets_[a + 1]; ++k) {
      if (in_set(unjoinable_[k])) return std::nullopt;
    }
  }

  // The kept segments, as whole rings and as runs.
  s.runs.clear();
  s.closed.clear();
  for (int a : areas) {
    for (uint32_t r = ring_offsets_[a]; r < ring_offsets_[a + 1]; ++r) {
      const Ring& ring = rings_[r];
      s.kept.resize(ring.size);
      uint32_t kept_count = 0;
      for (uint32_t i = 0; i < ring.size; ++i) {
        s.kept[i] = !in_set(twin_[ring.first + i]);
        kept_count += s.kept[i];
      }
      if (kept_count == 0) continue;
      if (kept_count == ring.size) {
        s.closed.push_back(r);
        continue;
      }
      // Runs start where a kept segment follows a dropped one.
      for (uint32_t i = 0; i < ring.size; ++i) {
        if (!s.kept[i] || s.kept[i == 0 ? ring.size - 1 : i - 1]) continue;
        uint32_t length = 0;
        while (s.kept[(i + length) % ring.size]) ++length;
        s.runs.push_back({r, i, length});
      }
    }
  }
  auto vertex = [&](uint32_t ring, uint32_t offset) -> const Point& {
    const Ring& r = rings_[ring];
    return vertices_[r.first + offset % r.size];
  };

  s.out.clear();
  s.rings.clear();
  for (uint32_t r : s.closed) {
    s.walk.assign(vertices_.begin() + rings_[r].first,
                  vertices_.begin() + rings_[r].first + rings_[r].size);
    s.stack.resize(s.walk.size());
    for (uint32_t i = 0; i < s.stack.size(); ++i) s.stack[i] = i;
    if (!EmitRing(s, s.walk, s.stack.data(), s.stack.size())) return std::nullopt;
  }

  // Join the runs end to start.
  s.runs_from.clear();
  s.next_from.assign(s.runs.size(), UINT32_MAX);
  for (uint32_t k = static_cast<uint32_t>(s.runs.size()); k-- > 0;) {
    const Point& p = vertex(s.runs[k].ring, s.runs[k].start);
    auto [it, inserted] = s.runs_from.try_emplace(PointKey{p.x, p.y}, k);
    if (!inserted) {
      s.next_from[k] = it->second;
      it->second = k;
    }
  }
  s.used.assign(s.runs.size(), 0);
  for (uint32_t first = 0; first < s.runs.size(); ++first) {
    if (s.used[first]) continue;
    s.walk.clear();
    s.walk_junction.clear();
    for (uint32_t cur = first;;) {
      s.used[cur] = 1;
      const Run& run = s.runs[cur];
      const uint32_t base = rings_[run.ring].first;
      for (uint32_t i = 0; i < run.segments; ++i) {
        const uint32_t v = base + (run.start + i) % rings_[run.ring].size;
        s.walk.push_back(vertices_[v]);
        s.walk_junction.push_back(junction_[v]);
      }
      const Point end = vertex(run.ring, run.start + run.segments);
      const Point back = vertex(run.ring, run.start + run.segments - 1);
      auto from = s.runs_from.find(PointKey{end.x, end.y});
      if (from == s.runs_from.end()) return std::nullopt;  // a boundary that does not close
      // The next run: the one leaving `end` at the sharpest left turn, i.e. the first clockwise
      // from the way back (the interior lies clockwise of it). The first run of this ring may
      // close it.
      uint32_t best = UINT32_MAX;
      double best_angle = 0;
      for (uint32_t k = from->second; k != UINT32_MAX; k = s.next_from[k]) {
        if (s.used[k] && k != first) continue;
        const Point& ahead = vertex(s.runs[k].ring, s.runs[k].start + 1);
        const double angle =
            ClockwiseAngle({back.x - end.x, back.y - end.y}, {ahead.x - end.x, ahead.y - end.y});
        if (best == UINT32_MAX || angle < best_angle) {
          best = k;
          best_angle = angle;
        }
      }
      if (best == UINT32_MAX) return std::nullopt;
      if (best == first) break;
      cur = best;
    }
    if (!SplitAndEmit(s)) return std::nullopt;
  }
  if (s.rings.empty()) return Geometry();

  // Shells and holes; each hole to the smallest shell containing it.
  std::vector<uint32_t> shells;
  for (uint32_t i = 0; i < s.rings.size(); ++i) {
    if (s.rings[i].twice_area > 0) shells.push_back(i);
  }
  if (shells.empty()) return std::nullopt;
  auto ctx = geos::Context();
  std::vector<std::vector<uint32_t>> holes(shells.size());
  for (uint32_t i = 0; i < s.rings.size(); ++i) {
    const OutRing& hole = s.rings[i];
    if (hole.twice_area > 0) continue;
    const Point& p = s.out[hole.first];
    const Point& q = s.out[hole.first + 1];
    const Point mid{(p.x + q.x) / 2, (p.y + q.y) / 2};
    int owner = -1;
    for (size_t k = 0; k < shells.size(); ++k) {
      const OutRing& shell = s.rings[shells[k]];
      if (!shell.box.Contains(hole.box)) continue;
      // mid is on no other ring of the union (it halves a segment no other ring holds).
      if (shells.size() > 1 &&
          LocateInRing(ctx, s.out.data() + shell.first, shell.size, mid) != Location::kInside) {
        continue;
      }
      if (owner < 0 || shell.twice_area < s.rings[shells[owner]].twice_area) {
        owner = static_cast<int>(k);
      }
    }
    if (owner < 0) return std::nullopt;
    holes[owner].push_back(i);
  }

  std::vector<geos::GeomPtr> polygons;
  for (size_t k = 0; k < shells.size(); ++k) {
    std::vector<geos::GeomPtr> inner;
    for (uint32_t h : holes[k]) {
      absl::StatusOr<geos::GeomPtr> ring = MakeRing(ctx, s, s.rings[h]);
      if (!ring.ok()) return std::nullopt;  // GEOS's union is the way to a geometry then
      inner.push_back(*std::move(ring));
    }
    absl::StatusOr<geos::GeomPtr> shell = MakeRing(ctx, s, s.rings[shells[k]]);
    if (!shell.ok()) return std::nullopt;
    absl::StatusOr<geos::GeomPtr> polygon = geos::MakePolygon(*std::move(shell), std::move(inner));
    if (!polygon.ok()) return std::nullopt;
    polygons.push_back(*std::move(polygon));
  }
  if (polygons.size() == 1) return Geometry::Adopt(polygons[0].release());
  absl::StatusOr<geos::GeomPtr> multi = geos::Collect(GEOS_MULTIPOLYGON, std::move(polygons));
  if (!multi.ok()) return std::nullopt;
  return Geometry::Adopt(multi->release());
}

}  // namespace pcnv
