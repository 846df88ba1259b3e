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

// nlohmann's dump, which never throws: text is checked to be UTF-8 where it is read
// (geo/utf8.h), and `replace` writes anything that is not (a file path in the provenance: Linux
// paths need not be UTF-8) with U+FFFD in place of the bad bytes.
std::string Dump(const Json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A value's text as it reads `depth` levels deep in the document: the bytes the whole tree's
// dump(2) gives for it there. JSON text holds no raw newline inside a string, so each newline
// starts a line to indent.
std::string DumpAt(const Json& j, int depth) {
  const std::string text = Dump(j);
  const std::string pad(2 * static_cast<size_t>(depth), ' ');
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t from = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
    out.append(text, from, nl + 1 - from);
    out += pad;
    from = nl + 1;
  }
  out.append(text, from, std::string::npos);
  return out;
}

// A top-level array of already rendered items, as dump(2) lays it out.
void PutArray(const std::vector<std::string>& items, io::PieceSink put) {
  if (items.empty()) {
    put("[]");
    return;
  }
  put("[\n");
  for (size_t i = 0; i < items.size(); ++i) {
    put(i == 0 ? "    " : ",\n    ");
    put(items[i]);
  }
  put("\n  ]");
}

// The report, piece by piece: each PCN and each finding is rendered on its own, on every core
// (the findings' geometries as WKT are most of a national report's cost), and handed out in
// report order, so no tree of the whole report is built and the file is written as it comes.
void PutReportJson(const Report& report, io::PieceSink put) {
  const std::string suppressed_text = SuppressedText(report);
  const size_t pcn_count = report.pcns.size();
  std::vector<std::string> pcns(pcn_count);
  std::vector<std::string> findings(report.findings.size());
  ParallelFor(pcn_count + findings.size(), 32, [&](int, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (i < pcn_count) {
        pcns[i] = DumpAt(PcnJson(report.pcns[i], suppressed_text), 2);
      } else {
        findings[i - pcn_count] = DumpAt(FindingJson(report.findings[i - pcn_count]), 2);
      }
    }
  });
  put("{\n  \"summary\": ");
  put(DumpAt(SummaryJson(report.summary), 1));
  put(",\n  \"pcns\": ");
  PutArray(pcns, put);
  put(",\n  \"findings\": ");
  PutArray(findings, put);
  put(",\n  \"provenance\": ");
  put(DumpAt(ProvenanceJson(report.provenance), 1));
  put("\n}\n");
}

}  // namespace

std::string ReportToJson(const Report& report) {
  std::string out;
  PutReportJson(report, [&](std::string_view piece) {
    out.append(piece);
    return true;
  });
  return out;
}

absl::Status WriteReportJson(const Report& report, const std::string& path) {
  return io::WriteFileInPieces(path, [&](io::PieceSink put) { PutReportJson(report, put); });
}

}  // namespace pcnv::report
