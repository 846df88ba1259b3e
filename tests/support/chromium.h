// Headless Chromium for the HTML report's tests: the flags for a root container without a
// display or network, and a probe that reads what a reader of the report would see.
//
// The probe is a copy of the report with the Content-Security-Policy removed and one script added
// after the report's own; it writes what it measured as JSON into <pre id="pcnv-probe">, which
// `chromium --dump-dom` then prints. It measures on the laid-out page (getBoundingClientRect,
// getComputedStyle), and drives the PCN table's filter as a person would (typing, ticking).
#ifndef PCNV_TESTS_SUPPORT_CHROMIUM_H_
#define PCNV_TESTS_SUPPORT_CHROMIUM_H_

#include <regex>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace pcnv::testing {

inline constexpr char kChromium[] = "/usr/bin/chromium";

// No sandbox (root), no GPU, nothing that phones home, a fresh profile so runs share no state.
inline std::vector<std::string> ChromiumArgs(const std::string& profile) {
  return {kChromium,
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--hide-scrollbars",
          "--user-data-dir=" + profile};
}

// What the probe reports: load_ms (navigation start to the page parsed, its script run and laid
// out), the map's on-screen width and viewBox width, labels (shown at the first zoom, the font
// size on screen in px, pairs of shown labels that overlap by more than 2 px both ways; the same
// after one zoom in, and then how many labels there are in all),
// territories, footprint outlines per class, the legend's entries, and the filter: rows shown
// after ticking "failing only" (and their PCN codes), after typing `search` (and with both), and
// territories dimmed on the map while filtered.
inline constexpr char kProbeScript[] = R"js(
(function () {
  var svg = document.getElementById('map');
  document.body.getBoundingClientRect();
  if (svg) svg.getBBox();
  var r = {load_ms: performance.now()};
  if (svg) {
    var box = svg.getBoundingClientRect();
    r.map_px = box.width;
    r.viewbox_w = svg.viewBox.baseVal.width;
    // Labels shown, and pairs of them overlapping on screen, at the current zoom.
    var labelled = function () {
      var shown = [], overlaps = 0;
      svg.querySelectorAll('text.pcn-label').forEach(function (t) {
        if (getComputedStyle(t).display !== 'none') shown.push(t.getBoundingClientRect());
      });
      for (var i = 0; i < shown.length; i++) {
        for (var j = i + 1; j < shown.length; j++) {
          var a = shown[i], b = shown[j];
          if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 &&
              Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2) overlaps++;
        }
      }
      return [shown.length, overlaps];
    };
    var first = labelled();
    r.labels_shown = first[0];
    r.label_overlaps = first[1];
    var one = svg.querySelector('text.pcn-label');
    r.label_font_px = one ? parseFloat(getComputedStyle(one).fontSize) * box.width / r.viewbox_w : 0;
    // Zoomed in once (the + button): every PCN has its label by then.
    document.getElementById('zoom-in').click();
    var second = labelled();
    r.labels = svg.querySelectorAll('text.pcn-label').length;
    r.labels_shown_zoom2 = second[0];
    r.label_overlaps_zoom2 = second[1];
    r.label_font_px_zoom2 = one ?
        parseFloat(getComputedStyle(one).fontSize) * box.width / svg.viewBox.baseVal.width : 0;
    document.getElementById('zoom-reset').click();
    r.territories = svg.querySelectorAll('path.territory').length;
    r.footprints = {};
    svg.querySelectorAll('path.footprint').forEach(function (p) {
      var k = p.getAttribute('class').split(' ')[1];
      r.footprints[k] = (r.footprints[k] || 0) + 1;
    });
    r.legend = [];
    document.querySelectorAll('#map-legend > span').forEach(function (s) {
      r.legend.push(s.className);
    });
    r.zoom_tools_shown = !document.getElementById('map-tools').hidden;
  }
  var visible = function () {
    var codes = [];
    document.querySelectorAll('#pcn-table tr.pcn-row').forEach(function (row) {
      if (!row.hidden && row.getBoundingClientRect().height > 0) codes.push(row.dataset.pcn);
    });
    return codes;
  };
  var search = document.getElementById('pcn-search'), failing = document.getElementById('pcn-failing');
  r.filter_tools_shown = !document.getElementById('pcn-tools').hidden;
  r.rows = visible().length;
  failing.checked = true;
  failing.dispatchEvent(new Event('change'));
  r.failing_codes = visible();
  r.dimmed_when_failing = document.querySelectorAll('path.territory.dim').length;
  r.address_when_failing = location.hash;
  failing.checked = false;
  failing.dispatchEvent(new Event('change'));
  search.value = '%SEARCH%';
  search.dispatchEvent(new Event('input'));
  r.search_codes = visible();
  failing.checked = true;
  failing.dispatchEvent(new Event('change'));
  r.search_and_failing_codes = visible();
  var pre = document.createElement('pre');
  pre.id = 'pcnv-probe';
  pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
})();
)js";

// The probe page for a report (its text), searching the PCN table for `search`.
inline std::string ProbePage(const std::string& html, const std::string& search) {
  std::string page = std::regex_replace(
      html, std::regex("<meta http-equiv=\"Content-Security-Policy\"[^>]*>"), "");
  std::string script = kProbeScript;
  script.replace(script.find("%SEARCH%"), 8, search);
  const size_t body_end = page.rfind("</body>");
  page.insert(body_end, "<script>" + script + "</script>\n");
  return page;
}

// The probe's JSON out of `chromium --dump-dom` (null when it is not there).
inline nlohmann::json ProbeResult(const std::string& dom) {
  const std::string open = "<pre id=\"pcnv-probe\">";
  const size_t at = dom.find(open);
  if (at == std::string::npos) return nullptr;
  const size_t end = dom.find("</pre>", at);
  std::string text = dom.substr(at + open.size(), end - at - open.size());
  for (const auto& [entity, ch] : {std::pair{"&quot;", "\""}, std::pair{"&lt;", "<"},
                                   std::pair{"&gt;", ">"}, std::pair{"&amp;", "&"}}) {
    for (size_t p = text.find(entity); p != std::string::npos; p = text.find(entity, p + 1)) {
      text.replace(p, std::string(entity).size(), ch);
    }
  }
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SUPPORT_CHROMIUM_H_
