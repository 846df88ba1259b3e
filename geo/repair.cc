#include "geo/repair.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/field_error.h"
#include "geo/geos_handle.h"
#include "geo/parallel.h"
#include "geo/stop_token.h"

namespace pcnv {
namespace {

// Collects copies of every non-empty polygon inside `g`, descending into collections.
void CollectPolygons(GEOSContextHandle_t ctx, const GEOSGeometry* g,
                     std::vector<geos::GeomPtr>& out) {
  int type = GEOSGeomTypeId_r(ctx, g);
  if (type == GEOS_POLYGON) {
    // A polygon GEOS cannot test for emptiness is left out, as an empty one.
    if (!geos::Test(GEOSisEmpty_r(ctx, g), "is empty").value_or(true)) {
      out.push_back(geos::Clone(g));
    }
    return;
  }
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = geos::NumGeometries(g).value_or(0);  // none to collect when GEOS cannot count
    for (int i = 0; i < n; ++i) {
      const GEOSGeometry* part = GEOSGetGeometryN_r(ctx, g, i);
      if (part != nullptr) CollectPolygons(ctx, part, out);
    }
  }
}

}  // namespace

absl::StatusOr<Geometry> MakeValidPolygonal(const Geometry& g) {
  GEOSContextHandle_t ctx = geos::Context();
  geos::MakeValidParamsPtr params(GEOSMakeValidParams_create_r(ctx));
  if (!params) return geos::Failure("make-valid parameters");
  if (absl::Status s = geos::Succeeded(
          GEOSMakeValidParams_setMethod_r(ctx, params.get(), GEOS_MAKE_VALID_STRUCTURE),
          "make-valid method");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = geos::Succeeded(GEOSMakeValidParams_setKeepCollapsed_r(ctx, params.get(), 0),
                                       "make-valid collapsed");
      !s.ok()) {
    return s;
  }
  geos::GeomPtr fixed(GEOSMakeValidWithParams_r(ctx, g.raw(), params.get()));
  if (!fixed) return absl::InternalError(absl::StrCat("make-valid failed: ", geos::LastError()));
  int type = GEOSGeomTypeId_r(ctx, fixed.get());
  // A result GEOS cannot test for emptiness goes through CollectPolygons, as an empty one.
  if ((type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) &&
      !geos::Test(GEOSisEmpty_r(ctx, fixed.get()), "is empty").value_or(true)) {
    return Geometry::Adopt(fixed.release());
  }
  std::vector<geos::GeomPtr> parts;
  CollectPolygons(ctx, fixed.get(), parts);
  if (parts.empty()) return absl::InvalidArgumentError("make-valid left no polygon");
  if (parts.size() == 1) return Geometry::Adopt(parts[0].release());
  absl::StatusOr<geos::GeomPtr> multi = geos::Collect(GEOS_MULTIPOLYGON, std::move(parts));
  if (!multi.ok()) return multi.status();
  return Geometry::Adopt(multi->release());
}

absl::StatusOr<std::optional<std::vector<DeclaredBoundary>>> RepairDeclared(
    const std::vector<DeclaredBoundary>& declared) {
  // GEOS's validity check is the costly part (it nodes every ring), so it runs on every core;
  // repairs are rare (a hostile or careless client) and run after, in order.
  std::vector<std::string> reasons(declared.size());
  const bool done = ParallelFor(declared.size(), 4, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) reasons[i] = declared[i].geometry.InvalidReason();
  });
  if (!done) return absl::CancelledError("interrupted while checking declared boundaries");
  std::optional<std::vector<DeclaredBoundary>> out;
  for (size_t i = 0; i < declared.size(); ++i) {
    const DeclaredBoundary& d = declared[i];
    // Null geometry: nothing for GEOS to fail on (the rules leave empty boundaries out).
    if (reasons[i].empty() || d.geometry.is_null()) continue;
    if (StopRequested()) {
      return absl::CancelledError("interrupted while repairing declared boundaries");
    }
    absl::StatusOr<Geometry> fixed = MakeValidPolygonal(d.geometry);
    if (!fixed.ok()) {
      return FieldError(
          absl::StrCat("declared.boundaries[", i, "].geometry"),
          absl::StrCat("feature ", d.feature, " (", d.pcn_code, "): invalid geometry (", reasons[i],
                       ") cannot be repaired: ", fixed.status().message()));
    }
    if (!out) out = declared;
    DeclaredBoundary& r = (*out)[i];
    if (r.invalid_reason.empty()) r.invalid_reason = reasons[i];
    r.geometry = *std::move(fixed);
  }
  return out;
}

}  // namespace pcnv
