#include "geo/spatial_index.h"

#include <algorithm>

namespace pcnv {
namespace {

void CollectId(void* item, void* userdata) {
  static_cast<std::vector<int>*>(userdata)->push_back(*static_cast<int*>(item));
}

}  // namespace

SpatialIndex::SpatialIndex(const std::vector<const Geometry*>& polygons)
    : polygons_(polygons), ids_(polygons.size()) {
  auto ctx = geos::Context();
  tree_.reset(GEOSSTRtree_create_r(ctx, 10));
  if (!tree_) geos::Fatal("create STRtree");  // only memory can deny it; no status to return
  prepared_.reserve(polygons.size());
  for (size_t i = 0; i < polygons.size(); ++i) {
    ids_[i] = static_cast<int>(i);
    const GEOSGeometry* g = polygons[i]->raw();
    // A polygon GEOS cannot prepare (null) contains no point (Containing skips it).
    prepared_.emplace_back(g ? GEOSPrepare_r(ctx, g) : nullptr);
    if (g) GEOSSTRtree_insert_r(ctx, tree_.get(), g, &ids_[i]);
  }
  // GEOS builds the tree and the prepared geometries' point locators lazily, on first use.
  // Force both now so that concurrent readers never race to build them.
  if (!polygons.empty()) {
    std::vector<int> sink;
    geos::GeomPtr probe = geos::MustMake(GEOSGeom_createPointFromXY_r(ctx, 0, 0), "create point");
    GEOSSTRtree_query_r(ctx, tree_.get(), probe.get(), CollectId, &sink);
    for (size_t i = 0; i < prepared_.size(); ++i) {
      if (!prepared_[i]) continue;
      // Only the locator this builds matters, not the answer; a polygon with no point on its
      // surface (GEOS failed) builds it on first use instead.
      absl::StatusOr<geos::GeomPtr> p =
          geos::Made(GEOSPointOnSurface_r(ctx, polygons[i]->raw()), "point on surface");
      if (p.ok()) GEOSPreparedIntersects_r(ctx, prepared_[i].get(), p->get());
    }
  }
}

int SpatialIndex::Containing(Point p) const {
  auto ctx = geos::Context();
  geos::GeomPtr pt = geos::MustMake(GEOSGeom_createPointFromXY_r(ctx, p.x, p.y), "create point");
  std::vector<int> hits;
  GEOSSTRtree_query_r(ctx, tree_.get(), pt.get(), CollectId, &hits);
  std::sort(hits.begin(), hits.end());
  for (int i : hits) {
    // Intersects, not contains: a point on a shared edge still belongs somewhere (the lowest
    // index wins, deterministically).
    // A polygon GEOS cannot test the point against does not claim it.
    if (prepared_[i] && geos::Test(GEOSPreparedIntersects_r(ctx, prepared_[i].get(), pt.get()),
                                   "prepared intersects")
                            .value_or(false)) {
      return i;
    }
  }
  return -1;
}

std::vector<int> SpatialIndex::Candidates(const Geometry& g) const {
  std::vector<int> hits;
  if (g.is_null()) return hits;
  GEOSSTRtree_query_r(geos::Context(), tree_.get(), g.raw(), CollectId, &hits);
  std::sort(hits.begin(), hits.end());
  return hits;
}

}  // namespace pcnv
