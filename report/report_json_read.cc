#include "report/report_json_read.h"

#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "nlohmann/json.hpp"

namespace pcnv::report {
namespace {

using Json = nlohmann::json;

Value ValueFrom(const Json& j) {
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  return j.dump();  // booleans, arrays, objects: kept as their JSON text
}

std::map<std::string, Value> ValuesFrom(const Json& j) {
  std::map<std::string, Value> out;
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) out[k] = ValueFrom(v);
  return out;
}

// The reader is strict where a diff depends on a member (rule, severity) and lenient where a
// report from an older pcnv may lack one (values, territory metrics).
absl::StatusOr<Finding> FindingFrom(const Json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("rule") || !j["rule"].is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": 'rule' is missing or not a string"));
  }
  Finding f;
  f.rule = j["rule"].get<std::string>();
  auto sev = ParseSeverity(j.value("severity", std::string()));
  if (!sev) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": 'severity' '",
                                                   j.value("severity", std::string()),
                                                   "' is not one of INFO, WARNING, ERROR"));
  }
  f.severity = *sev;
  f.pcn = j.value("pcn", std::string());
  f.practice = j.value("practice", std::string());
  f.message = j.value("message", std::string());
  if (j.contains("values")) f.values = ValuesFrom(j["values"]);
  if (j.contains("waiver") && j["waiver"].is_object()) {
    const Json& w = j["waiver"];
    f.waiver =
        AppliedWaiver{w.value("reason", std::string()), w.value("approved_by", std::string()),
                      w.value("expires", std::string())};
  }
  if (j.contains("geometry_wkt") && j["geometry_wkt"].is_string()) {
    auto g = Geometry::FromWkt(j["geometry_wkt"].get<std::string>());
    if (!g.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": geometry_wkt: ", std::string(g.status().message())));
    }
    f.geometry = std::move(*g);
  }
  return f;
}

PcnEntry PcnFrom(const Json& j) {
  PcnEntry p;
  p.code = j.value("code", std::string());
  p.name = j.value("name", std::string());
  // A suppressed count arrives as text ("<5"): the number is not known.
  p.population_suppressed = j.contains("population") && j["population"].is_string();
  p.population = p.population_suppressed ? 0 : j.value("population", int64_t{0});
  p.population_basis = j.value("population_basis", std::string());
  if (j.contains("practices") && j["practices"].is_array()) {
    for (const Json& c : j["practices"]) {
      if (c.is_string()) p.practices.push_back(c.get<std::string>());
    }
  }
  if (j.contains("territory") && j["territory"].is_object()) {
    const Json& t = j["territory"];
    p.territory.areas = t.value("areas", 0);
    p.territory.parts = t.value("parts", 0);
    p.territory.area_km2 = t.value("area_km2", 0.0);
    p.territory.patients_suppressed =
        t.contains("patients_in_territory") && t["patients_in_territory"].is_string();
    p.territory.patients_in_territory =
        p.territory.patients_suppressed ? 0 : t.value("patients_in_territory", int64_t{0});
  }
  return p;
}

void ProvenanceFrom(const Json& j, Provenance& p) {
  if (!j.is_object()) return;
  p.tool = j.value("tool", std::string());
  p.method = j.value("method", std::string());
  if (j.contains("inputs") && j["inputs"].is_array()) {
    for (const Json& s : j["inputs"]) {
      p.inputs.push_back({s.value("role", std::string()), s.value("path", std::string()),
                          s.value("sha256", std::string()), s.value("records", int64_t{0})});
    }
  }
  if (j.contains("ruleset")) p.ruleset = ValuesFrom(j["ruleset"]);
  if (j.contains("tolerances")) p.tolerances = ValuesFrom(j["tolerances"]);
  if (j.contains("libraries") && j["libraries"].is_object()) {
    for (const auto& [k, v] : j["libraries"].items()) {
      if (v.is_string()) p.libraries[k] = v.get<std::string>();
    }
  }
  if (j.contains("reference") && j["reference"].is_object()) {
    p.reference_path = j["reference"].value("path", std::string());
    p.reference_sha256 = j["reference"].value("sha256", std::string());
  }
}

}  // namespace

absl::StatusOr<Report> ReportFromJson(const std::string& text, const std::string& source) {
  Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not valid JSON"));
  }
  for (const char* member : {"summary", "pcns", "findings"}) {
    if (!root.is_object() || !root.contains(member)) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": '", member, "' is missing; is this a pcnv report?"));
    }
  }
  if (!root["pcns"].is_array() || !root["findings"].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": 'pcns' and 'findings' must be arrays"));
  }
  Report r;
  const Json& s = root["summary"];
  r.summary.verdict = s.value("verdict", std::string());
  r.summary.pcns = s.value("pcns", 0);
  r.summary.practices = s.value("practices", 0);
  if (s.contains("findings_by_severity") && s["findings_by_severity"].is_object()) {
    for (const auto& [k, v] : s["findings_by_severity"].items()) {
      if (v.is_number_integer()) r.summary.findings_by_severity[k] = v.get<int>();
    }
  }
  r.summary.waived = s.value("waived", 0);
  if (s.contains("expired_waivers") && s["expired_waivers"].is_array()) {
    for (const Json& w : s["expired_waivers"]) {
      if (w.is_string()) r.summary.expired_waivers.push_back(w.get<std::string>());
    }
  }
  if (s.contains("rules") && s["rules"].is_array()) {
    for (const Json& o : s["rules"]) {
      RuleOutcome out;
      out.rule = o.value("rule", std::string());
      out.state = o.value("state", std::string()) == "NOT_EVALUATED" ? RuleState::kNotEvaluated
                                                                     : RuleState::kEvaluated;
      out.reason = o.value("reason", std::string());
      out.findings = o.value("findings", 0);
      r.summary.rules.push_back(std::move(out));
    }
  }
  for (const Json& p : root["pcns"]) r.pcns.push_back(PcnFrom(p));
  const Json& findings = root["findings"];
  for (size_t i = 0; i < findings.size(); ++i) {
    auto f = FindingFrom(findings[i], absl::StrCat(source, ": findings[", i, "]"));
    if (!f.ok()) return f.status();
    r.findings.push_back(std::move(*f));
  }
  if (root.contains("provenance")) ProvenanceFrom(root["provenance"], r.provenance);
  return r;
}

absl::StatusOr<Report> ReadReportJson(const std::string& path) {
  absl::StatusOr<std::string> text = io::ReadFile(path, "the report");
  if (!text.ok()) return text.status();
  return ReportFromJson(*text, path);
}

}  // namespace pcnv::report
