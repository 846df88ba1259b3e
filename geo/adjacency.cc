#include "geo/adjacency.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "geo/area_marks.h"
#include "geo/disjoint_sets.h"
#include "geo/geos_handle.h"
#include "geo/parallel.h"
#include "geo/reference.h"
#include "geo/rings.h"
#include "geo/scratch_pool.h"

namespace pcnv {
namespace {

// A boundary segment, in its ring's direction. Zero-length segments (repeated points) are left
// out: they add no length and no contact that their neighbours do not.
struct Segment {
  double x0, y0, x1, y1;
  double Length() const { return std::sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)); }
};

struct Envelope {
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  bool Intersects(const Envelope& o) const {
    return xmin <= o.xmax && o.xmin <= xmax && ymin <= o.ymax && o.ymin <= ymax;
  }
  bool Covers(double x, double y) const { return xmin <= x && x <= xmax && ymin <= y && y <= ymax; }
};

Envelope EnvelopeOf(const Segment& s) {
  return {std::min(s.x0, s.x1), std::min(s.y0, s.y1), std::max(s.x0, s.x1), std::max(s.y0, s.y1)};
}

// Every ring of an area as segments, its envelope, and one vertex of each polygon's shell (to
// tell whether one area lies inside another when their boundaries never meet).
struct AreaRings {
  std::vector<Segment> segments;
  std::vector<std::pair<double, double>> shell_points;
  Envelope envelope;
};

AreaRings RingsOf(const Geometry& g) {
  AreaRings out;
  std::vector<double> buffer;
  ForEachRing(geos::Context(), g.raw(), buffer, [&](const double* xy, unsigned size, bool shell) {
    if (shell) out.shell_points.emplace_back(xy[0], xy[1]);
    Envelope& e = out.envelope;
    for (size_t v = 0; v < size; ++v) {
      e.xmin = std::min(e.xmin, xy[2 * v]);
      e.xmax = std::max(e.xmax, xy[2 * v]);
      e.ymin = std::min(e.ymin, xy[2 * v + 1]);
      e.ymax = std::max(e.ymax, xy[2 * v + 1]);
    }
    for (size_t v = 0; v + 1 < size; ++v) {
      Segment s{xy[2 * v], xy[2 * v + 1], xy[2 * v + 2], xy[2 * v + 3]};
      if (s.x0 != s.x1 || s.y0 != s.y1) out.segments.push_back(s);
    }
  });
  return out;
}

enum class Contact {
  kNone,       // disjoint
  kIdentical,  // the same segment (either direction)
  kVertex,     // meet at one point that is an endpoint of both
  kOther,      // anything else: crossing, T-junction, partly overlapping collinear segments
};

Contact Classify(GEOSContextHandle_t ctx, const Segment& s, const Segment& t) {
  const bool s0t0 = s.x0 == t.x0 && s.y0 == t.y0;
  const bool s0t1 = s.x0 == t.x1 && s.y0 == t.y1;
  const bool s1t0 = s.x1 == t.x0 && s.y1 == t.y0;
  const bool s1t1 = s.x1 == t.x1 && s.y1 == t.y1;
  if ((s0t0 && s1t1) || (s0t1 && s1t0)) return Contact::kIdentical;
  const bool shared_vertex = s0t0 || s0t1 || s1t0 || s1t1;
  const int o1 = Orientation(ctx, s.x0, s.y0, s.x1, s.y1, t.x0, t.y0);
  const int o2 = Orientation(ctx, s.x0, s.y0, s.x1, s.y1, t.x1, t.y1);
  if (o1 == 0 && o2 == 0) {
    // Collinear: compare the extents along the segment's main axis.
    const bool by_x = std::fabs(s.x1 - s.x0) >= std::fabs(s.y1 - s.y0);
    const double a0 = by_x ? s.x0 : s.y0, a1 = by_x ? s.x1 : s.y1;
    const double b0 = by_x ? t.x0 : t.y0, b1 = by_x ? t.x1 : t.y1;
    const double lo = std::max(std::min(a0, a1), std::min(b0, b1));
    const double hi = std::min(std::max(a0, a1), std::max(b0, b1));
    if (lo > hi) return Contact::kNone;
    if (lo < hi) return Contact::kOther;
    return shared_vertex ? Contact::kVertex : Contact::kOther;
  }
  if (o1 * o2 > 0) return Contact::kNone;
  const int o3 = Orientation(ctx, t.x0, t.y0, t.x1, t.y1, s.x0, s.y0);
  const int o4 = Orientation(ctx, t.x0, t.y0, t.x1, t.y1, s.x1, s.y1);
  if (o3 * o4 > 0) return Contact::kNone;
  // Not collinear, so they meet at exactly one point: fine when it is a vertex of both.
  return shared_vertex ? Contact::kVertex : Contact::kOther;
}

// Whether (x, y), known not to lie on the area's boundary, is inside it.
bool Inside(GEOSContextHandle_t ctx, const AreaRings& area, double x, double y) {
  if (!area.envelope.Covers(x, y)) return false;
  RayCrossingCounter counter(ctx, {x, y});
  for (const Segment& s : area.segments) counter.Add(s.x0, s.y0, s.x1, s.y1);
  return counter.location() == Location::kInside;
}

struct Found {
  int area;
  double shared_length_m;
  bool edge;
  bool noded = true;
};

// Reused buffers of one thread.
struct Scratch {
  struct Item {
    Envelope box;
    int segment;
    int side;  // 0: the first area, 1: the second
  };
  std::vector<Item> items;
  std::vector<int> active[2];
};

// The exact answer, from GEOS: the length of the intersection of the two boundaries, and an
// edge when that is positive or the interiors overlap.
Found CompareWithGeos(GEOSContextHandle_t ctx, int j, const GEOSGeometry* a,
                      const GEOSGeometry* b) {
  // The boundaries meet irregularly, so the two do touch. A shared length GEOS cannot compute
  // is 0, and then the relate decides; if GEOS cannot say that either, say edge.
  absl::StatusOr<geos::GeomPtr> ba = geos::Made(GEOSBoundary_r(ctx, a), "boundary");
  absl::StatusOr<geos::GeomPtr> bb = geos::Made(GEOSBoundary_r(ctx, b), "boundary");
  absl::StatusOr<geos::GeomPtr> shared =
      ba.ok() && bb.ok() ? geos::Made(GEOSIntersection_r(ctx, ba->get(), bb->get()), "intersection")
                         : geos::Failure("boundary");
  const double length = shared.ok() ? geos::Length(shared->get()).value_or(0) : 0;
  const bool edge =
      length > 0 ||
      geos::Test(GEOSRelatePattern_r(ctx, a, b, "T********"), "relate pattern").value_or(true);
  return {j, length, edge, false};
}

// Areas i and j, whose envelopes meet: a neighbour entry for j, or none when they do not
// intersect. `fallback` is set when GEOS had to decide.
std::optional<Found> Compare(GEOSContextHandle_t ctx, int j, const AreaRings& a, const AreaRings& b,
                             const GEOSGeometry* ga, const GEOSGeometry* gb, Scratch& scratch,
                             bool& fallback) {
  const Envelope window{
      std::max(a.envelope.xmin, b.envelope.xmin), std::max(a.envelope.ymin, b.envelope.ymin),
      std::min(a.envelope.xmax, b.envelope.xmax), std::min(a.envelope.ymax, b.envelope.ymax)};
  // Sweep the segments of both areas near the other one in x, comparing each with the other
  // area's segments whose x-extent it overlaps.
  std::vector<Scratch::Item>& items = scratch.items;
  items.clear();
  const AreaRings* sides[2] = {&a, &b};
  for (int side = 0; side < 2; ++side) {
    const std::vector<Segment>& segs = sides[side]->segments;
    for (size_t k = 0; k < segs.size(); ++k) {
      Envelope box = EnvelopeOf(segs[k]);
      if (box.Intersects(window)) items.push_back({box, static_cast<int>(k), side});
    }
  }
  std::sort(items.begin(), items.end(), [](const Scratch::Item& x, const Scratch::Item& y) {
    if (x.box.xmin != y.box.xmin) return x.box.xmin < y.box.xmin;
    if (x.side != y.side) return x.side < y.side;
    return x.segment < y.segment;
  });
  scratch.active[0].clear();
  scratch.active[1].clear();
  double length = 0;
  bool contact = false;
  for (size_t n = 0; n < items.size(); ++n) {
    const Scratch::Item& item = items[n];
    std::vector<int>& others = scratch.active[1 - item.side];
    for (size_t k = 0; k < others.size();) {
      const Scratch::Item& other = items[others[k]];
      if (other.box.xmax < item.box.xmin) {  // behind the sweep for good
        others[k] = others.back();
        others.pop_back();
        continue;
      }
      ++k;
      if (other.box.ymax < item.box.ymin || item.box.ymax < other.box.ymin) continue;
      const Segment& s = a.segments[item.side == 0 ? item.segment : other.segment];
      const Segment& t = b.segments[item.side == 0 ? other.segment : item.segment];
      switch (Classify(ctx, s, t)) {
        case Contact::kNone:
          break;
        case Contact::kIdentical:
          length += s.Length();
          contact = true;
          break;
        case Contact::kVertex:
          contact = true;
          break;
        case Contact::kOther:
          fallback = true;
          return CompareWithGeos(ctx, j, ga, gb);
      }
    }
    scratch.active[item.side].push_back(static_cast<int>(n));
  }
  if (length > 0) return Found{j, length, true};
  if (contact) {
    // They meet only at vertices: corners touching, unless the interiors overlap there (or GEOS
    // cannot tell: then an edge, so that the pair is never missed).
    return Found{
        j, 0,
        geos::Test(GEOSRelatePattern_r(ctx, ga, gb, "T********"), "relate pattern").value_or(true)};
  }
  // The boundaries never meet: the two overlap only if a polygon of one lies inside the other.
  for (int side = 0; side < 2; ++side) {
    const AreaRings& inner = *sides[side];
    const AreaRings& outer = *sides[1 - side];
    for (const auto& [x, y] : inner.shell_points) {
      if (Inside(ctx, outer, x, y)) return Found{j, 0, true};
    }
  }
  return std::nullopt;
}

void CollectId(void* item, void* userdata) {
  static_cast<std::vector<int>*>(userdata)->push_back(*static_cast<int*>(item));
}

}  // namespace

AreaAdjacency AreaAdjacency::Build(const std::vector<Area>& areas) {
  std::vector<const Geometry*> polygons;
  polygons.reserve(areas.size());
  for (const Area& a : areas) polygons.push_back(&a.geometry);
  return Build(polygons);
}

AreaAdjacency AreaAdjacency::Build(const std::vector<const Geometry*>& areas) {
  const size_t n = areas.size();
  std::vector<AreaRings> rings(n);
  ParallelFor(n, 256, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) rings[i] = RingsOf(*areas[i]);
  });

  auto ctx = geos::Context();
  geos::TreePtr tree(GEOSSTRtree_create_r(ctx, 10));
  if (!tree) geos::Fatal("create STRtree");  // only memory can deny it; no status to return
  std::vector<int> ids(n);
  for (size_t i = 0; i < n; ++i) {
    ids[i] = static_cast<int>(i);
    if (!rings[i].segments.empty()) GEOSSTRtree_insert_r(ctx, tree.get(), areas[i]->raw(), &ids[i]);
  }
  // GEOS builds the tree on the first query: do that here, before the threads share it.
  {
    std::vector<int> sink;
    geos::GeomPtr probe = geos::MustMake(GEOSGeom_createPointFromXY_r(ctx, 0, 0), "create point");
    GEOSSTRtree_query_r(ctx, tree.get(), probe.get(), CollectId, &sink);
  }

  std::vector<std::vector<Found>> found(n);  // [i]: neighbours j > i, ascending
  std::vector<size_t> fallbacks(ThreadCount(), 0);
  std::vector<Scratch> scratch(ThreadCount());
  ParallelFor(n, 64, [&](int thread, size_t begin, size_t end) {
    auto tctx = geos::Context();
    std::vector<int> candidates;
    for (size_t i = begin; i < end; ++i) {
      if (rings[i].segments.empty()) continue;
      candidates.clear();
      GEOSSTRtree_query_r(tctx, tree.get(), areas[i]->raw(), CollectId, &candidates);
      std::sort(candidates.begin(), candidates.end());
      for (int j : candidates) {
        if (j <= static_cast<int>(i)) continue;
        if (!rings[i].envelope.Intersects(rings[j].envelope)) continue;
        bool fallback = false;
        std::optional<Found> f = Compare(tctx, j, rings[i], rings[j], areas[i]->raw(),
                                         areas[j]->raw(), scratch[thread], fallback);
        if (fallback) ++fallbacks[thread];
        if (f) found[i].push_back(*f);
      }
    }
  });

  std::vector<AreaPair> pairs;
  for (size_t i = 0; i < n; ++i) {
    for (const Found& f : found[i]) {
      pairs.push_back({static_cast<int>(i), f.area, f.shared_length_m, f.edge, f.noded});
    }
  }
  AreaAdjacency graph = FromSortedPairs(n, pairs);
  graph.geos_fallbacks_ = std::accumulate(fallbacks.begin(), fallbacks.end(), size_t{0});
  return graph;
}

AreaAdjacency AreaAdjacency::FromSortedPairs(size_t areas, const std::vector<AreaPair>& pairs) {
  AreaAdjacency g;
  g.offsets_.assign(areas + 1, 0);
  for (const AreaPair& p : pairs) {
    ++g.offsets_[p.a + 1];
    ++g.offsets_[p.b + 1];
  }
  for (size_t i = 0; i < areas; ++i) g.offsets_[i + 1] += g.offsets_[i];
  g.neighbours_.resize(2 * pairs.size());
  std::vector<uint32_t> next(g.offsets_.begin(), g.offsets_.end() - 1);
  // Pairs come by a then b, so each area's list fills in ascending order: first the areas
  // before it (as their b), then those after it (as its own pairs' b).
  for (const AreaPair& p : pairs) {
    g.neighbours_[next[p.a]++] = {p.b, p.shared_length_m, p.edge, p.noded};
    g.neighbours_[next[p.b]++] = {p.a, p.shared_length_m, p.edge, p.noded};
  }
  return g;
}

absl::StatusOr<AreaAdjacency> AreaAdjacency::FromPairs(size_t areas,
                                                       const std::vector<AreaPair>& pairs) {
  std::vector<uint32_t> order(pairs.size());
  for (size_t k = 0; k < pairs.size(); ++k) {
    const AreaPair& p = pairs[k];
    order[k] = static_cast<uint32_t>(k);
    if (p.a < 0 || static_cast<size_t>(p.a) >= areas || p.b < 0 ||
        static_cast<size_t>(p.b) >= areas) {
      return absl::InvalidArgumentError(absl::StrCat(
          "pair ", k + 1, ": area index ", p.a < 0 || static_cast<size_t>(p.a) >= areas ? p.a : p.b,
          " out of range (", areas, " areas)"));
    }
    if (p.a >= p.b) {
      return absl::InvalidArgumentError(
          absl::StrCat("pair ", k + 1, ": areas ", p.a, " and ", p.b, " not in ascending order"));
    }
    if (!std::isfinite(p.shared_length_m) || p.shared_length_m < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("pair ", k + 1, ": shared length ", p.shared_length_m, " is not >= 0"));
    }
  }
  auto key = [&](uint32_t k) { return std::make_pair(pairs[k].a, pairs[k].b); };
  if (!std::is_sorted(order.begin(), order.end(),
                      [&](uint32_t x, uint32_t y) { return key(x) < key(y); })) {
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t x, uint32_t y) { return key(x) < key(y); });
  }
  std::vector<AreaPair> sorted;
  sorted.reserve(pairs.size());
  for (size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && key(order[k]) == key(order[k - 1])) {
      return absl::InvalidArgumentError(absl::StrCat("pair ", order[k] + 1, ": areas ",
                                                     pairs[order[k]].a, " and ", pairs[order[k]].b,
                                                     " already paired by pair ", order[k - 1] + 1));
    }
    sorted.push_back(pairs[order[k]]);
  }
  return FromSortedPairs(areas, sorted);
}

size_t AreaAdjacency::point_contacts() const {
  size_t points = 0;
  for (const AreaNeighbour& nb : neighbours_) points += nb.edge ? 0 : 1;
  return points / 2;
}

std::vector<AreaPair> AreaAdjacency::Pairs() const {
  std::vector<AreaPair> out;
  out.reserve(edges());
  for (size_t a = 0; a < areas(); ++a) {
    for (const AreaNeighbour& nb : Of(static_cast<int>(a))) {
      if (nb.area > static_cast<int>(a)) {
        out.push_back({static_cast<int>(a), nb.area, nb.shared_length_m, nb.edge, nb.noded});
      }
    }
  }
  return out;
}

std::vector<std::vector<int>> ConnectedComponents(const AreaAdjacency& graph,
                                                  const std::vector<int>& areas, bool point_joins) {
  std::vector<int> sorted_copy;
  const std::span<const int> s = Ascending(areas, sorted_copy);
  // Each area's position in s (a lookup per neighbour, where a search of s would cost log |s|),
  // in buffers sized to the snapshot and reused (ScratchPool).
  static ScratchPool<AreaMarks> pool;
  ScratchPool<AreaMarks>::Lease in_set(pool);
  in_set->Begin(graph.areas());
  for (size_t p = 0; p < s.size(); ++p) in_set->Mark(s[p], static_cast<int>(p) + 1);
  DisjointSets sets(s.size());  // over positions in s
  for (size_t p = 0; p < s.size(); ++p) {
    for (const AreaNeighbour& nb : graph.Of(s[p])) {
      if (nb.area <= s[p] || (!nb.edge && !point_joins) || !in_set->Contains(nb.area)) continue;
      int x = sets.Find(static_cast<int>(p)), y = sets.Find(in_set->ValueOf(nb.area) - 1);
      sets.Join(std::max(x, y), std::min(x, y));  // the root is the first member
    }
  }
  std::vector<std::vector<int>> components;
  std::vector<int> component_of(s.size(), -1);
  for (size_t p = 0; p < s.size(); ++p) {
    int root = sets.Find(static_cast<int>(p));
    if (component_of[root] < 0) {
      component_of[root] = static_cast<int>(components.size());
      components.emplace_back();
    }
    components[component_of[root]].push_back(s[p]);
  }
  return components;
}

double BoundaryLength(const Geometry& polygon) {
  double length = 0;
  std::vector<double> buffer;
  ForEachRing(geos::Context(), polygon.raw(), buffer, [&](const double* xy, unsigned size, bool) {
    // Segment by segment, as the graph's shared lengths are summed.
    for (size_t v = 0; v + 1 < size; ++v) {
      length += Segment{xy[2 * v], xy[2 * v + 1], xy[2 * v + 2], xy[2 * v + 3]}.Length();
    }
  });
  return length;
}

double UnionPerimeter(const std::vector<Area>& all, const AreaAdjacency& graph,
                      const std::vector<int>& areas) {
  double perimeter = 0, shared = 0;
  for (int a : areas) {
    perimeter += all[a].perimeter_m;
    for (const AreaNeighbour& nb : graph.Of(a)) {
      if (nb.area > a && std::binary_search(areas.begin(), areas.end(), nb.area)) {
        shared += nb.shared_length_m;
      }
    }
  }
  return perimeter - 2 * shared;
}

}  // namespace pcnv
