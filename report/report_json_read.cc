#include "report/report_json_read.h"

#include <climits>
#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "geo/io/json_text.h"
#include "geo/status_macros.h"
#include "nlohmann/json.hpp"

namespace pcnv::report {
namespace {

using Json = nlohmann::json;
using io::JsonObject;
using ValueType = Json::value_t;

// The largest saved report `pcnv diff` reads. A national report (about 1,250 PCNs, every finding
// with its geometry) is tens of megabytes, and nlohmann::json holds several times the text in
// memory: 512 MiB is ten times what a real one needs and still fits a laptop.
constexpr size_t kMaxReportBytes = size_t{512} << 20;

Value ValueFrom(const Json& j) {
  // nlohmann reads non-negative integers as unsigned: one above INT64_MAX stays a double.
  if (j.is_number_unsigned()) {
    const uint64_t u = j.get<uint64_t>();
    if (u <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(u);
    return static_cast<double>(u);
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  // Booleans, arrays, objects: kept as their JSON text. The nesting is bounded (ParseJson) and
  // the text came in as UTF-8, so this neither recurses deeply nor throws.
  return j.dump();
}

absl::StatusOr<std::map<std::string, Value>> ValuesFrom(const JsonObject& parent,
                                                        std::string_view key) {
  std::map<std::string, Value> out;
  PCNV_ASSIGN_OR_RETURN(const Json* j, parent.Member(key, ValueType::object));
  if (j == nullptr) return out;
  for (const auto& [k, v] : j->items()) out[k] = ValueFrom(v);
  return out;
}

// `fn(object)` on each element of the array member `key`, which must be objects.
template <typename Fn>
absl::Status ForEachObject(const JsonObject& parent, std::string_view key, Fn fn) {
  PCNV_ASSIGN_OR_RETURN(const Json* list, parent.Member(key, ValueType::array));
  if (list == nullptr) return absl::OkStatus();
  for (size_t i = 0; i < list->size(); ++i) {
    PCNV_ASSIGN_OR_RETURN(JsonObject o, parent.Element(*list, key, i));
    PCNV_RETURN_IF_ERROR(fn(o));
  }
  return absl::OkStatus();
}

// The strings of the array member `key`.
absl::Status Strings(const JsonObject& parent, std::string_view key,
                     std::vector<std::string>& out) {
  PCNV_ASSIGN_OR_RETURN(const Json* list, parent.Member(key, ValueType::array));
  if (list == nullptr) return absl::OkStatus();
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& v = (*list)[i];
    if (!v.is_string()) {
      return parent.Error(absl::StrCat(parent.PathOf(key), "/", i),
                          absl::StrCat("expected a string, found ", io::JsonTypeName(v)));
    }
    out.push_back(v.get<std::string>());
  }
  return absl::OkStatus();
}

// A count the writer shows as text ("<5") when it was suppressed: then 0 and suppressed.
absl::Status SuppressibleCount(const JsonObject& o, std::string_view key, int64_t& n,
                               bool& suppressed) {
  std::string text;
  suppressed = o.Has(key) && o.String(key, text).ok();
  if (suppressed) {
    n = 0;
    return absl::OkStatus();
  }
  return o.Int(key, 0, INT64_MAX, n);
}

// The reader is strict where a diff depends on a member (rule, severity) and lenient where a
// report from an older pcnv may lack one (values, territory metrics); a member present with the
// wrong type is an error naming it by its JSON pointer either way.
absl::StatusOr<Finding> FindingFrom(const JsonObject& o) {
  Finding f;
  if (!o.Has("rule")) return o.Error(o.PathOf("rule"), "is missing");
  PCNV_RETURN_IF_ERROR(o.String("rule", f.rule));
  std::string severity;
  PCNV_RETURN_IF_ERROR(o.String("severity", severity));
  auto sev = ParseSeverity(severity);
  if (!sev) {
    return o.Error(o.PathOf("severity"),
                   absl::StrCat("'", severity, "' is not one of INFO, WARNING, ERROR"));
  }
  f.severity = *sev;
  PCNV_RETURN_IF_ERROR(o.String("pcn", f.pcn));
  PCNV_RETURN_IF_ERROR(o.String("practice", f.practice));
  PCNV_RETURN_IF_ERROR(o.String("message", f.message));
  PCNV_ASSIGN_OR_RETURN(f.values, ValuesFrom(o, "values"));
  PCNV_ASSIGN_OR_RETURN(std::optional<JsonObject> w, o.Object("waiver"));
  if (w) {
    AppliedWaiver applied;
    PCNV_RETURN_IF_ERROR(w->String("reason", applied.reason));
    PCNV_RETURN_IF_ERROR(w->String("approved_by", applied.approved_by));
    PCNV_RETURN_IF_ERROR(w->String("expires", applied.expires));
    f.waiver = std::move(applied);
  }
  std::string wkt;
  PCNV_RETURN_IF_ERROR(o.String("geometry_wkt", wkt));
  if (!wkt.empty()) {
    auto g = Geometry::FromWkt(wkt);
    if (!g.ok()) return o.Error(o.PathOf("geometry_wkt"), std::string(g.status().message()));
    f.geometry = std::move(*g);
  }
  return f;
}

absl::StatusOr<PcnEntry> PcnFrom(const JsonObject& o) {
  PcnEntry p;
  PCNV_RETURN_IF_ERROR(o.String("code", p.code));
  PCNV_RETURN_IF_ERROR(o.String("name", p.name));
  PCNV_RETURN_IF_ERROR(SuppressibleCount(o, "population", p.population, p.population_suppressed));
  PCNV_RETURN_IF_ERROR(o.String("population_basis", p.population_basis));
  PCNV_RETURN_IF_ERROR(Strings(o, "practices", p.practices));
  PCNV_ASSIGN_OR_RETURN(std::optional<JsonObject> t, o.Object("territory"));
  if (t) {
    PCNV_RETURN_IF_ERROR(t->Int("areas", p.territory.areas));
    PCNV_RETURN_IF_ERROR(t->Int("parts", p.territory.parts));
    PCNV_RETURN_IF_ERROR(t->Double("area_km2", p.territory.area_km2));
    PCNV_RETURN_IF_ERROR(SuppressibleCount(*t, "patients_in_territory",
                                           p.territory.patients_in_territory,
                                           p.territory.patients_suppressed));
  }
  return p;
}

absl::Status ProvenanceFrom(const JsonObject& o, Provenance& p) {
  PCNV_RETURN_IF_ERROR(o.String("tool", p.tool));
  PCNV_RETURN_IF_ERROR(o.String("method", p.method));
  PCNV_RETURN_IF_ERROR(ForEachObject(o, "inputs", [&](const JsonObject& s) -> absl::Status {
    SourceFile f;
    PCNV_RETURN_IF_ERROR(s.String("role", f.role));
    PCNV_RETURN_IF_ERROR(s.String("path", f.path));
    PCNV_RETURN_IF_ERROR(s.String("sha256", f.sha256));
    PCNV_RETURN_IF_ERROR(s.Int("records", 0, INT64_MAX, f.records));
    p.inputs.push_back(std::move(f));
    return absl::OkStatus();
  }));
  PCNV_ASSIGN_OR_RETURN(p.ruleset, ValuesFrom(o, "ruleset"));
  PCNV_ASSIGN_OR_RETURN(p.tolerances, ValuesFrom(o, "tolerances"));
  PCNV_ASSIGN_OR_RETURN(const Json* libraries, o.Member("libraries", ValueType::object));
  if (libraries != nullptr) {
    for (const auto& [k, v] : libraries->items()) {
      if (v.is_string()) p.libraries[k] = v.get<std::string>();
    }
  }
  PCNV_ASSIGN_OR_RETURN(std::optional<JsonObject> ref, o.Object("reference"));
  if (ref) {
    PCNV_RETURN_IF_ERROR(ref->String("path", p.reference_path));
    PCNV_RETURN_IF_ERROR(ref->String("sha256", p.reference_sha256));
  }
  return absl::OkStatus();
}

absl::Status SummaryFrom(const JsonObject& s, Summary& out) {
  PCNV_RETURN_IF_ERROR(s.String("verdict", out.verdict));
  PCNV_RETURN_IF_ERROR(s.Int("pcns", out.pcns));
  PCNV_RETURN_IF_ERROR(s.Int("practices", out.practices));
  PCNV_ASSIGN_OR_RETURN(std::optional<JsonObject> by, s.Object("findings_by_severity"));
  if (by) {
    for (const char* severity : {"INFO", "WARNING", "ERROR"}) {
      if (!by->Has(severity)) continue;
      int n = 0;
      PCNV_RETURN_IF_ERROR(by->Int(severity, n));
      out.findings_by_severity[severity] = n;
    }
  }
  PCNV_RETURN_IF_ERROR(s.Int("waived", out.waived));
  PCNV_RETURN_IF_ERROR(Strings(s, "expired_waivers", out.expired_waivers));
  return ForEachObject(s, "rules", [&](const JsonObject& o) -> absl::Status {
    RuleOutcome rule;
    PCNV_RETURN_IF_ERROR(o.String("rule", rule.rule));
    std::string state;
    PCNV_RETURN_IF_ERROR(o.String("state", state));
    rule.state = state == "NOT_EVALUATED" ? RuleState::kNotEvaluated : RuleState::kEvaluated;
    PCNV_RETURN_IF_ERROR(o.String("reason", rule.reason));
    PCNV_RETURN_IF_ERROR(o.Int("findings", rule.findings));
    out.rules.push_back(std::move(rule));
    return absl::OkStatus();
  });
}

}  // namespace

absl::StatusOr<Report> ReportFromJson(const std::string& text, const std::string& source) {
  PCNV_ASSIGN_OR_RETURN(Json root, io::ParseJson(text, source));
  const JsonObject top(root, "", source);
  for (const char* member : {"summary", "pcns", "findings"}) {
    if (!root.is_object() || !top.Has(member)) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": '", member, "' is missing; is this a pcnv report?"));
    }
  }
  Report r;
  PCNV_ASSIGN_OR_RETURN(std::optional<JsonObject> summary, top.Object("summary"));
  PCNV_RETURN_IF_ERROR(SummaryFrom(*summary, r.summary));
  PCNV_RETURN_IF_ERROR(top.Member("pcns", ValueType::array).status());
  PCNV_RETURN_IF_ERROR(top.Member("findings", ValueType::array).status());
  PCNV_RETURN_IF_ERROR(ForEachObject(top, "pcns", [&](const JsonObject& o) -> absl::Status {
    PCNV_ASSIGN_OR_RETURN(PcnEntry p, PcnFrom(o));
    r.pcns.push_back(std::move(p));
    return absl::OkStatus();
  }));
  PCNV_RETURN_IF_ERROR(ForEachObject(top, "findings", [&](const JsonObject& o) -> absl::Status {
    PCNV_ASSIGN_OR_RETURN(Finding f, FindingFrom(o));
    r.findings.push_back(std::move(f));
    return absl::OkStatus();
  }));
  PCNV_ASSIGN_OR_RETURN(std::optional<JsonObject> provenance, top.Object("provenance"));
  if (provenance) PCNV_RETURN_IF_ERROR(ProvenanceFrom(*provenance, r.provenance));
  return r;
}

absl::StatusOr<Report> ReadReportJson(const std::string& path) {
  absl::StatusOr<std::string> text = io::ReadFile(path, "the report", kMaxReportBytes);
  if (!text.ok()) return text.status();
  return ReportFromJson(*text, path);
}

}  // namespace pcnv::report
