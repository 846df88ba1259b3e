// GEO001: invalid input polygons, in the reference layers and the declared boundaries.
#include "geo/rules/context.h"
#include "geo/rules/messages.h"

namespace pcnv {

void CheckGeo001(const ValidationContext& ctx, RuleRun& run) {
  run.Evaluated();
  const bool repair = ctx.options.ruleset.repair_geometry;
  // Repaired: WARNING (the ruleset's GEO001 severity); refused: ERROR.
  const Severity sev = repair ? ctx.options.ruleset.SeverityOf("GEO001") : Severity::kError;
  for (const GeometryRepair& r : ctx.ref.repairs()) {
    Finding& f = run.Add(
        sev, "", "",
        msg::Geo001InvalidReference(r.layer, r.source, r.feature, r.code, r.reason, repair));
    f.values["layer"] = r.layer;
    f.values["source"] = r.source;
    f.values["feature"] = static_cast<int64_t>(r.feature);
    f.values["code"] = r.code;
    f.values["reason"] = r.reason;
    f.values["repaired"] = std::string(repair ? "yes" : "no");
  }
  if (!ctx.input.declared) return;
  std::string source;
  for (const SourceFile& s : ctx.input.sources) {
    if (s.role == "declared") source = s.path;
  }
  for (const DeclaredBoundary& d : *ctx.input.declared) {
    if (d.invalid_reason.empty()) continue;
    Finding& f = run.Add(
        sev, d.pcn_code, "",
        msg::Geo001InvalidDeclared(d.pcn_code, source, d.feature, d.invalid_reason, repair));
    f.values["layer"] = std::string("declared");
    f.values["source"] = source;
    f.values["feature"] = static_cast<int64_t>(d.feature);
    f.values["reason"] = d.invalid_reason;
    f.values["repaired"] = std::string(repair ? "yes" : "no");
    f.geometry = d.geometry;
  }
}

}  // namespace pcnv
