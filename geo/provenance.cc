#include "geo/provenance.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pcnv {
namespace {

std::map<std::string, Value> RulesetValues(const ValidationOptions& o) {
  const Ruleset& r = o.ruleset;
  // Severities are recorded for the rules of the first release only: the rule pack's were never
  // in provenance, and adding them now would change every report (and the golden sample).
  auto sev = [&r](std::string_view rule) { return std::string(SeverityName(r.SeverityOf(rule))); };
  return {
      {"name", r.name},
      {"POP001.minimum", r.pop_min},
      {"POP001.severity", sev("POP001")},
      {"POP002.usual_maximum", r.pop_usual_max},
      {"POP002.severity", sev("POP002")},
      {"POP003.tolerance", r.list_size_tolerance},
      {"POP003.severity", sev("POP003")},
      {"MEM001.severity", sev("MEM001")},
      {"MEM002.severity", sev("MEM002")},
      {"MEM003.severity", sev("MEM003")},
      {"MEM004.severity", sev("MEM004")},
      {"DAT001.severity", sev("DAT001")},
      {"CON001.min_share", r.con_detached_min_share},
      {"CON004.buffer_m", r.con004_buffer_m},
      {"NEST001.max_outside", r.nest001_max_outside},
      {"NEST003.max_outside", r.nest003_max_outside},
      {"COM001.max_outside", r.com001_max_outside},
      {"OVL001.tolerance_m2", r.ovl001_tolerance_m2},
      {"OVL002.tolerance_m2", r.ovl002_tolerance_m2},
      {"OVL003.min_iou", r.ovl003_min_iou},
      {"CMP001.min_polsby_popper", r.cmp001_min_polsby_popper},
      {"CMP002.max_distance_m", r.cmp002_max_distance_m},
      {"GEO001.repair", std::string(r.repair_geometry ? "yes" : "no")},
      {"disabled", absl::StrJoin(r.disabled, ",")},
  };
}

std::map<std::string, Value> ToleranceValues(const ValidationOptions& o) {
  const ContiguityOptions& c = o.ruleset.contiguity;
  std::vector<std::string> bridges;
  for (const auto& [a, b] : c.bridges) bridges.push_back(absl::StrCat(a, "-", b));
  return {
      {"share_threshold", o.share_threshold},
      {"adjacency", std::string(AdjacencyName(c.adjacency))},
      {"bridge_distance_m", c.bridge_distance_m},
      {"bridges", absl::StrJoin(bridges, ",")},
      {"con004_buffer_m", o.ruleset.con004_buffer_m},
      {"overlap_tolerance_m2", o.ruleset.ovl001_tolerance_m2},
      {"gap_tolerance_m2", o.ruleset.ovl002_tolerance_m2},
  };
}

}  // namespace

void FillProvenance(const ReferenceData& reference, const ValidationInput& input,
                    const ValidationOptions& options, Provenance& out) {
  out.inputs = input.sources;
  out.reference_path = reference.store_path();
  out.reference_sha256 = reference.store_sha256();
  for (const LayerInfo& l : reference.layers()) {
    out.reference_layers.push_back({l.name, l.source, l.sha256, l.vintage, l.features});
  }
  out.method = std::string(CatchmentMethodName(options.method));
  out.ruleset = RulesetValues(options);
  // Which waivers applied depends on the date they were checked against.
  if (!options.waivers.empty()) out.ruleset["waivers.as_of"] = options.as_of;
  // Counts below this were suppressed in everything published (0: unsuppressed output).
  out.ruleset["disclosure.suppress_below"] =
      options.disclosure.enabled() ? options.disclosure.suppress_below : int64_t{0};
  out.tolerances = ToleranceValues(options);
}

}  // namespace pcnv
