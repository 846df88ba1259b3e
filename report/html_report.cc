#include "report/html_report.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <span>
#include <variant>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/io/file_io.h"
#include "geo/rules/registry.h"
#include "report/disclosure.h"
#include "report/html_fixes.h"
#include "report/markup.h"
#include "report/svg_map.h"

namespace pcnv::report {
namespace {

// Long reports (a national run has thousands of findings): the sections below the map are laid
// out only when scrolled to (content-visibility), and the PCN table has a fixed layout, so the
// page opens in under 2 s (docs/OUTPUTS.md).
constexpr char kStyle[] = R"css(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2329;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid #d5d9de;padding-bottom:4px}
h3{font-size:17px;margin:24px 0 6px}
.muted{color:#5b6670}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;vertical-align:middle}
.verdict-pass .badge,.badge.pass{background:#2e7d32}.badge.warn{background:#b26a00}.badge.fail{background:#c62828}
.badge.sev-error,.sev-error>p>.badge:first-child{background:#c62828}.badge.sev-warning,.sev-warning>p>.badge:first-child{background:#b26a00}.badge.sev-info,.sev-info>p>.badge:first-child{background:#546e7a}
.badge.state{background:#37474f}.badge.state-new{background:#6a1b9a}.badge.state-fixed{background:#2e7d32}.badge.waived{background:#00838f}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{background:#fff;border:1px solid #d5d9de;border-radius:6px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px;width:100%}
th,td{border:1px solid #d5d9de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
#map-box{background:#fff;border:1px solid #d5d9de;border-radius:6px;padding:8px;overflow:hidden}
#map{max-width:100%;height:auto;display:block;background:#fbfcfd;touch-action:none}
#map.zoomable{cursor:grab}
path.territory{stroke:#fff;stroke-width:.7px;vector-effect:non-scaling-stroke}
path.territory.verdict-warn{stroke:#e65100;stroke-width:1.6px}
path.territory.verdict-fail{stroke:#b71c1c;stroke-width:2.2px}
path.territory:hover{fill-opacity:.7}
path.territory.dim{fill-opacity:.2;stroke-opacity:.25}
path.footprint{fill:none;vector-effect:non-scaling-stroke}
path.fp-icb,path.fp-stp{stroke:#1c2833;stroke-width:2.2px}
path.fp-sub-icb{stroke:#1c2833;stroke-width:1.2px;stroke-dasharray:7 4}
path.fp-community{stroke:#7b1fa2;stroke-width:1px;stroke-dasharray:2 2}
.finding-geom{fill:#b71c1c;fill-opacity:.15;stroke:#b71c1c;stroke-width:1.6px;stroke-dasharray:6 3;vector-effect:non-scaling-stroke}
.finding-geom.sev-warning{fill:#e65100;stroke:#e65100}.finding-geom.sev-info{fill:#455a64;stroke:#455a64}
.finding-geom.fixed{fill:none;stroke:#2e7d32}
circle.point{r:calc(6px / var(--z,1));stroke-width:calc(2.5px / var(--z,1))}
circle.practice{r:calc(3px / var(--z,1));fill:#263238;stroke:#fff;stroke-width:calc(1px / var(--z,1))}circle.practice.status-unallocated,circle.practice.status-multiple_pcns{fill:#c62828}
text.pcn-label{font-size:calc(12px / var(--z,1));font-weight:700;fill:#102027;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:calc(3px / var(--z,1));stroke-linejoin:round;pointer-events:none}
text.pcn-label .ln{font-size:calc(10px / var(--z,1));font-weight:400}
text.pcn-label.off,text.pcn-label .ln.off{display:none}
.map-tools{display:flex;gap:6px;align-items:center;margin:0 0 6px;font-size:13px}
.map-tools button{font:inherit;min-width:30px;padding:1px 8px}
.legend{display:flex;gap:6px 18px;flex-wrap:wrap;margin:8px 0 0;font-size:13px;align-items:center}
.legend>span{display:inline-flex;align-items:center;gap:5px}
.table-tools{display:flex;gap:14px;align-items:center;margin:6px 0;flex-wrap:wrap}
.table-tools input[type=search]{font:inherit;padding:3px 8px;min-width:260px}
ol.findings{padding-left:0;list-style:none}
li.finding{background:#fff;border:1px solid #d5d9de;border-left:5px solid #546e7a;border-radius:4px;padding:8px 12px;margin:8px 0}
li.finding.sev-error{border-left-color:#c62828}li.finding.sev-warning{border-left-color:#b26a00}
li.finding.state-absent{opacity:.75}li.finding.is-waived{border-left-color:#00838f}
li.finding p{margin:4px 0}
section.pcn,#rules,#provenance{content-visibility:auto;contain-intrinsic-size:auto 320px}
#pcn-table{table-layout:fixed}#pcn-table th:nth-child(1){width:6.5em}#pcn-table th:nth-child(3){width:5.5em}#pcn-table th:nth-child(n+4){width:7.5em}
#pcn-table td:nth-child(n+4),.pcn-figures td:nth-child(2){text-align:right;font-variant-numeric:tabular-nums}
p.values{font-size:13px;color:#37474f;font-variant-numeric:tabular-nums}
details{margin:8px 0}code{font-size:13px}
.fixes h4{margin:14px 0 4px;font-size:15px}ol.fixes{padding-left:20px}li.fix{margin:8px 0 14px}li.fix p{margin:3px 0}
table.fix-figures{width:auto;font-size:13px}
.change-maps{display:flex;gap:10px;flex-wrap:wrap;align-items:flex-start}.change-maps figure{margin:0;background:#fbfcfd;border:1px solid #d5d9de;border-radius:4px}
.change-maps figcaption{font-size:12px;color:#5b6670;text-align:center}
svg.change-map path.territory{stroke:#37474f;stroke-width:1px}svg.change-map circle.moved{fill:#c62828;stroke:#fff;stroke-width:1px}
.change-maps .legend i{display:inline-block;width:12px;height:12px;border:1px solid #37474f}.change-maps .legend b.dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:#c62828}
)css";

// The report's only script: the map's zoom (labels that do not fit at a zoom are shown from
// the zoom where they do) and the PCN table's search and "failing only" filter. Its state is
// kept in the address (#filter?q=...&failing=1) so a filtered view can be shared. Inline and
// allowed by its hash in the Content-Security-Policy: the page still fetches nothing.
constexpr char kScript[] = R"js(
(function () {
  'use strict';
  var svg = document.getElementById('map');
  var terr = svg ? svg.querySelectorAll('path.territory') : [];
  if (svg) {
    var vb = svg.viewBox.baseVal, W = vb.width, H = vb.height, x = 0, y = 0, z = 1;
    // Labels that do not fit at the first zoom, made from data-l (x y zoom name-zoom) on their
    // territory and the PCN's name in the table, the first time the map is zoomed in.
    var NS = 'http://www.w3.org/2000/svg', made = false;
    var labels = svg.querySelectorAll('text.pcn-label, tspan.ln');
    var makeLabels = function () {
      var names = {}, group = document.getElementById('labels');
      made = true;
      document.querySelectorAll('#pcn-table tr.pcn-row').forEach(function (r) {
        names[r.dataset.pcn] = r.cells[1].textContent;
      });
      svg.querySelectorAll('path.territory[data-l]').forEach(function (p) {
        var a = p.dataset.l.split(' '), code = p.dataset.pcn, name = names[code] || '';
        if (name.length > 26) name = name.slice(0, 25) + '\u2026';
        var t = document.createElementNS(NS, 'text'), c = document.createElementNS(NS, 'tspan');
        t.setAttribute('class', 'pcn-label off');
        t.setAttribute('data-pcn', code);
        t.setAttribute('data-z', a[2]);
        t.setAttribute('x', a[0]);
        t.setAttribute('y', a[1]);
        c.setAttribute('dy', name ? '-.2em' : '.35em');
        c.textContent = code;
        t.appendChild(c);
        if (name) {
          var n = document.createElementNS(NS, 'tspan');
          n.setAttribute('class', 'ln off');
          n.setAttribute('data-z', a[3]);
          n.setAttribute('x', a[0]);
          n.setAttribute('dy', '1.15em');
          n.textContent = name;
          t.appendChild(n);
        }
        group.appendChild(t);
      });
      labels = svg.querySelectorAll('text.pcn-label, tspan.ln');
    };
    var pats = svg.querySelectorAll('pattern');
    var level = document.getElementById('zoom-level');
    var show = function () {
      x = Math.min(Math.max(x, 0), W - W / z);
      y = Math.min(Math.max(y, 0), H - H / z);
      svg.setAttribute('viewBox', x + ' ' + y + ' ' + W / z + ' ' + H / z);
      svg.style.setProperty('--z', z);
      if (z > 1 && !made) makeLabels();
      labels.forEach(function (t) { t.classList.toggle('off', +t.dataset.z > z); });
      pats.forEach(function (p) {
        p.setAttribute('patternTransform', p.dataset.rot + ' scale(' + 1 / z + ')');
      });
      level.textContent = 'zoom ' + z + '\u00d7';
    };
    var zoomAt = function (px, py, k) {
      var nz = Math.min(64, Math.max(1, z * k));
      x = px - (px - x) * z / nz;
      y = py - (py - y) * z / nz;
      z = nz;
      show();
    };
    var toMap = function (e) {
      var r = svg.getBoundingClientRect();
      return [x + (e.clientX - r.left) / r.width * W / z, y + (e.clientY - r.top) / r.height * H / z];
    };
    svg.classList.add('zoomable');
    svg.addEventListener('wheel', function (e) {
      e.preventDefault();
      var p = toMap(e);
      zoomAt(p[0], p[1], e.deltaY < 0 ? 2 : 0.5);
    }, {passive: false});
    var drag = null, moved = false;
    svg.addEventListener('pointerdown', function (e) { drag = [e.clientX, e.clientY, x, y]; moved = false; });
    window.addEventListener('pointermove', function (e) {
      if (!drag) return;
      var r = svg.getBoundingClientRect();
      if (Math.abs(e.clientX - drag[0]) + Math.abs(e.clientY - drag[1]) > 4) moved = true;
      if (!moved) return;
      x = drag[2] - (e.clientX - drag[0]) / r.width * W / z;
      y = drag[3] - (e.clientY - drag[1]) / r.height * H / z;
      show();
    });
    window.addEventListener('pointerup', function () { drag = null; });
    svg.addEventListener('click', function (e) { if (moved) { e.preventDefault(); moved = false; } }, true);
    document.getElementById('zoom-in').onclick = function () { zoomAt(x + W / z / 2, y + H / z / 2, 2); };
    document.getElementById('zoom-out').onclick = function () { zoomAt(x + W / z / 2, y + H / z / 2, 0.5); };
    document.getElementById('zoom-reset').onclick = function () { x = 0; y = 0; z = 1; show(); };
    document.getElementById('map-tools').hidden = false;
    show();
  }
  // Each finding's rule title beside its code, from the Rules section.
  var titles = {};
  document.querySelectorAll('#rule-table tr[id]').forEach(function (r) {
    titles[r.id.slice(5)] = r.cells[1].textContent;
  });
  document.querySelectorAll('li.finding b.rule').forEach(function (b) {
    var t = titles[b.textContent];
    if (t) b.insertAdjacentText('afterend', ' ' + t);
  });
  var table = document.getElementById('pcn-table');
  if (!table) return;
  var rows = table.querySelectorAll('tr.pcn-row');
  var search = document.getElementById('pcn-search'), failing = document.getElementById('pcn-failing');
  var shown = document.getElementById('pcn-shown');
  var filter = function (record) {
    var q = search.value.trim().toLowerCase(), f = failing.checked, n = 0, keep = {};
    rows.forEach(function (r) {
      var text = (r.cells[0].textContent + ' ' + r.cells[1].textContent).toLowerCase();
      var ok = (!f || r.dataset.failing === '1') && (!q || text.indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) { n++; keep[r.dataset.pcn] = true; }
    });
    shown.textContent = n + ' of ' + rows.length + ' PCNs shown';
    terr.forEach(function (p) { p.classList.toggle('dim', (q || f) && !keep[p.dataset.pcn]); });
    if (record) {
      var params = new URLSearchParams();
      if (q) params.set('q', search.value.trim());
      if (f) params.set('failing', '1');
      var s = params.toString();
      history.replaceState(null, '', s ? '#filter?' + s : location.pathname + location.search);
    }
  };
  if (location.hash.indexOf('#filter?') === 0) {
    var params = new URLSearchParams(location.hash.slice(8));
    search.value = params.get('q') || '';
    failing.checked = params.get('failing') === '1';
  }
  search.addEventListener('input', function () { filter(true); });
  failing.addEventListener('change', function () { filter(true); });
  document.getElementById('pcn-tools').hidden = false;
  filter(false);
})();
)js";

// The Content-Security-Policy source for the script: 'sha256-<base64 of its SHA-256>'.
std::string ScriptHashSource() {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(kScript), sizeof(kScript) - 1, digest);
  return absl::StrCat(
      "'sha256-",
      absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest)),
      "'");
}

std::string E(std::string_view s) { return EscapeMarkup(s); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Square kilometres to two decimals, thousands grouped ("1,234.56").
std::string Km2(double v) {
  const int64_t cents = std::llround(std::fabs(v) * 100);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%02d", static_cast<int>(cents % 100));
  return absl::StrCat(v < 0 && cents > 0 ? "-" : "", Grouped(cents / 100), frac);
}

int Count(const Report& r, const char* severity) {
  auto it = r.summary.findings_by_severity.find(severity);
  return it == r.summary.findings_by_severity.end() ? 0 : it->second;
}

std::string FindingItem(const ReportView& view, size_t i, bool in_pcn_section) {
  const Finding& f = view.report.findings[i];
  const FindingMark& m = view.marks[i];
  const std::string sev = Lower(SeverityName(f.severity));
  std::string classes = absl::StrCat("finding sev-", sev);
  if (m.baseline != Baseline::kNone) {
    absl::StrAppend(&classes, " state-", std::string(BaselineName(m.baseline)));
  }
  if (f.waiver) absl::StrAppend(&classes, " is-waived");
  if (m.failing) absl::StrAppend(&classes, " is-failing");

  // Its PCN is the section it is in (data-pcn only in "Practices and input files").
  std::string out = absl::StrCat("<li class=\"", classes, "\" id=\"finding-", i + 1,
                                 "\" data-rule=\"", E(f.rule), "\"");
  if (!in_pcn_section && !f.pcn.empty()) absl::StrAppend(&out, " data-pcn=\"", E(f.pcn), "\"");
  if (!f.practice.empty()) absl::StrAppend(&out, " data-practice=\"", E(f.practice), "\"");
  absl::StrAppend(&out, "><p>");
  // The badge takes its colour from the item's sev- class (CSS), to keep national reports small.
  absl::StrAppend(&out, "<span class=\"badge\">", std::string(SeverityName(f.severity)),
                  "</span> ");
  if (m.baseline != Baseline::kNone) {
    const std::string label(BaselineLabel(m.baseline));
    absl::StrAppend(&out, "<span class=\"badge state state-", Lower(label), "\">", label,
                    "</span> ");
  }
  if (f.waiver) absl::StrAppend(&out, "<span class=\"badge waived\">WAIVED</span> ");
  // The rule's title is in the Rules section (and put beside the code by the script): written
  // once, not once per finding.
  absl::StrAppend(&out, "<b class=\"rule\">", E(f.rule), "</b>",
                  f.practice.empty() ? "" : absl::StrCat(" &middot; practice ", E(f.practice)),
                  "</p>\n<p class=\"message\">", E(f.message), "</p>\n");
  if (f.waiver) {
    absl::StrAppend(&out, "<p class=\"waiver\">Waived: ", E(f.waiver->reason), " (approved by ",
                    E(f.waiver->approved_by), ", expires ", E(f.waiver->expires), ").</p>\n");
  }
  // The numbers as one line of text ("name: value"), not a table: a national report has
  // thousands of findings, and a table's dozen elements per finding made it slow to open
  // (docs/OUTPUTS.md: under 2 s).
  std::vector<std::string> shown_values;
  for (const auto& [k, v] : f.values) {
    const std::string shown = DisplayValue(k, v);
    // A text value the message already states word for word (a footprint code, the shares
    // list) is not repeated; numbers, and suppressed counts ("<5"), always are.
    if (std::holds_alternative<std::string>(v) && shown.size() > 2 &&
        absl::StrContains(f.message, shown)) {
      continue;
    }
    shown_values.push_back(absl::StrCat(E(k), ": ", E(shown)));
  }
  if (!shown_values.empty()) {
    absl::StrAppend(&out, "<p class=\"values\">", absl::StrJoin(shown_values, " &middot; "),
                    "</p>\n");
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

// A legend swatch: a small territory (fill, hatching in the verdict's colour, outline) or a
// line in a footprint's style, drawn the way the map draws it.
std::string AreaSwatch(const char* fill, const char* hatch, const char* stroke, double width) {
  std::string lines;
  if (hatch != nullptr) {
    for (int x = -12; x < 28; x += 6) {
      absl::StrAppend(&lines, "<path d=\"M", x, " 16L", x + 16, " 0\" stroke=\"", hatch,
                      "\" stroke-width=\"1.4\"/>");
    }
  }
  return absl::StrCat(
      "<svg width=\"28\" height=\"16\" aria-hidden=\"true\"><clipPath id=\"sw-", fill + 1,
      hatch != nullptr ? hatch + 1 : "",
      "\"><rect x=\"1\" y=\"1\" width=\"26\" height=\"14\"/>"
      "</clipPath><rect x=\"1\" y=\"1\" width=\"26\" height=\"14\" fill=\"",
      fill, "\"/><g clip-path=\"url(#sw-", fill + 1, hatch != nullptr ? hatch + 1 : "", ")\">",
      lines, "</g><rect x=\"1\" y=\"1\" width=\"26\" height=\"14\" fill=\"none\" stroke=\"", stroke,
      "\" stroke-width=\"", width, "\"/></svg>");
}

std::string LineSwatch(const char* cls) {
  return absl::StrCat(
      "<svg width=\"28\" height=\"16\" aria-hidden=\"true\"><path class=\"footprint ", cls,
      "\" d=\"M1 8H27\"/></svg>");
}

std::string Legend(const ReportView& view, std::span<const FootprintLayer> footprints) {
  std::string out = "<div class=\"legend\" id=\"map-legend\"><span class=\"l-colours\">";
  for (int c = 0; c < 4; ++c) {
    absl::StrAppend(&out,
                    "<svg width=\"10\" height=\"16\" aria-hidden=\"true\"><rect y=\"1\" "
                    "width=\"10\" height=\"14\" fill=\"",
                    kTerritoryPalette[c], "\"/></svg>");
  }
  absl::StrAppend(
      &out, " colours only tell neighbouring PCNs apart</span>", "<span class=\"l-pass\">",
      AreaSwatch(kTerritoryPalette[3], nullptr, "#9e9e9e", 0.8),
      "PCN passes (plain, thin outline)</span>", "<span class=\"l-warn\">",
      AreaSwatch(kTerritoryPalette[3], "#e65100", "#e65100", 1.6),
      "PCN with warnings (orange hatching and outline)</span>", "<span class=\"l-fail\">",
      AreaSwatch(kTerritoryPalette[3], "#b71c1c", "#b71c1c", 2.4),
      "PCN with errors (red hatching, thick red outline)</span>");
  const bool has_icb = std::any_of(footprints.begin(), footprints.end(),
                                   [](const auto& l) { return l.kind == FootprintKind::kIcb; });
  for (const auto& [kind, text] :
       {std::pair{FootprintKind::kIcb, "ICB boundary"},
        std::pair{FootprintKind::kStp, "STP boundary"},
        std::pair{FootprintKind::kSubIcb, "sub-ICB location boundary"},
        std::pair{FootprintKind::kCommunity, "community footprint boundary"}}) {
    if (kind == FootprintKind::kStp && has_icb) continue;
    const FootprintKind wanted = kind;  // a structured binding cannot be captured (C++17)
    const bool present = std::any_of(footprints.begin(), footprints.end(),
                                     [wanted](const auto& l) { return l.kind == wanted; });
    if (!present) continue;
    const std::string name(FootprintKindName(kind));
    absl::StrAppend(&out, "<span class=\"l-fp-", name, "\">", LineSwatch(("fp-" + name).c_str()),
                    text, "</span>");
  }
  bool has_findings = false;
  for (const Finding& f : view.report.findings) has_findings |= !f.geometry.IsEmpty();
  if (has_findings) {
    absl::StrAppend(&out,
                    "<span class=\"l-finding\"><svg width=\"28\" height=\"16\" "
                    "aria-hidden=\"true\"><rect class=\"finding-geom\" x=\"2\" y=\"2\" "
                    "width=\"24\" height=\"12\"/></svg>where a finding is</span>");
  }
  bool has_practices = false;
  for (const PracticeEntry& p : view.report.practices) has_practices |= p.location.has_value();
  if (has_practices) {
    absl::StrAppend(&out,
                    "<span class=\"l-practice\"><svg width=\"12\" height=\"16\" "
                    "aria-hidden=\"true\"><circle class=\"practice\" cx=\"6\" cy=\"8\" "
                    "r=\"3\"/></svg>practice (red: unallocated or in two PCNs)</span>");
  }
  absl::StrAppend(&out,
                  "<span class=\"l-labels\"><b>U12345</b>&nbsp;PCN code and name, where it "
                  "fits; zoom in for more</span></div>\n");
  return out;
}

void Map(const ReportView& view, std::span<const FootprintLayer> footprints, std::string& out) {
  absl::StrAppend(&out, "<section id=\"map-section\"><h2>Map</h2>\n");
  SvgMapOptions options;
  options.footprints = footprints;
  const std::string svg = RenderSvgMap(view, options);
  if (svg.empty()) {
    absl::StrAppend(&out,
                    "<p class=\"muted\">No geometry to draw: give a distribution and area "
                    "polygons to see territories.</p></section>\n");
    return;
  }
  absl::StrAppend(
      &out,
      "<div id=\"map-box\"><div class=\"map-tools\" id=\"map-tools\" hidden><button "
      "type=\"button\" "
      "id=\"zoom-in\" title=\"Zoom in\">+</button><button type=\"button\" id=\"zoom-out\" "
      "title=\"Zoom out\">&minus;</button><button type=\"button\" id=\"zoom-reset\">Whole "
      "map</button><span class=\"muted\" id=\"zoom-level\"></span><span class=\"muted\">Scroll "
      "or use the buttons to zoom, drag to move.</span></div>\n",
      svg, Legend(view, footprints), "</div>\n<p class=\"muted\">Majority territories (",
      E(view.report.provenance.method.empty() ? "majority" : view.report.provenance.method),
      " method) in British National Grid, simplified for drawing (the exact boundaries are in the "
      "GeoPackage, <code>--geo-out</code>)",
      footprints.empty() ? ""
                         : "; ICB, sub-ICB and community footprints from the reference data as "
                           "outlines",
      ". Hover over a territory or line for its name; select a territory or a finding's geometry "
      "to jump to its details.</p></section>\n");
}

void PcnOverview(const ReportView& view, std::string& out) {
  absl::StrAppend(
      &out,
      "<section id=\"pcns\"><h2>PCNs</h2>\n<div class=\"table-tools\" id=\"pcn-tools\" "
      "hidden><input type=\"search\" id=\"pcn-search\" placeholder=\"Search by PCN code or "
      "name\" aria-label=\"Search PCNs by code or name\"><label><input type=\"checkbox\" "
      "id=\"pcn-failing\"> failing only</label><span class=\"muted\" "
      "id=\"pcn-shown\"></span></div>\n<table id=\"pcn-table\"><tr><th>PCN</th>"
      "<th>name</th><th>verdict</th><th>population</th><th>practices</th>"
      "<th>territory km&sup2;</th><th>findings</th></tr>\n");
  for (const PcnEntry& p : view.report.pcns) {
    int n = 0;
    bool failing = false;
    for (size_t i = 0; i < view.report.findings.size(); ++i) {
      if (view.report.findings[i].pcn != p.code) continue;
      if (view.IsCurrent(i)) ++n;
      failing |= view.marks[i].failing;
    }
    const std::string verdict = view.PcnVerdict(p.code);
    absl::StrAppend(&out, "<tr class=\"pcn-row\" data-pcn=\"", E(p.code), "\"",
                    failing ? " data-failing=\"1\"" : "", "><td><a href=\"#pcn-", E(p.code), "\">",
                    E(p.code), "</a><td>", E(p.name), "<td><span class=\"badge ", Lower(verdict),
                    "\">", verdict, "</span><td>",
                    CountText(view.report, p.population, p.population_suppressed), "<td>",
                    p.practices.size(), "<td>", Km2(p.territory.area_km2), "<td>", n, "\n");
  }
  absl::StrAppend(&out,
                  "</table>\n<p class=\"muted\">Failing: a PCN with a finding that makes this "
                  "run fail (",
                  E(view.fail_policy), ").</p>\n");
}

void PcnSections(const ReportView& view, const SuggestResult* suggestions, std::string& out) {
  const Report& r = view.report;
  for (const PcnEntry& p : r.pcns) {
    const std::string verdict = view.PcnVerdict(p.code);
    absl::StrAppend(
        &out, "<section class=\"pcn\" id=\"pcn-", E(p.code), "\"><h3>", E(p.code), " ", E(p.name),
        " <span class=\"badge ", Lower(verdict), "\">", verdict,
        "</span></h3>\n<table class=\"pcn-figures\">", "<tr><th>registered population<td>",
        CountText(r, p.population, p.population_suppressed), "<td>", E(p.population_basis),
        "<tr><th>member practices<td>", p.practices.size(), "<td>",
        E(absl::StrJoin(p.practices, ", ")), "<tr><th>territory<td>", Km2(p.territory.area_km2),
        " km&sup2;<td>", p.territory.areas, p.territory.areas == 1 ? " area in " : " areas in ",
        p.territory.parts, p.territory.parts == 1 ? " part" : " parts", "; ",
        CountText(r, p.territory.patients_in_territory, p.territory.patients_suppressed),
        " of its patients live in it</table>\n");
    std::string items;
    for (size_t i = 0; i < r.findings.size(); ++i) {
      if (r.findings[i].pcn == p.code) items += FindingItem(view, i, true);
    }
    if (items.empty()) {
      absl::StrAppend(&out, "<p class=\"muted\">No findings.</p>\n");
    } else {
      absl::StrAppend(&out, "<ol class=\"findings\">\n", items, "</ol>\n");
    }
    if (suggestions != nullptr) absl::StrAppend(&out, FixSection(r, *suggestions, p.code));
    absl::StrAppend(&out, "</section>\n");
  }
  // Findings about a PCN the report has no entry for (a fixed finding of a PCN the candidate
  // dropped) and about no PCN at all (practices, the distribution).
  std::set<std::string> known;
  for (const PcnEntry& p : r.pcns) known.insert(p.code);
  std::string items;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    if (!known.count(r.findings[i].pcn)) items += FindingItem(view, i, false);
  }
  if (!items.empty()) {
    absl::StrAppend(&out,
                    "<section class=\"pcn\" id=\"pcn-none\"><h3>Practices and input "
                    "files</h3>\n<ol class=\"findings\">\n",
                    items, "</ol></section>\n");
  }
  absl::StrAppend(&out, "</section>\n");
}

// The rules that have findings in this report: code, title and what each checks. Each
// finding's rule code refers here.
void RulesSection(const Report& r, std::string& out) {
  std::map<std::string, int> counts;
  for (const Finding& f : r.findings) ++counts[f.rule];
  if (counts.empty()) return;
  absl::StrAppend(&out,
                  "<section id=\"rules\"><h2>Rules in this report</h2>\n<table "
                  "id=\"rule-table\"><tr><th>rule</th><th>title</th><th>what it checks</th>"
                  "<th>findings</th></tr>\n");
  for (const auto& [code, n] : counts) {
    const RuleInfo* info = FindRule(code);
    absl::StrAppend(&out, "<tr id=\"rule-", E(code), "\"><td><b>", E(code), "</b><td>",
                    info ? E(info->title) : "", "<td>", info ? E(info->description) : "",
                    "<td class=\"num\">", Grouped(n), "\n");
  }
  absl::StrAppend(&out, "</table></section>\n");
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

std::string RenderHtmlReport(const ReportView& view, const HtmlReportOptions& options) {
  const Report& r = view.report;
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // The report must open offline and must not call anywhere: no fetches, and no script but
      // its own (allowed by hash).
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:; script-src ",
      ScriptHashSource(),
      "\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      view.is_diff ? "pcnv diff: " : "pcnv report: ", E(r.summary.verdict), "</title>\n<style>",
      kStyle, "</style>\n</head>\n<body>\n<main>\n<h1>",
      view.is_diff ? "PCN boundary release check" : "PCN geography validation",
      " <span class=\"badge ", r.summary.verdict == "PASS" ? "pass" : "fail", "\">",
      E(r.summary.verdict), "</span></h1>\n<p class=\"muted\">", E(r.provenance.tool), "</p>\n");
  Summary(view, out);
  Map(view, options.footprints, out);
  PcnOverview(view, out);
  PcnSections(view, options.suggestions, out);
  RulesSection(r, out);
  ProvenanceSection(r, out);
  absl::StrAppend(&out, "</main>\n<script>", kScript, "</script>\n</body>\n</html>\n");
  return out;
}

absl::Status WriteHtmlReport(const ReportView& view, const std::string& path,
                             const HtmlReportOptions& options) {
  return io::WriteFile(path, RenderHtmlReport(view, options));
}

}  // namespace pcnv::report
