// CMP001-CMP002: compactness of the catchment and spread of the member practices.
#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/geos_handle.h"
#include "geo/rules/context.h"
#include "geo/rules/messages.h"

namespace pcnv {

namespace {

bool NeedDistribution(const ValidationContext& ctx, RuleRun& run) {
  return NeedTerritories(ctx, run);
}

void CheckCmp001One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  const Geometry& g = ctx.contiguity[k].union_geometry;
  if (g.IsEmpty()) return;
  const double min_pp = ctx.options.ruleset.cmp001_min_polsby_popper;
  // A perimeter GEOS cannot measure gives no score, so no finding.
  const double perimeter = geos::Length(g.raw()).value_or(0);
  if (perimeter <= 0) return;
  // Polsby-Popper: 4 pi A / P^2, 1 for a circle, near 0 for a thin or ragged shape.
  const double pp = 4 * std::numbers::pi * g.Area() / (perimeter * perimeter);
  if (pp >= min_pp) return;
  const PcnInfo& pcn = ctx.pcns[k];
  Finding& f = run.Add(ctx, pcn.code, "", msg::Cmp001NotCompact(pcn.code, pcn.name, pp, min_pp));
  f.values["polsby_popper"] = std::round(pp * 1e4) / 1e4;
  f.values["threshold"] = min_pp;
  f.geometry = g;
}

bool NeedLocations(const ValidationContext& ctx, RuleRun& run) {
  bool any_location = false;
  for (const auto& [code, p] : ctx.practices) any_location |= p.location.has_value();
  if (!any_location) {
    run.NotEvaluated(
        "needs practice locations (easting/northing or lat/lon in the practice file, or practice "
        "postcodes with a postcode directory)");
    return false;
  }
  // Some PCN has two or more practices but none has two located ones: nothing can be measured.
  // (With only single-practice PCNs there is nothing to measure either way, and no finding.)
  bool multi = false, measurable = false;
  for (const PcnInfo& pcn : ctx.pcns) {
    int located = 0;
    for (const std::string& code : pcn.practices) {
      located += ctx.practices.at(code).location ? 1 : 0;
    }
    multi |= pcn.practices.size() >= 2;
    measurable |= located >= 2;
  }
  if (multi && !measurable) {
    run.NotEvaluated("no PCN has two member practices with locations to measure between");
    return false;
  }
  run.Evaluated();
  return true;
}

void CheckCmp002One(const ValidationContext& ctx, size_t k, RuleRun& run) {
  const double max_m = ctx.options.ruleset.cmp002_max_distance_m;
  const PcnInfo& pcn = ctx.pcns[k];
  double worst = 0;
  const PracticeInfo *a = nullptr, *b = nullptr;
  for (size_t i = 0; i < pcn.practices.size(); ++i) {
    const PracticeInfo& p = ctx.practices.at(pcn.practices[i]);
    if (!p.location) continue;
    for (size_t j = i + 1; j < pcn.practices.size(); ++j) {
      const PracticeInfo& q = ctx.practices.at(pcn.practices[j]);
      if (!q.location) continue;
      double d = std::hypot(p.location->x - q.location->x, p.location->y - q.location->y);
      if (d > worst) worst = d, a = &p, b = &q;
    }
  }
  if (worst <= max_m || a == nullptr) return;
  Finding& f =
      run.Add(ctx, pcn.code, "",
              msg::Cmp002PracticesFarApart(pcn.code, pcn.name, a->code, b->code, worst, max_m));
  f.values["distance_m"] = std::round(worst);
  f.values["threshold_m"] = max_m;
  f.values["practices"] = absl::StrCat(a->code, ",", b->code);
  auto line = Geometry::FromWkt(absl::StrFormat("LINESTRING(%.1f %.1f,%.1f %.1f)", a->location->x,
                                                a->location->y, b->location->x, b->location->y));
  if (line.ok()) f.geometry = *std::move(line);
}

}  // namespace

const PcnRule kCmp001{NeedDistribution, CheckCmp001One};
const PcnRule kCmp002{NeedLocations, CheckCmp002One};

}  // namespace pcnv
