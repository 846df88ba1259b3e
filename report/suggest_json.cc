#include "report/suggest_json.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace pcnv::report {
namespace {

using nlohmann::ordered_json;

ordered_json FindingJson(const FindingKey& k) {
  return {{"rule", k.rule},
          {"pcn", k.pcn},
          {"practice", k.practice},
          {"severity", k.severity},
          {"message", k.message}};
}

ordered_json MetricsJson(const PcnMetrics& m) {
  if (!m.exists) return {{"exists", false}};
  ordered_json icb = ordered_json::object();
  for (const auto& [code, share] : m.icb_shares) icb[code] = share;
  return {{"exists", true},
          {"population", m.population},
          {"practices", m.practices},
          {"territory_areas", m.territory_areas},
          {"territory_area_km2", m.territory_area_km2},
          {"parts", m.parts},
          {"components", m.components},
          {"icb_shares", icb}};
}

ordered_json SuggestionJson(const Suggestion& s) {
  ordered_json moves = ordered_json::array();
  for (const SuggestedMove& m : s.moves) {
    moves.push_back({{"practice", m.practice},
                     {"from_pcn", m.from_pcn},
                     {"to_pcn", m.to_pcn},
                     {"patients", m.patients}});
  }
  ordered_json j = {{"id", s.id}, {"kind", std::string(SuggestionKindName(s.kind))}};
  ordered_json resolves = ordered_json::array();
  for (const FindingKey& k : s.resolves) resolves.push_back(FindingJson(k));
  j["resolves"] = resolves;
  j["moves"] = moves;
  if (s.kind == SuggestionKind::kMerge && !s.moves.empty()) {
    j["merge"] = {{"pcn", s.merged_pcn}, {"into_pcn", s.moves[0].to_pcn}};
  }
  if (s.kind == SuggestionKind::kSplit && !s.moves.empty()) {
    j["split"] = {
        {"pcn", s.moves[0].from_pcn}, {"new_pcn", s.new_pcn}, {"new_pcn_name", s.new_pcn_name}};
  }
  j["patients_moved"] = s.patients_moved;
  j["practices_moved"] = s.moves.size();
  ordered_json pcns = ordered_json::array();
  for (size_t i = 0; i < s.before.size() && i < s.after.size(); ++i) {
    pcns.push_back({{"code", s.before[i].code},
                    {"before", MetricsJson(s.before[i])},
                    {"after", MetricsJson(s.after[i])}});
  }
  j["pcns"] = pcns;
  ordered_json added = ordered_json::array();
  ordered_json removed = ordered_json::array();
  for (const FindingKey& k : s.added) added.push_back(FindingJson(k));
  for (const FindingKey& k : s.removed) removed.push_back(FindingJson(k));
  j["findings_added"] = added;
  j["findings_removed"] = removed;
  j["errors_after"] = s.errors_after;
  j["findings_after"] = s.findings_after;
  return j;
}

}  // namespace

std::string SuggestionsToJson(const SuggestResult& result, const SuggestOptions& c,
                              const std::string& tool) {
  ordered_json j;
  j["tool"] = tool;
  j["constraints"] = {{"max_practices", c.max_practices},
                      {"max_per_finding", c.max_per_finding},
                      {"max_candidates", c.max_candidates},
                      {"locked_practices", c.locked_practices},
                      {"locked_pcns", c.locked_pcns},
                      {"allow_cross_icb", c.allow_cross_icb},
                      {"allow_cross_sub_icb", c.allow_cross_sub_icb}};
  int with = 0;
  ordered_json targets = ordered_json::array();
  for (const SuggestTarget& t : result.targets) {
    ordered_json tj = FindingJson(t.finding);
    tj["candidates_evaluated"] = t.candidates;
    tj["suggestions"] = t.suggestions;
    targets.push_back(tj);
    with += t.suggestions.empty() ? 0 : 1;
  }
  j["summary"] = {{"targets", result.targets.size()},
                  {"targets_with_suggestions", with},
                  {"suggestions", result.suggestions.size()},
                  {"candidates_evaluated", result.candidates_evaluated},
                  {"candidates_screened", result.candidates_screened}};
  j["targets"] = targets;
  ordered_json list = ordered_json::array();
  for (const Suggestion& s : result.suggestions) list.push_back(SuggestionJson(s));
  j["suggestions"] = list;
  return j.dump(2) + "\n";
}

absl::StatusOr<Suggestion> ReadSuggestion(const std::string& path, const std::string& id) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be opened"));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("suggestions") ||
      !j["suggestions"].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": field suggestions: not a pcnv suggest output (no suggestions list)"));
  }
  const nlohmann::json& list = j["suggestions"];
  for (size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& sj = list[i];
    if (!sj.is_object() || sj.value("id", "") != id) continue;
    auto field = [&](const char* name) { return absl::StrCat("suggestions[", i, "].", name); };
    Suggestion s;
    s.id = id;
    const std::string kind = sj.value("kind", "");
    if (kind == "move") {
      s.kind = SuggestionKind::kMove;
    } else if (kind == "merge") {
      s.kind = SuggestionKind::kMerge;
    } else if (kind == "split") {
      s.kind = SuggestionKind::kSplit;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(path, ": field ", field("kind"), ": '", kind,
                                                     "' is not one of move, merge, split"));
    }
    if (!sj.contains("moves") || !sj["moves"].is_array() || sj["moves"].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": field ", field("moves"), ": missing or empty"));
    }
    for (const nlohmann::json& m : sj["moves"]) {
      SuggestedMove mv{m.value("practice", ""), m.value("from_pcn", ""), m.value("to_pcn", ""),
                       m.value("patients", int64_t{0})};
      if (mv.practice.empty() || mv.from_pcn.empty() || mv.to_pcn.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": field ", field("moves"), ": a move lacks practice, from_pcn or to_pcn"));
      }
      s.moves.push_back(std::move(mv));
    }
    if (s.kind == SuggestionKind::kSplit && sj.contains("split")) {
      s.new_pcn = sj["split"].value("new_pcn", "");
      s.new_pcn_name = sj["split"].value("new_pcn_name", "");
    }
    if (s.kind == SuggestionKind::kMerge && sj.contains("merge")) {
      s.merged_pcn = sj["merge"].value("pcn", "");
    }
    return s;
  }
  return absl::NotFoundError(absl::StrCat(path, ": no suggestion with id '", id, "'"));
}

}  // namespace pcnv::report
