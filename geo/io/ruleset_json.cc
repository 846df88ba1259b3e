#include "geo/io/ruleset_json.h"

#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "geo/rules/registry.h"
#include "nlohmann/json.hpp"

namespace pcnv::io {
namespace {

using nlohmann::json;

absl::Status Bad(const std::string& source, const std::string& where, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", where, ": ", what));
}

absl::StatusOr<json> Parse(const std::string& text, const std::string& source) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(source, ": not valid JSON"));
  return j;
}

// A rule's numeric parameters: key -> where it goes.
using Setter = std::function<void(Ruleset&, double)>;
const std::map<std::string, std::map<std::string, Setter>>& Parameters() {
  static const auto* params = new std::map<std::string, std::map<std::string, Setter>>{
      {"POP001", {{"minimum", [](Ruleset& r, double v) { r.pop_min = static_cast<int64_t>(v); }}}},
      {"POP002",
       {{"usual_maximum",
         [](Ruleset& r, double v) { r.pop_usual_max = static_cast<int64_t>(v); }}}},
      {"POP003", {{"tolerance", [](Ruleset& r, double v) { r.list_size_tolerance = v; }}}},
      {"CON001", {{"min_share", [](Ruleset& r, double v) { r.con_detached_min_share = v; }}}},
      {"CON004", {{"buffer_m", [](Ruleset& r, double v) { r.con004_buffer_m = v; }}}},
      {"NEST001", {{"max_outside", [](Ruleset& r, double v) { r.nest001_max_outside = v; }}}},
      {"NEST003", {{"max_outside", [](Ruleset& r, double v) { r.nest003_max_outside = v; }}}},
      {"COM001", {{"max_outside", [](Ruleset& r, double v) { r.com001_max_outside = v; }}}},
      {"OVL001", {{"tolerance_m2", [](Ruleset& r, double v) { r.ovl001_tolerance_m2 = v; }}}},
      {"OVL002", {{"tolerance_m2", [](Ruleset& r, double v) { r.ovl002_tolerance_m2 = v; }}}},
      {"OVL003", {{"min_iou", [](Ruleset& r, double v) { r.ovl003_min_iou = v; }}}},
      {"CMP001",
       {{"min_polsby_popper", [](Ruleset& r, double v) { r.cmp001_min_polsby_popper = v; }}}},
      {"CMP002", {{"max_distance_m", [](Ruleset& r, double v) { r.cmp002_max_distance_m = v; }}}},
  };
  return *params;
}

absl::Status ReadRule(const std::string& source, const std::string& code, const json& body,
                      Ruleset& r) {
  const std::string where = "rules." + code;
  if (FindRule(code) == nullptr) return Bad(source, where, "unknown rule code");
  if (!body.is_object()) return Bad(source, where, "expected an object");
  for (const auto& [key, v] : body.items()) {
    const std::string at = absl::StrCat(where, ".", key);
    if (key == "severity") {
      auto sev = v.is_string() ? ParseSeverity(v.get<std::string>()) : std::nullopt;
      if (!sev) return Bad(source, at, "expected one of INFO, WARNING, ERROR");
      r.severity[code] = *sev;
    } else if (key == "enabled") {
      if (!v.is_boolean()) return Bad(source, at, "expected true or false");
      if (v.get<bool>()) {
        r.disabled.erase(code);
      } else {
        r.disabled.insert(code);
      }
    } else if (code == "GEO001" && key == "repair") {
      if (!v.is_boolean()) return Bad(source, at, "expected true or false");
      r.repair_geometry = v.get<bool>();
    } else {
      auto rule_params = Parameters().find(code);
      if (rule_params == Parameters().end() || !rule_params->second.contains(key)) {
        return Bad(source, at, "unknown setting");
      }
      if (!v.is_number()) return Bad(source, at, "expected a number");
      double d = v.get<double>();
      if (d < 0) return Bad(source, at, absl::StrCat(d, " is negative"));
      rule_params->second.at(key)(r, d);
    }
  }
  return absl::OkStatus();
}

absl::Status ReadContiguity(const std::string& source, const json& c, Ruleset& r) {
  if (!c.is_object()) return Bad(source, "contiguity", "expected an object");
  for (const auto& [key, v] : c.items()) {
    const std::string at = "contiguity." + key;
    if (key == "adjacency") {
      std::string a = v.is_string() ? v.get<std::string>() : "";
      if (a != "edge" && a != "point") return Bad(source, at, "expected \"edge\" or \"point\"");
      r.contiguity.adjacency = a == "point" ? Adjacency::kPoint : Adjacency::kEdge;
    } else if (key == "bridge_distance_m") {
      if (!v.is_number() || v.get<double>() < 0) return Bad(source, at, "expected a number >= 0");
      r.contiguity.bridge_distance_m = v.get<double>();
    } else if (key == "bridges") {
      if (!v.is_array()) return Bad(source, at, "expected an array of [area, area] pairs");
      for (size_t i = 0; i < v.size(); ++i) {
        const json& pair = v[i];
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
          return Bad(source, absl::StrCat(at, "[", i, "]"), "expected [\"AREA\", \"AREA\"]");
        }
        r.contiguity.bridges.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
      }
    } else {
      return Bad(source, at, "unknown setting");
    }
  }
  return absl::OkStatus();
}

bool IsDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Ruleset> ParseRuleset(const std::string& text, const std::string& source) {
  auto j = Parse(text, source);
  if (!j.ok()) return j.status();
  if (!j->is_object()) return Bad(source, "top level", "expected an object");
  Ruleset r;
  for (const auto& [key, v] : j->items()) {
    if (key == "name") {
      if (!v.is_string()) return Bad(source, "name", "expected a string");
      r.name = v.get<std::string>();
    } else if (key == "rules") {
      if (!v.is_object()) return Bad(source, "rules", "expected an object keyed by rule code");
      for (const auto& [code, body] : v.items()) {
        if (auto s = ReadRule(source, code, body, r); !s.ok()) return s;
      }
    } else if (key == "contiguity") {
      if (auto s = ReadContiguity(source, v, r); !s.ok()) return s;
    } else {
      return Bad(source, key, "unknown key (expected name, rules, contiguity)");
    }
  }
  return r;
}

absl::StatusOr<Ruleset> ReadRuleset(const std::string& path) {
  auto text = io::ReadFile(path, "the ruleset");
  if (!text.ok()) return text.status();
  return ParseRuleset(*text, path);
}

absl::StatusOr<std::vector<Waiver>> ParseWaivers(const std::string& text,
                                                 const std::string& source) {
  auto j = Parse(text, source);
  if (!j.ok()) return j.status();
  if (!j->is_array()) return Bad(source, "top level", "expected an array of waivers");
  std::vector<Waiver> out;
  for (size_t i = 0; i < j->size(); ++i) {
    const json& w = (*j)[i];
    const std::string where = absl::StrCat("waiver ", i + 1);
    if (!w.is_object()) return Bad(source, where, "expected an object");
    Waiver wv;
    std::map<std::string, std::string*> fields = {{"rule", &wv.rule},
                                                  {"pcn", &wv.pcn},
                                                  {"reason", &wv.reason},
                                                  {"approved_by", &wv.approved_by},
                                                  {"expires", &wv.expires}};
    for (const auto& [key, v] : w.items()) {
      auto f = fields.find(key);
      if (f == fields.end()) return Bad(source, absl::StrCat(where, ".", key), "unknown field");
      if (!v.is_string()) return Bad(source, absl::StrCat(where, ".", key), "expected a string");
      *f->second = v.get<std::string>();
    }
    for (const auto& [key, ptr] : fields) {
      if (ptr->empty()) return Bad(source, absl::StrCat(where, ".", key), "missing or empty");
    }
    if (FindRule(wv.rule) == nullptr) return Bad(source, where + ".rule", "unknown rule code");
    if (!IsDate(wv.expires)) return Bad(source, where + ".expires", "expected YYYY-MM-DD");
    out.push_back(std::move(wv));
  }
  return out;
}

absl::StatusOr<std::vector<Waiver>> ReadWaivers(const std::string& path) {
  auto text = io::ReadFile(path, "the waivers file");
  if (!text.ok()) return text.status();
  return ParseWaivers(*text, path);
}

}  // namespace pcnv::io
