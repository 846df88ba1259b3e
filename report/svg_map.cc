#include "report/svg_map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "absl/strings/str_cat.h"
#include "report/markup.h"
#include "report/ogr_geometry.h"

namespace pcnv::report {
namespace {

// Map coordinates: metres east/north -> SVG pixels (y grows downwards).
struct Frame {
  double min_x = std::numeric_limits<double>::max(), min_y = min_x;
  double max_x = std::numeric_limits<double>::lowest(), max_y = max_x;
  double scale = 1;
  double pad = 8;

  void Extend(const OGRGeometry& g) {
    OGREnvelope e;
    g.getEnvelope(&e);
    min_x = std::min(min_x, e.MinX);
    min_y = std::min(min_y, e.MinY);
    max_x = std::max(max_x, e.MaxX);
    max_y = std::max(max_y, e.MaxY);
  }
  bool empty() const { return min_x > max_x; }
  double span() const { return std::max({max_x - min_x, max_y - min_y, 1.0}); }
  double X(double x) const { return pad + (x - min_x) * scale; }
  double Y(double y) const { return pad + (max_y - y) * scale; }
};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

void AppendRing(const OGRLineString& ring, const Frame& f, bool close, std::string& d) {
  const int n = ring.getNumPoints();
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&d, i == 0 ? "M" : "L", Num(f.X(ring.getX(i))), " ", Num(f.Y(ring.getY(i))));
  }
  if (close && n > 0) d += "Z";
}

// Path data for polygons and lines; points are drawn as circles by the caller.
void AppendPath(const OGRGeometry& g, const Frame& f, std::string& d) {
  switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon: {
      const auto& poly = *g.toPolygon();
      for (const OGRLinearRing* ring : poly) AppendRing(*ring, f, true, d);
      break;
    }
    case wkbLineString:
      AppendRing(*g.toLineString(), f, false, d);
      break;
    case wkbMultiPolygon:
    case wkbMultiLineString:
    case wkbGeometryCollection:
    case wkbMultiPoint: {
      const auto& coll = *g.toGeometryCollection();
      for (const OGRGeometry* part : coll) AppendPath(*part, f, d);
      break;
    }
    default:
      break;
  }
}

void CollectPoints(const OGRGeometry& g, std::vector<std::pair<double, double>>& out) {
  const auto type = wkbFlatten(g.getGeometryType());
  if (type == wkbPoint) {
    out.emplace_back(g.toPoint()->getX(), g.toPoint()->getY());
  } else if (OGR_GT_IsSubClassOf(type, wkbGeometryCollection)) {
    for (const OGRGeometry* part : *g.toGeometryCollection()) CollectPoints(*part, out);
  }
}

OgrGeometryPtr Simplified(OgrGeometryPtr g, double tolerance) {
  if (!g || tolerance <= 0) return g;
  const auto type = wkbFlatten(g->getGeometryType());
  if (type == wkbPoint || type == wkbMultiPoint) return g;
  OGRGeometry* s = g->SimplifyPreserveTopology(tolerance);
  return s != nullptr ? OgrGeometryPtr(s) : std::move(g);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string RenderSvgMap(const ReportView& view, const SvgMapOptions& options) {
  const Report& r = view.report;
  struct Shape {
    OgrGeometryPtr geom;
    size_t index;
  };
  std::vector<Shape> territories, findings;
  Frame frame;
  for (size_t i = 0; i < r.pcns.size(); ++i) {
    if (auto g = ToOgr(r.pcns[i].territory_geometry)) {
      frame.Extend(*g);
      territories.push_back({std::move(g), i});
    }
  }
  for (size_t i = 0; i < r.findings.size(); ++i) {
    if (auto g = ToOgr(r.findings[i].geometry)) {
      frame.Extend(*g);
      findings.push_back({std::move(g), i});
    }
  }
  for (const PracticeEntry& p : r.practices) {
    if (!p.location) continue;
    OGRPoint pt(p.location->x, p.location->y);
    frame.Extend(pt);
  }
  if (frame.empty()) return "";

  frame.scale = (options.width_px - 2 * frame.pad) / std::max(frame.max_x - frame.min_x, 1.0);
  const double height = 2 * frame.pad + (frame.max_y - frame.min_y) * frame.scale;
  const double tolerance = frame.span() * options.simplify_fraction;

  std::string svg = absl::StrCat(
      "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ",
      options.width_px, " ", Num(height), "\" width=\"", options.width_px, "\" height=\"",
      Num(height), "\" aria-label=\"Map of PCN territories coloured by verdict\">\n");
  absl::StrAppend(&svg, "<g id=\"territories\">\n");
  for (Shape& s : territories) {
    const PcnEntry& p = r.pcns[s.index];
    const std::string verdict = view.PcnVerdict(p.code);
    std::string d;
    AppendPath(*Simplified(std::move(s.geom), tolerance), frame, d);
    absl::StrAppend(&svg, "<a href=\"#pcn-", EscapeMarkup(p.code),
                    "\"><path class=\"territory verdict-", Lower(verdict), "\" data-pcn=\"",
                    EscapeMarkup(p.code), "\" d=\"", d, "\"><title>", EscapeMarkup(p.code), " ",
                    EscapeMarkup(p.name), ": ", verdict, "</title></path></a>\n");
  }
  absl::StrAppend(&svg, "</g>\n<g id=\"findings\">\n");
  for (Shape& s : findings) {
    const Finding& f = r.findings[s.index];
    const FindingMark& m = view.marks[s.index];
    const std::string cls =
        absl::StrCat("finding-geom sev-", Lower(std::string(SeverityName(f.severity))),
                     m.baseline == Baseline::kAbsent ? " fixed" : "");
    const std::string tip = EscapeMarkup(
        absl::StrCat(f.rule, " ", f.pcn.empty() ? f.practice : f.pcn, ": ", f.message));
    std::vector<std::pair<double, double>> points;
    CollectPoints(*s.geom, points);
    std::string d;
    AppendPath(*Simplified(std::move(s.geom), tolerance), frame, d);
    const std::string href = absl::StrCat("#finding-", s.index + 1);
    if (!d.empty()) {
      absl::StrAppend(&svg, "<a href=\"", href, "\"><path class=\"", cls, "\" data-finding=\"",
                      s.index + 1, "\" d=\"", d, "\"><title>", tip, "</title></path></a>\n");
    }
    for (const auto& [x, y] : points) {
      absl::StrAppend(&svg, "<a href=\"", href, "\"><circle class=\"", cls,
                      " point\" data-finding=\"", s.index + 1, "\" cx=\"", Num(frame.X(x)),
                      "\" cy=\"", Num(frame.Y(y)), "\" r=\"6\"><title>", tip,
                      "</title></circle></a>\n");
    }
  }
  absl::StrAppend(&svg, "</g>\n<g id=\"practices\">\n");
  for (const PracticeEntry& p : r.practices) {
    if (!p.location) continue;
    absl::StrAppend(&svg, "<circle class=\"practice status-", EscapeMarkup(p.status),
                    "\" data-practice=\"", EscapeMarkup(p.code), "\" cx=\"",
                    Num(frame.X(p.location->x)), "\" cy=\"", Num(frame.Y(p.location->y)),
                    "\" r=\"3\"><title>", EscapeMarkup(p.code), " ", EscapeMarkup(p.name), " (",
                    EscapeMarkup(p.pcn.empty() ? "no PCN" : p.pcn), ")</title></circle>\n");
  }
  absl::StrAppend(&svg, "</g>\n</svg>\n");
  return svg;
}

}  // namespace pcnv::report
