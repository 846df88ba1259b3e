#include "report/report_json.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "geo/parallel.h"
#include "nlohmann/json.hpp"
#include "report/disclosure.h"

namespace pcnv::report {
namespace {

// ordered_json keeps the sections in the order a reader expects (summary first); maps inside
// come from std::map, so their keys are sorted and the output is deterministic.
using Json = nlohmann::ordered_json;

Json ToJson(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::string>(v);
}

Json ToJson(const std::map<std::string, Value>& values) {
  Json out = Json::object();
  for (const auto& [k, v] : values) out[k] = ToJson(v);
  return out;
}

Json SummaryJson(const Summary& s) {
  Json rules = Json::array();
  for (const RuleOutcome& r : s.rules) {
    Json j = {{"rule", r.rule},
              {"state", r.state == RuleState::kEvaluated ? "EVALUATED" : "NOT_EVALUATED"},
              {"findings", r.findings}};
    if (!r.reason.empty()) j["reason"] = r.reason;
    rules.push_back(std::move(j));
  }
  Json by_sev = Json::object();
  for (const auto& [k, n] : s.findings_by_severity) by_sev[k] = n;
  return {{"verdict", s.verdict},
          {"pcns", s.pcns},
          {"practices", s.practices},
          {"findings_by_severity", by_sev},
          {"waived", s.waived},
          {"expired_waivers", s.expired_waivers},
          {"rules", rules}};
}

// A count as published: the number, or the suppressed text ("<5") as a string.
Json Count(int64_t n, bool suppressed, const std::string& suppressed_text) {
  return suppressed ? Json(suppressed_text) : Json(n);
}

Json PcnJson(const PcnEntry& p, const std::string& suppressed_text) {
  return {{"code", p.code},
          {"name", p.name},
          {"population", Count(p.population, p.population_suppressed, suppressed_text)},
          {"population_basis", p.population_basis},
          {"practices", p.practices},
          {"territory",
           {{"areas", p.territory.areas},
            {"parts", p.territory.parts},
            {"components", p.territory.components},
            {"area_km2", p.territory.area_km2},
            {"patients_in_territory", Count(p.territory.patients_in_territory,
                                            p.territory.patients_suppressed, suppressed_text)}}}};
}

Json FindingJson(const Finding& f) {
  Json j = {{"rule", f.rule}, {"severity", std::string(SeverityName(f.severity))}, {"pcn", f.pcn}};
  if (!f.practice.empty()) j["practice"] = f.practice;
  j["message"] = f.message;
  j["values"] = ToJson(f.values);
  if (f.waiver) {
    j["status"] = "WAIVED";
    j["waiver"] = {{"reason", f.waiver->reason},
                   {"approved_by", f.waiver->approved_by},
                   {"expires", f.waiver->expires}};
  }
  if (!f.geometry.is_null()) j["geometry_wkt"] = f.geometry.ToWkt(1);
  return j;
}

Json ProvenanceJson(const Provenance& p) {
  Json inputs = Json::array();
  for (const SourceFile& s : p.inputs) {
    inputs.push_back(
        {{"role", s.role}, {"path", s.path}, {"sha256", s.sha256}, {"records", s.records}});
  }
  Json layers = Json::array();
  for (const auto& l : p.reference_layers) {
    layers.push_back({{"name", l.name},
                      {"source", l.source},
                      {"sha256", l.sha256},
                      {"features", l.features},
                      {"vintage", l.vintage}});
  }
  Json libs = Json::object();
  for (const auto& [k, v] : p.libraries) libs[k] = v;
  return {{"tool", p.tool},
          {"inputs", inputs},
          {"reference",
           {{"path", p.reference_path}, {"sha256", p.reference_sha256}, {"layers", layers}}},
          {"method", p.method},
          {"ruleset", ToJson(p.ruleset)},
          {"tolerances", ToJson(p.tolerances)},
          {"libraries", libs}};
}

}  // namespace

std::string ReportToJson(const Report& report) {
  // Findings on every core: writing their geometries as WKT is most of a national report's cost.
  std::vector<Json> items(report.findings.size());
  ParallelFor(items.size(), 64, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) items[i] = FindingJson(report.findings[i]);
  });
  Json findings = Json::array();
  for (Json& item : items) findings.push_back(std::move(item));
  Json pcns = Json::array();
  const std::string suppressed_text = SuppressedText(report);
  for (const PcnEntry& p : report.pcns) pcns.push_back(PcnJson(p, suppressed_text));
  Json root = {{"summary", SummaryJson(report.summary)},
               {"pcns", pcns},
               {"findings", findings},
               {"provenance", ProvenanceJson(report.provenance)}};
  // Text is checked to be UTF-8 where it is read (geo/utf8.h). `replace` keeps anything that
  // is not (a file path in the provenance: Linux paths need not be UTF-8) from throwing: it
  // is written with U+FFFD in place of the bad bytes.
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

absl::Status WriteReportJson(const Report& report, const std::string& path) {
  return io::WriteFile(path, ReportToJson(report));
}

}  // namespace pcnv::report
