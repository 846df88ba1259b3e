#include "geo/io/ruleset_json.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "geo/io/json_text.h"
#include "geo/options_check.h"
#include "geo/rules/registry.h"
#include "nlohmann/json.hpp"

namespace pcnv::io {
namespace {

using nlohmann::json;

// A ruleset is a few kilobytes; a waiver list of thousands of waivers a few hundred. The caps
// only stop a wrong file (a dump, /dev/zero is refused anyway) from being read whole.
constexpr size_t kMaxRulesetBytes = size_t{1} << 20;
constexpr size_t kMaxWaiversBytes = size_t{16} << 20;

absl::Status Bad(const std::string& source, const std::string& where, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", where, ": ", what));
}

absl::StatusOr<json> Parse(const std::string& text, const std::string& source) {
  return ParseJson(text, source);
}

// A numeric setting, checked against its range (geo/options_check.h) before it is stored: a
// population of 1e300 would not even convert to an integer.
absl::Status SetNumber(const RulesetSetting& setting, const json& v, Ruleset& r) {
  if (!v.is_number()) return absl::InvalidArgumentError("expected a number");
  const double d = v.get<double>();
  if (absl::Status s = CheckRulesetValue(setting, d); !s.ok()) return s;
  setting.set(r, d);
  return absl::OkStatus();
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
      const RulesetSetting* setting = FindRulesetSetting(code, key);
      if (setting == nullptr) return Bad(source, at, "unknown setting");
      if (absl::Status s = SetNumber(*setting, v, r); !s.ok()) {
        return Bad(source, at, std::string(s.message()));
      }
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
    } else if (const RulesetSetting* setting = FindRulesetSetting("contiguity", key)) {
      if (absl::Status s = SetNumber(*setting, v, r); !s.ok()) {
        return Bad(source, at, std::string(s.message()));
      }
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
  // What the reading above does not see: the name's text, the bridges' codes.
  if (absl::Status s = CheckRuleset(r, OptionNames::kFiles); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  return r;
}

absl::StatusOr<Ruleset> ReadRuleset(const std::string& path) {
  auto text = io::ReadFile(path, "the ruleset", kMaxRulesetBytes);
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
    out.push_back(std::move(wv));
  }
  // Complete, for a known rule, expiring on a real date: the checks the server makes too.
  if (absl::Status s = CheckWaivers(out, OptionNames::kFiles); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", s.message()));
  }
  return out;
}

absl::StatusOr<std::vector<Waiver>> ReadWaivers(const std::string& path) {
  auto text = io::ReadFile(path, "the waivers file", kMaxWaiversBytes);
  if (!text.ok()) return text.status();
  return ParseWaivers(*text, path);
}

}  // namespace pcnv::io
