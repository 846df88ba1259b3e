// Small hand-checkable fixtures for geo/ tests: square areas on a 1 km grid, described in WKT.
#ifndef PCNV_TESTS_GEO_GEO_FIXTURES_H_
#define PCNV_TESTS_GEO_GEO_FIXTURES_H_

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "geo/geos_handle.h"
#include "geo/reference.h"
#include "geo/report.h"
#include "gtest/gtest.h"

namespace pcnv::testing {

// A 1 km square with its lower-left corner at (x, y) km.
inline std::string SquareWkt(int x, int y) {
  int x0 = x * 1000, y0 = y * 1000, x1 = x0 + 1000, y1 = y0 + 1000;
  return absl::StrCat("POLYGON((", x0, " ", y0, ",", x1, " ", y0, ",", x1, " ", y1, ",", x0, " ",
                      y1, ",", x0, " ", y0, "))");
}

// Areas A0, A1, ... from WKT, with their area and perimeter.
inline std::vector<Area> AreasFromWkt(const std::vector<std::string>& wkts) {
  std::vector<Area> out;
  for (size_t i = 0; i < wkts.size(); ++i) {
    absl::StatusOr<Geometry> g = Geometry::FromWkt(wkts[i]);
    EXPECT_TRUE(g.ok()) << wkts[i] << ": " << g.status();
    Area a;
    a.code = absl::StrCat("A", i);
    a.geometry = *std::move(g);
    a.area_m2 = a.geometry.Area();
    a.perimeter_m = BoundaryLength(a.geometry);
    out.push_back(std::move(a));
  }
  return out;
}

// Interior rings of every polygon of a (multi)polygon.
inline int Holes(const Geometry& g) {
  auto ctx = geos::Context();
  int holes = 0;
  for (int i = 0; i < GEOSGetNumGeometries_r(ctx, g.raw()); ++i) {
    holes += GEOSGetNumInteriorRings_r(ctx, GEOSGetGeometryN_r(ctx, g.raw(), i));
  }
  return holes;
}

struct AreaSpec {
  std::string code;
  int x, y;  // km grid cell
};

inline std::shared_ptr<const ReferenceData> MakeReference(
    const std::vector<AreaSpec>& specs,
    absl::flat_hash_map<std::string, PostcodeEntry> postcodes = {}) {
  std::vector<Area> areas;
  for (const AreaSpec& s : specs) {
    auto g = Geometry::FromWkt(SquareWkt(s.x, s.y));
    EXPECT_TRUE(g.ok()) << g.status();
    areas.push_back({s.code, s.code, std::move(*g), 0});
  }
  return std::make_shared<const ReferenceData>(std::move(areas), std::vector<FootprintLayer>{},
                                               std::move(postcodes), std::vector<LayerInfo>{},
                                               "fixture", "");
}

// The findings of one rule, in report order.
inline std::vector<const Finding*> Of(const Report& r, std::string_view rule) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings) {
    if (f.rule == rule) out.push_back(&f);
  }
  return out;
}

// A rule's outcome (EVALUATED / NOT_EVALUATED); every catalogue rule has one.
inline const RuleOutcome& Outcome(const Report& r, std::string_view rule) {
  auto it = std::find_if(r.summary.rules.begin(), r.summary.rules.end(),
                         [&](const RuleOutcome& o) { return o.rule == rule; });
  EXPECT_NE(it, r.summary.rules.end()) << rule;
  return *it;
}

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_GEO_GEO_FIXTURES_H_
