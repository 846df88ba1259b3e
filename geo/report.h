// The one report model every front door writes (JSON now; proto, GeoPackage, HTML, JUnit and
// SARIF writers all start from this). Findings are data: a bad PCN is a finding, not an error.
#ifndef PCNV_GEO_REPORT_H_
#define PCNV_GEO_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "geo/geometry.h"
#include "geo/model.h"

namespace pcnv {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };
std::string_view SeverityName(Severity s);  // INFO, WARNING, ERROR
std::optional<Severity> ParseSeverity(std::string_view name);

// A number or text behind a finding's message. Integers stay integers in JSON.
using Value = std::variant<int64_t, double, std::string>;

// The waiver that turned a finding into WAIVED.
struct AppliedWaiver {
  std::string reason;
  std::string approved_by;
  std::string expires;
};

struct Finding {
  std::string rule;  // stable code, e.g. POP001
  Severity severity = Severity::kInfo;
  std::string pcn;       // empty when the finding is not about one PCN
  std::string practice;  // set when the finding is about one practice
  std::string message;   // plain English, complete on its own
  std::map<std::string, Value> values;
  Geometry geometry;                    // EPSG:27700; null when the finding has no place
  std::optional<AppliedWaiver> waiver;  // set: the finding is WAIVED and never fails a run
};

enum class RuleState { kEvaluated, kNotEvaluated };

struct RuleOutcome {
  std::string rule;
  RuleState state = RuleState::kEvaluated;
  std::string reason;  // for kNotEvaluated: which input is missing
  int findings = 0;
};

struct TerritoryMetrics {
  int areas = 0;       // areas in the catchment the checks ran on
  int parts = 0;       // polygon parts of its union
  int components = 0;  // parts after joining by the adjacency rule and bridges
  double area_km2 = 0;
  int64_t patients_in_territory = 0;  // sum over its areas of n(k,a)
  bool patients_suppressed = false;   // a small number: writers show "<5" (geo/disclosure.h)
};

struct PcnEntry {
  std::string code;
  std::string name;
  int64_t population = 0;
  bool population_suppressed = false;  // a small number: writers show "<5" (geo/disclosure.h)
  std::string population_basis;        // list_sizes | distribution | none
  std::vector<std::string> practices;  // sorted practice codes
  // Metrics of the catchment the checks ran on (the method in provenance).
  TerritoryMetrics territory;
  // Indices into ReferenceData::areas() of the majority territory, ascending (empty without a
  // distribution); for in-process callers such as bench/. Not written to the JSON report.
  std::vector<int> territory_areas;
  // Geometries for drawing and export (EPSG:27700); not written to the JSON report. Null when
  // there is no distribution or the catchment is empty.
  Geometry territory_geometry;        // majority territory: union of the areas it wins
  Geometry share_catchment_geometry;  // areas where its share >= share_threshold
};

// One practice as the report sees it, for the practices layer of exports.
struct PracticeEntry {
  std::string code;
  std::string name;
  std::string pcn;                // the PCN it counts in; empty when none
  std::string status;             // ok | unallocated | multiple_pcns
  std::optional<Point> location;  // EPSG:27700: from the practice file, else its postcode
  std::optional<int64_t> list_size;
  // Small-number disclosure control (geo/disclosure.h): the list size must not be published,
  // being small or able to give a small one in its PCN away by subtraction from the total.
  bool list_size_suppressed = false;
};

struct Summary {
  std::string verdict;  // PASS (no ERROR finding) or FAIL
  int pcns = 0;
  int practices = 0;
  std::map<std::string, int> findings_by_severity;  // INFO/WARNING/ERROR -> count, unwaived
  int waived = 0;                                   // findings turned WAIVED by a waiver
  // Waivers past their expiry date: ignored, and listed so someone renews or removes them.
  std::vector<std::string> expired_waivers;  // "RULE PCN expired YYYY-MM-DD"
  std::vector<RuleOutcome> rules;
};

struct Provenance {
  std::string tool;  // "pcnv 0.1.0"
  std::vector<SourceFile> inputs;
  std::string reference_path;
  std::string reference_sha256;
  struct Layer {
    std::string name, source, sha256, vintage;
    int64_t features = 0;
  };
  std::vector<Layer> reference_layers;
  std::string method;                            // majority | share
  std::map<std::string, Value> ruleset;          // every threshold and severity in force
  std::map<std::string, Value> tolerances;       // geometric tolerances in force
  std::map<std::string, std::string> libraries;  // geos, gdal, proj
};

struct Report {
  Summary summary;
  std::vector<PcnEntry> pcns;            // sorted by code
  std::vector<PracticeEntry> practices;  // sorted by code; not written to the JSON report
  std::vector<Finding> findings;         // sorted by rule, pcn, practice, message
  Provenance provenance;
};

// Exit-code helper shared by the front doors: true when any finding is at or above `fail_at`.
bool HasFindingAtOrAbove(const Report& report, Severity fail_at);

}  // namespace pcnv

#endif  // PCNV_GEO_REPORT_H_
