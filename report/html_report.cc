#include "report/html_report.h"

#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/io/file_io.h"
#include "geo/rules/registry.h"
#include "report/disclosure.h"
#include "report/markup.h"
#include "report/svg_map.h"

namespace pcnv::report {
namespace {

constexpr char kStyle[] = R"css(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2329;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid #d5d9de;padding-bottom:4px}
h3{font-size:17px;margin:24px 0 6px}
.muted{color:#5b6670}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;vertical-align:middle}
.verdict-pass .badge,.badge.pass{background:#2e7d32}.badge.warn{background:#b26a00}.badge.fail{background:#c62828}
.badge.sev-error{background:#c62828}.badge.sev-warning{background:#b26a00}.badge.sev-info{background:#546e7a}
.badge.state{background:#37474f}.badge.state-new{background:#6a1b9a}.badge.state-fixed{background:#2e7d32}.badge.waived{background:#00838f}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{background:#fff;border:1px solid #d5d9de;border-radius:6px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px;width:100%}
th,td{border:1px solid #d5d9de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
#map-box{background:#fff;border:1px solid #d5d9de;border-radius:6px;padding:8px;overflow:auto}
#map{max-width:100%;height:auto;display:block}
path.territory{stroke:#fff;stroke-width:1.5}
path.verdict-pass{fill:#81c784}path.verdict-warn{fill:#ffb74d}path.verdict-fail{fill:#e57373}
path.territory:hover{fill-opacity:.7}
.finding-geom{fill:#b71c1c;fill-opacity:.18;stroke:#b71c1c;stroke-width:2.5;stroke-dasharray:6 3}
.finding-geom.sev-warning{fill:#e65100;stroke:#e65100}.finding-geom.sev-info{fill:#455a64;stroke:#455a64}
.finding-geom.fixed{fill:none;stroke:#2e7d32}
circle.practice{fill:#263238;stroke:#fff;stroke-width:1}circle.practice.status-unallocated,circle.practice.status-multiple_pcns{fill:#c62828}
.legend{display:flex;gap:16px;flex-wrap:wrap;margin:6px 0 0;font-size:13px}
.legend span::before{content:"";display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle;border:1px solid #888}
.legend .l-pass::before{background:#81c784}.legend .l-warn::before{background:#ffb74d}.legend .l-fail::before{background:#e57373}
.legend .l-finding::before{background:rgba(183,28,28,.35);border:2px dashed #b71c1c}
ol.findings{padding-left:0;list-style:none}
li.finding{background:#fff;border:1px solid #d5d9de;border-left:5px solid #546e7a;border-radius:4px;padding:8px 12px;margin:8px 0}
li.finding.sev-error{border-left-color:#c62828}li.finding.sev-warning{border-left-color:#b26a00}
li.finding.state-absent{opacity:.75}li.finding.is-waived{border-left-color:#00838f}
li.finding p{margin:4px 0}
table.values{width:auto;font-size:13px}table.values td,table.values th{padding:2px 8px}
details{margin:8px 0}code{font-size:13px}
)css";

std::string E(std::string_view s) { return EscapeMarkup(s); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Km2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

int Count(const Report& r, const char* severity) {
  auto it = r.summary.findings_by_severity.find(severity);
  return it == r.summary.findings_by_severity.end() ? 0 : it->second;
}

std::string FindingItem(const ReportView& view, size_t i) {
  const Finding& f = view.report.findings[i];
  const FindingMark& m = view.marks[i];
  const RuleInfo* info = FindRule(f.rule);
  const std::string sev = Lower(SeverityName(f.severity));
  std::string classes = absl::StrCat("finding sev-", sev);
  if (m.baseline != Baseline::kNone) {
    absl::StrAppend(&classes, " state-", std::string(BaselineName(m.baseline)));
  }
  if (f.waiver) absl::StrAppend(&classes, " is-waived");
  if (m.failing) absl::StrAppend(&classes, " is-failing");

  std::string out =
      absl::StrCat("<li class=\"", classes, "\" id=\"finding-", i + 1, "\" data-rule=\"", E(f.rule),
                   "\" data-pcn=\"", E(f.pcn), "\" data-practice=\"", E(f.practice), "\">\n<p>");
  absl::StrAppend(&out, "<span class=\"badge sev-", sev, "\">",
                  std::string(SeverityName(f.severity)), "</span> ");
  if (m.baseline != Baseline::kNone) {
    const std::string label(BaselineLabel(m.baseline));
    absl::StrAppend(&out, "<span class=\"badge state state-", Lower(label), "\">", label,
                    "</span> ");
  }
  if (f.waiver) absl::StrAppend(&out, "<span class=\"badge waived\">WAIVED</span> ");
  absl::StrAppend(&out, "<b>", E(f.rule), "</b> ", info ? E(info->title) : "",
                  f.practice.empty() ? "" : absl::StrCat(" &middot; practice ", E(f.practice)),
                  f.geometry.IsEmpty() ? "" : " &middot; <span class=\"muted\">on the map</span>",
                  "</p>\n<p class=\"message\">", E(f.message), "</p>\n");
  if (f.waiver) {
    absl::StrAppend(&out, "<p class=\"waiver\">Waived: ", E(f.waiver->reason), " (approved by ",
                    E(f.waiver->approved_by), ", expires ", E(f.waiver->expires), ").</p>\n");
  }
  if (!f.values.empty()) {
    absl::StrAppend(&out, "<table class=\"values\"><tr><th>number</th><th>value</th></tr>");
    for (const auto& [k, v] : f.values) {
      absl::StrAppend(&out, "<tr><td>", E(k), "</td><td class=\"num\">", E(DisplayValue(k, v)),
                      "</td></tr>");
    }
    absl::StrAppend(&out, "</table>\n");
  }
  absl::StrAppend(&out, "</li>\n");
  return out;
}

void Summary(const ReportView& view, std::string& out) {
  const Report& r = view.report;
  const bool failing = view.AnyFailing();
  absl::StrAppend(&out, "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">",
                  "<div class=\"card\">verdict<b class=\"verdict\">", E(r.summary.verdict),
                  "</b></div>", "<div class=\"card\">PCNs<b>", r.summary.pcns, "</b></div>",
                  "<div class=\"card\">practices<b>", r.summary.practices, "</b></div>",
                  "<div class=\"card\">errors<b>", Count(r, "ERROR"), "</b></div>",
                  "<div class=\"card\">warnings<b>", Count(r, "WARNING"), "</b></div>",
                  "<div class=\"card\">info<b>", Count(r, "INFO"), "</b></div></div>\n");
  absl::StrAppend(&out, "<p>Fails on ", E(view.fail_policy), ": <b>",
                  failing ? "this run fails" : "this run passes", "</b>.</p>\n");
  if (view.is_diff) {
    int counts[5] = {};
    int waived = 0;
    for (size_t i = 0; i < view.marks.size(); ++i) {
      counts[static_cast<int>(view.marks[i].baseline)]++;
      if (view.report.findings[i].waiver && view.marks[i].baseline != Baseline::kAbsent) ++waived;
    }
    absl::StrAppend(&out, "<p class=\"diff-summary\">Against the base release: <b>",
                    counts[static_cast<int>(Baseline::kNew)], "</b> new, <b>",
                    counts[static_cast<int>(Baseline::kAbsent)], "</b> fixed, <b>",
                    counts[static_cast<int>(Baseline::kUnchanged)] +
                        counts[static_cast<int>(Baseline::kUpdated)],
                    "</b> unchanged (", counts[static_cast<int>(Baseline::kUpdated)],
                    " with changed numbers); ", waived, " waived.</p>\n");
  }
  if (!r.summary.expired_waivers.empty()) {
    std::vector<std::string> items;
    for (const std::string& w : r.summary.expired_waivers) {
      items.push_back(absl::StrCat("<li>", E(w), "</li>"));
    }
    absl::StrAppend(&out,
                    "<p class=\"expired-waivers\">Expired waivers (no longer applied; renew or "
                    "remove them):</p><ul>",
                    absl::StrJoin(items, ""), "</ul>\n");
  }
  std::vector<std::string> skipped;
  for (const RuleOutcome& o : r.summary.rules) {
    if (o.state == RuleState::kNotEvaluated) {
      skipped.push_back(absl::StrCat("<li><b>", E(o.rule), "</b> ", E(o.reason), "</li>"));
    }
  }
  if (!skipped.empty()) {
    absl::StrAppend(&out, "<details><summary>", skipped.size(),
                    " rules not evaluated (an input they need was not given)</summary><ul>",
                    absl::StrJoin(skipped, ""), "</ul></details>\n");
  }
  absl::StrAppend(&out, "</section>\n");
}

void Map(const ReportView& view, std::string& out) {
  absl::StrAppend(&out, "<section id=\"map-section\"><h2>Map</h2>\n");
  const std::string svg = RenderSvgMap(view);
  if (svg.empty()) {
    absl::StrAppend(&out,
                    "<p class=\"muted\">No geometry to draw: give a distribution and area "
                    "polygons to see territories.</p></section>\n");
    return;
  }
  absl::StrAppend(
      &out, "<div id=\"map-box\">", svg,
      "<div class=\"legend\"><span class=\"l-pass\">PCN passes</span>"
      "<span class=\"l-warn\">PCN with warnings</span><span class=\"l-fail\">PCN "
      "with errors</span><span class=\"l-finding\">finding geometry</span>"
      "<span>&#9679; practice</span></div></div>\n"
      "<p class=\"muted\">Majority territories (",
      E(view.report.provenance.method.empty() ? "majority" : view.report.provenance.method),
      " method) in British National Grid. Select a territory or a finding's "
      "geometry to jump to its details.</p></section>\n");
}

void PcnOverview(const ReportView& view, std::string& out) {
  absl::StrAppend(&out,
                  "<section id=\"pcns\"><h2>PCNs</h2>\n<table id=\"pcn-table\"><tr><th>PCN</th>"
                  "<th>name</th><th>verdict</th><th>population</th><th>practices</th>"
                  "<th>territory km&sup2;</th><th>findings</th></tr>\n");
  for (const PcnEntry& p : view.report.pcns) {
    int n = 0;
    for (size_t i = 0; i < view.report.findings.size(); ++i) {
      if (view.report.findings[i].pcn == p.code && view.IsCurrent(i)) ++n;
    }
    const std::string verdict = view.PcnVerdict(p.code);
    absl::StrAppend(&out, "<tr class=\"pcn-row\" data-pcn=\"", E(p.code), "\"><td><a href=\"#pcn-",
                    E(p.code), "\">", E(p.code), "</a></td><td>", E(p.name),
                    "</td><td><span class=\"badge ", Lower(verdict), "\">", verdict,
                    "</span></td><td class=\"num\">",
                    CountText(view.report, p.population, p.population_suppressed),
                    "</td><td class=\"num\">", p.practices.size(), "</td><td class=\"num\">",
                    Km2(p.territory.area_km2), "</td><td class=\"num\">", n, "</td></tr>\n");
  }
  absl::StrAppend(&out, "</table>\n");
}

void PcnSections(const ReportView& view, std::string& out) {
  const Report& r = view.report;
  for (const PcnEntry& p : r.pcns) {
    const std::string verdict = view.PcnVerdict(p.code);
    absl::StrAppend(
        &out, "<section class=\"pcn\" id=\"pcn-", E(p.code), "\"><h3>", E(p.code), " ", E(p.name),
        " <span class=\"badge ", Lower(verdict), "\">", verdict,
        "</span></h3>\n<table class=\"pcn-figures\">",
        "<tr><th>registered population</th><td class=\"num\">",
        CountText(r, p.population, p.population_suppressed), "</td><td>", E(p.population_basis),
        "</td></tr>", "<tr><th>member practices</th><td class=\"num\">", p.practices.size(),
        "</td><td>", E(absl::StrJoin(p.practices, ", ")), "</td></tr>",
        "<tr><th>territory</th><td class=\"num\">", Km2(p.territory.area_km2), " km&sup2;</td><td>",
        p.territory.areas, " areas in ", p.territory.parts,
        p.territory.parts == 1 ? " part" : " parts", "; ",
        CountText(r, p.territory.patients_in_territory, p.territory.patients_suppressed),
        " of its patients live in it</td></tr></table>\n");
    std::string items;
    for (size_t i = 0; i < r.findings.size(); ++i) {
      if (r.findings[i].pcn == p.code) items += FindingItem(view, i);
    }
    if (items.empty()) {
      absl::StrAppend(&out, "<p class=\"muted\">No findings.</p>\n");
    } else {
      absl::StrAppend(&out, "<ol class=\"findings\">\n", items, "</ol>\n");
    }
    absl::StrAppend(&out, "</section>\n");
  }
  // Findings about a PCN the report has no entry for (a fixed finding of a PCN the candidate
  // dropped) and about no PCN at all (practices, the distribution).
  std::set<std::string> known;
  for (const PcnEntry& p : r.pcns) known.insert(p.code);
  std::string items;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    if (!known.count(r.findings[i].pcn)) items += FindingItem(view, i);
  }
  if (!items.empty()) {
    absl::StrAppend(&out,
                    "<section class=\"pcn\" id=\"pcn-none\"><h3>Practices and input "
                    "files</h3>\n<ol class=\"findings\">\n",
                    items, "</ol></section>\n");
  }
  absl::StrAppend(&out, "</section>\n");
}

void ProvenanceSection(const Report& r, std::string& out) {
  const Provenance& p = r.provenance;
  absl::StrAppend(&out,
                  "<section id=\"provenance\"><h2>Inputs and settings</h2>\n<table><tr>"
                  "<th>role</th><th>file</th><th>records</th><th>SHA-256</th></tr>\n");
  for (const SourceFile& s : p.inputs) {
    absl::StrAppend(&out, "<tr><td>", E(s.role), "</td><td><code>", E(s.path),
                    "</code></td><td class=\"num\">", Grouped(s.records), "</td><td><code>",
                    E(s.sha256.substr(0, 16)), "&hellip;</code></td></tr>\n");
  }
  for (const auto& l : p.reference_layers) {
    absl::StrAppend(&out, "<tr><td>reference: ", E(l.name), "</td><td><code>", E(l.source),
                    "</code></td><td class=\"num\">", Grouped(l.features), "</td><td><code>",
                    E(l.sha256.substr(0, 16)), "&hellip;</code></td></tr>\n");
  }
  absl::StrAppend(&out, "</table>\n<table><tr><th>setting</th><th>value</th></tr>\n");
  auto row = [&](const std::string& k, const std::string& v) {
    absl::StrAppend(&out, "<tr><td>", E(k), "</td><td>", E(v), "</td></tr>\n");
  };
  row("method", p.method);
  for (const auto& [k, v] : p.ruleset) row(k, DisplayValue(k, v));
  for (const auto& [k, v] : p.tolerances) row(k, DisplayValue(k, v));
  row("tool", p.tool);
  for (const auto& [k, v] : p.libraries) row(k, v);
  absl::StrAppend(&out,
                  "</table>\n<p class=\"muted\">Patient counts from 1 to 4 are shown as "
                  "&lt;5 (NHS small-number disclosure control).</p></section>\n");
}

}  // namespace

std::string RenderHtmlReport(const ReportView& view) {
  const Report& r = view.report;
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // The report must open offline and must not call anywhere: no scripts, no fetches.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      view.is_diff ? "pcnv diff: " : "pcnv report: ", E(r.summary.verdict), "</title>\n<style>",
      kStyle, "</style>\n</head>\n<body>\n<main>\n<h1>",
      view.is_diff ? "PCN boundary release check" : "PCN geography validation",
      " <span class=\"badge ", r.summary.verdict == "PASS" ? "pass" : "fail", "\">",
      E(r.summary.verdict), "</span></h1>\n<p class=\"muted\">", E(r.provenance.tool), "</p>\n");
  Summary(view, out);
  Map(view, out);
  PcnOverview(view, out);
  PcnSections(view, out);
  ProvenanceSection(r, out);
  absl::StrAppend(&out, "</main>\n</body>\n</html>\n");
  return out;
}

absl::Status WriteHtmlReport(const ReportView& view, const std::string& path) {
  return io::WriteFile(path, RenderHtmlReport(view));
}

}  // namespace pcnv::report
