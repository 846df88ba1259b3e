#include "report/html_fixes.h"

#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/disclosure.h"
#include "geo/rules/registry.h"
#include "report/disclosure.h"
#include "report/markup.h"
#include "report/svg_map.h"

namespace pcnv::report {
namespace {

std::string E(std::string_view s) { return EscapeMarkup(s); }

// The report's small-number threshold (ruleset "disclosure.suppress_below"; the engine's
// default when it does not say), for the counts a suggestion brings that the report has not
// suppressed for us: PCN populations after a change, patients moved.
DisclosurePolicy PolicyOf(const Report& r) {
  DisclosurePolicy p;
  auto it = r.provenance.ruleset.find("disclosure.suppress_below");
  if (it != r.provenance.ruleset.end()) {
    if (const int64_t* n = std::get_if<int64_t>(&it->second)) p.suppress_below = *n;
  }
  return p;
}

std::string Count(const Report& r, int64_t n) { return CountText(r, n, PolicyOf(r).IsSmall(n)); }

std::string RuleTitle(const std::string& rule) {
  const RuleInfo* info = FindRule(rule);
  return info ? std::string(info->title) : rule;
}

// "Move practice B00001 (212 patients) from U00002 to U00001", or the merge or split.
std::string Describe(const Report& r, const Suggestion& s,
                     const std::map<std::string, const PracticeEntry*>& practices) {
  auto patients = [&](const SuggestedMove& m) {
    auto p = practices.find(m.practice);
    const bool suppressed = p != practices.end() && p->second->list_size_suppressed;
    return CountText(r, m.patients, suppressed || PolicyOf(r).IsSmall(m.patients));
  };
  auto name = [&](const SuggestedMove& m) {
    auto p = practices.find(m.practice);
    return p == practices.end() || p->second->name.empty()
               ? E(m.practice)
               : absl::StrCat(E(m.practice), " ", E(p->second->name));
  };
  switch (s.kind) {
    case SuggestionKind::kMerge:
      return absl::StrCat("<b>Merge ", E(s.merged_pcn), " into ", E(s.moves.front().to_pcn),
                          "</b>: its ", s.moves.size(),
                          s.moves.size() == 1 ? " practice moves" : " practices move", " (",
                          Count(r, s.patients_moved), " patients)");
    case SuggestionKind::kSplit: {
      std::vector<std::string> moved;
      for (const SuggestedMove& m : s.moves) moved.push_back(name(m));
      return absl::StrCat("<b>Split ", E(s.moves.front().from_pcn),
                          "</b>: ", absl::StrJoin(moved, ", "), " form a new PCN ", E(s.new_pcn),
                          " ", E(s.new_pcn_name), " (", Count(r, s.patients_moved), " patients)");
    }
    case SuggestionKind::kMove:
      break;
  }
  std::vector<std::string> moves;
  for (const SuggestedMove& m : s.moves) {
    moves.push_back(absl::StrCat("<b>", moves.empty() ? "Move " : "move ", name(m), "</b> (",
                                 patients(m), " patients) from ", E(m.from_pcn), " to ",
                                 E(m.to_pcn)));
  }
  return absl::StrJoin(moves, "; ");
}

// Findings as badges with the PCN (or practice) they are about; `titled` adds each rule's title
// (a national report lists thousands: the Rules section has the titles once).
std::string Findings(const std::vector<FindingKey>& keys, bool titled) {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (const FindingKey& k : keys) {
    out.push_back(absl::StrCat("<span class=\"badge sev-",
                               k.severity == "ERROR"     ? "error"
                               : k.severity == "WARNING" ? "warning"
                                                         : "info",
                               "\">", E(k.rule), "</span> ", E(k.pcn.empty() ? k.practice : k.pcn),
                               titled ? " " + E(RuleTitle(k.rule)) : ""));
  }
  return absl::StrJoin(out, "; ");
}

std::string MetricsTable(const Report& r, const Suggestion& s) {
  std::string out =
      "<table class=\"fix-figures\"><tr><th>PCN<th>population<th>practices<th>territory "
      "areas<th>parts<th>main ICB share";
  auto icb = [](const PcnMetrics& m) {
    double best = 0;
    for (const auto& [code, share] : m.icb_shares) best = std::max(best, share);
    return m.icb_shares.empty() ? std::string("&ndash;")
                                : absl::StrCat(std::lround(best * 100), "%");
  };
  // One figure before and after: "a &rarr; b", or one value when it did not change; a dash on
  // the side where the PCN does not exist.
  auto change = [](const PcnMetrics& b, const PcnMetrics& a, auto figure) {
    const std::string before = b.exists ? figure(b) : "&ndash;";
    const std::string after = a.exists ? figure(a) : "&ndash;";
    return before == after ? before : absl::StrCat(before, " &rarr; ", after);
  };
  for (size_t i = 0; i < s.before.size() && i < s.after.size(); ++i) {
    const PcnMetrics& b = s.before[i];
    const PcnMetrics& a = s.after[i];
    absl::StrAppend(
        &out, "<tr><td>", E(b.code), "<td>",
        change(b, a, [&](const PcnMetrics& m) { return Count(r, m.population); }), "<td>",
        change(b, a, [](const PcnMetrics& m) { return absl::StrCat(m.practices); }), "<td>",
        change(b, a, [](const PcnMetrics& m) { return absl::StrCat(m.territory_areas); }), "<td>",
        change(b, a, [](const PcnMetrics& m) { return absl::StrCat(m.parts); }), "<td>",
        change(b, a, icb));
  }
  absl::StrAppend(&out, "</table>");
  return out;
}

std::string Maps(const Suggestion& s,
                 const std::map<std::string, const PracticeEntry*>& practices) {
  std::vector<ChangeMapPcn> pcns;
  for (size_t i = 0; i < s.before.size() && i < s.after.size(); ++i) {
    pcns.push_back({s.before[i].code, s.before[i].territory.get(), s.after[i].territory.get()});
  }
  std::vector<Point> moved;
  for (const SuggestedMove& m : s.moves) {
    auto p = practices.find(m.practice);
    if (p != practices.end() && p->second->location) moved.push_back(*p->second->location);
  }
  const ChangeMaps maps = RenderChangeMaps(pcns, moved, 200);
  if (maps.before.empty()) return "";
  std::vector<std::string> legend;
  for (size_t i = 0; i < pcns.size(); ++i) {
    legend.push_back(absl::StrCat(
        "<span><i style=\"background:", kTerritoryPalette[i % std::size(kTerritoryPalette)],
        "\"></i>", E(pcns[i].code), "</span>"));
  }
  return absl::StrCat(
      "<div class=\"change-maps\"><figure>", maps.before,
      "<figcaption>before</figcaption></figure><figure>", maps.after,
      "<figcaption>after</figcaption></figure><div class=\"legend\">", absl::StrJoin(legend, ""),
      moved.empty() ? "" : "<span><b class=\"dot\"></b>moved practices</span>", "</div></div>");
}

}  // namespace

std::string FixSection(const Report& report, const SuggestResult& suggestions,
                       const std::string& pcn) {
  std::vector<const SuggestTarget*> targets;
  for (const SuggestTarget& t : suggestions.targets) {
    if (t.finding.pcn == pcn) targets.push_back(&t);
  }
  if (targets.empty()) return "";
  std::map<std::string, const Suggestion*> by_id;
  for (const Suggestion& s : suggestions.suggestions) by_id[s.id] = &s;
  std::map<std::string, const PracticeEntry*> practices;
  for (const PracticeEntry& p : report.practices) practices[p.code] = &p;

  std::string out = "<div class=\"fixes\"><h4>What would fix it</h4>\n";
  std::set<std::string> shown;  // a change that clears two of its findings is shown once
  for (const SuggestTarget* t : targets) {
    absl::StrAppend(&out, "<p class=\"fix-target\">", Findings({t->finding}, true), ": ");
    if (t->suggestions.empty() && t->candidates == 0) {
      absl::StrAppend(&out,
                      "no change to try within the search's constraints: a move stays inside "
                      "the practice's declared ICB and sub-ICB, and a merge within the usual "
                      "maximum (<code>pcnv suggest --allow-cross-icb --allow-cross-sub-icb</code> "
                      "searches across the boundaries).</p>\n");
      continue;
    }
    if (t->suggestions.empty()) {
      absl::StrAppend(&out, "no membership change found that clears it without adding an ERROR (",
                      t->candidates,
                      " candidates judged; <code>pcnv suggest</code> takes wider bounds, "
                      "docs/RULES.md, \"Fix suggestions\").</p>\n");
      continue;
    }
    absl::StrAppend(&out, t->suggestions.size(),
                    t->suggestions.size() == 1 ? " suggestion" : " suggestions",
                    ", best first, each re-validated.</p>\n<ol class=\"fixes\">\n");
    bool first = true;  // the best one of each finding gets the maps (a national report is long)
    for (const std::string& id : t->suggestions) {
      auto s = by_id.find(id);
      if (s == by_id.end()) continue;
      if (!shown.insert(id).second) {
        absl::StrAppend(&out, "<li class=\"fix\"><p>The same change as <a href=\"#fix-", E(pcn),
                        "-", E(id), "\">", E(id), "</a> above.</p></li>\n");
        continue;
      }
      const Suggestion& sg = *s->second;
      absl::StrAppend(&out, "<li class=\"fix\" id=\"fix-", E(pcn), "-", E(id), "\"><p>",
                      Describe(report, sg, practices), " <code>", E(id), "</code></p>\n<p>Clears ",
                      Findings(sg.resolves, true), ".");
      std::vector<FindingKey> added, removed;
      for (const FindingKey& k : sg.added) added.push_back(k);
      for (const FindingKey& k : sg.removed) {
        bool resolved = false;
        for (const FindingKey& r : sg.resolves) resolved = resolved || r == k;
        if (!resolved) removed.push_back(k);
      }
      if (!removed.empty()) absl::StrAppend(&out, " Also clears ", Findings(removed, false), ".");
      if (!added.empty()) absl::StrAppend(&out, " Adds ", Findings(added, false), ".");
      absl::StrAppend(&out, " ERRORs left in the configuration: ", sg.errors_after,
                      ". Apply it: <code>pcnv suggest --apply ", E(id), " ...</code></p>\n",
                      MetricsTable(report, sg), first ? Maps(sg, practices) : "", "</li>\n");
      first = false;
    }
    absl::StrAppend(&out, "</ol>\n");
  }
  absl::StrAppend(&out, "</div>\n");
  return out;
}

}  // namespace pcnv::report
