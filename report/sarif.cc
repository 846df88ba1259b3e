#include "report/sarif.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "geo/rules/registry.h"
#include "nlohmann/json.hpp"
#include "report/disclosure.h"
#include "report/finding_source.h"

namespace pcnv::report {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kSchemaUri[] =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

std::string_view Level(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "note";
  }
  return "note";
}

// "Territory not contiguous" -> "TerritoryNotContiguous": SARIF's rule name is an identifier.
std::string RuleName(std::string_view title) {
  std::string out;
  bool upper = true;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return out;
}

// The severity in force for a rule, from the report's ruleset ("POP001.severity").
std::optional<Severity> RulesetSeverity(const Report& r, std::string_view rule) {
  auto it = r.provenance.ruleset.find(absl::StrCat(std::string(rule), ".severity"));
  if (it == r.provenance.ruleset.end()) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(&it->second)) return ParseSeverity(*s);
  return std::nullopt;
}

Json ValuesObject(const std::map<std::string, Value>& values) {
  return Json::parse(ValuesJson(values));
}

// A stable identity for code-scanning dashboards: the same finding on the next run gets the
// same fingerprint, whatever its numbers.
// FNV-1a, 64 bits: a digest that is the same in every run and on every machine (absl::Hash is
// seeded per process).
uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 14695981039346656037ULL;
  for (const unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Unique per distinct finding and stable across runs: the rule, PCN and practice, then what
// tells two findings of one rule about one PCN apart: the footprint layer (NEST002 against the
// ICB and against the sub-ICB layer), their areas and their geometry (two detached fragments,
// two gaps). Geometry as WKT to 0.1 m, so the digest does not depend on floating-point noise
// below what the report draws. Findings alike in all of these are told apart by the caller
// (their order in the report, which is deterministic).
std::string Fingerprint(const Finding& f) {
  std::string key = absl::StrCat(f.rule, "|", f.pcn, "|", f.practice);
  for (const char* name : {"key", "layer", "areas"}) {
    auto it = f.values.find(name);
    if (it == f.values.end()) continue;
    if (const auto* s = std::get_if<std::string>(&it->second)) absl::StrAppend(&key, "|", *s);
  }
  if (!f.geometry.is_null()) {
    absl::StrAppend(&key, "|", absl::Hex(Fnv1a(f.geometry.ToWkt(1)), absl::kZeroPad16));
  }
  return key;
}

}  // namespace

std::string PathToUri(const std::string& path) {
  auto encode = [](std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || std::string_view("-._~/").find(c) != std::string_view::npos) {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  };
  if (!path.empty() && path[0] == '/') return "file://" + encode(path);
  return encode(path);
}

std::string RenderSarif(const ReportView& view) {
  const Report& r = view.report;
  Json rules = Json::array();
  std::map<std::string, int> rule_index;
  for (const RuleInfo& info : RuleCatalogue()) {
    const std::string code(info.code);
    rule_index[code] = static_cast<int>(rules.size());
    Json rule = {{"id", code},
                 {"name", RuleName(info.title)},
                 {"shortDescription", {{"text", std::string(info.title)}}},
                 {"fullDescription", {{"text", std::string(info.description)}}},
                 {"help", {{"text", std::string(info.description)}}}};
    // The severity in force when the report records it, else the registry's default.
    const Severity level = RulesetSeverity(r, code).value_or(info.default_severity);
    rule["defaultConfiguration"] = {{"level", std::string(Level(level))}};
    rules.push_back(std::move(rule));
  }

  Json artifacts = Json::array();
  std::map<std::string, int> artifact_index;  // by path
  for (const SourceFile& s : r.provenance.inputs) {
    if (artifact_index.count(s.path)) continue;
    artifact_index[s.path] = static_cast<int>(artifacts.size());
    Json a = {{"location", {{"uri", PathToUri(s.path)}}},
              {"roles", Json::array({"analysisTarget"})},
              {"properties", {{"role", s.role}, {"records", s.records}}}};
    if (!s.sha256.empty()) a["hashes"] = {{"sha-256", s.sha256}};
    artifacts.push_back(std::move(a));
  }

  Json results = Json::array();
  absl::flat_hash_map<std::string, int> fingerprints_seen;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    const FindingMark& m = view.marks[i];
    Json result = {{"ruleId", f.rule}};
    if (rule_index.count(f.rule)) result["ruleIndex"] = rule_index[f.rule];
    result["level"] = std::string(Level(f.severity));
    result["message"] = {{"text", f.message}};

    Json location = Json::object();
    const FindingSource src = SourceOf(r, f);
    if (!src.path.empty()) {
      Json physical = {{"artifactLocation",
                        {{"uri", PathToUri(src.path)}, {"index", artifact_index[src.path]}}}};
      // Rows are 1-based data rows after the header line, so the file line is row + 1.
      if (src.row > 0) physical["region"] = {{"startLine", src.row + 1}};
      location["physicalLocation"] = std::move(physical);
    }
    Json logical = Json::array();
    if (!f.pcn.empty()) {
      logical.push_back({{"name", f.pcn}, {"fullyQualifiedName", "pcn/" + f.pcn}, {"kind", "pcn"}});
    }
    if (!f.practice.empty()) {
      logical.push_back({{"name", f.practice},
                         {"fullyQualifiedName", "practice/" + f.practice},
                         {"kind", "practice"}});
    }
    if (src.feature > 0) {
      const std::string name = absl::StrCat("feature ", src.feature);
      logical.push_back(
          {{"name", name}, {"fullyQualifiedName", src.role + "/" + name}, {"kind", "feature"}});
    }
    if (!logical.empty()) location["logicalLocations"] = std::move(logical);
    if (!location.empty()) result["locations"] = Json::array({std::move(location)});

    std::string fingerprint = Fingerprint(f);
    if (const int n = ++fingerprints_seen[fingerprint]; n > 1) {
      absl::StrAppend(&fingerprint, "|#", n);
    }
    result["partialFingerprints"] = {{"pcnvFinding/v1", std::move(fingerprint)}};
    if (m.baseline != Baseline::kNone) {
      result["baselineState"] = std::string(BaselineName(m.baseline));
    }
    if (f.waiver) {
      result["suppressions"] =
          Json::array({{{"kind", "external"},
                        {"status", "accepted"},
                        {"justification",
                         absl::StrCat(f.waiver->reason, " (approved by ", f.waiver->approved_by,
                                      ", expires ", f.waiver->expires, ")")}}});
    }
    Json props = {{"severity", std::string(SeverityName(f.severity))},
                  {"failing", m.failing},
                  {"values", ValuesObject(f.values)}};
    if (!f.pcn.empty()) props["pcn"] = f.pcn;
    if (!f.practice.empty()) props["practice"] = f.practice;
    if (!f.geometry.IsEmpty()) props["geometry_wkt"] = f.geometry.ToWkt(1);
    result["properties"] = std::move(props);
    results.push_back(std::move(result));
  }

  std::string version = r.provenance.tool;
  if (auto sp = version.rfind(' '); sp != std::string::npos) version = version.substr(sp + 1);
  Json driver = {{"name", "pcnv"},
                 {"fullName", r.provenance.tool.empty() ? "pcnv" : r.provenance.tool},
                 {"rules", std::move(rules)}};
  if (!version.empty() && version != "pcnv") driver["semanticVersion"] = version;

  Json run = {{"tool", {{"driver", std::move(driver)}}},
              {"invocations", Json::array({{{"executionSuccessful", true}}})},
              {"artifacts", std::move(artifacts)},
              {"results", std::move(results)},
              {"properties",
               {{"verdict", r.summary.verdict},
                {"failPolicy", view.fail_policy},
                {"failing", view.AnyFailing()},
                {"method", r.provenance.method}}}};
  Json root = {{"$schema", kSchemaUri}, {"version", "2.1.0"}, {"runs", Json::array({run})}};
  // As ReportToJson: never throws on text that is not UTF-8.
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

absl::Status WriteSarif(const ReportView& view, const std::string& path) {
  return io::WriteFile(path, RenderSarif(view));
}

}  // namespace pcnv::report
