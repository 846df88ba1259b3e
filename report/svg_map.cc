#include "report/svg_map.h"

#include <ogr_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "geo/rules/registry.h"
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

// Geometry is drawn inside <g transform="scale(.25)">: whole quarters of a pixel, so a path is
// integers, relative after each ring's first point ("M2934 3264l5-3 2 4z"). Finer than the
// simplification (half a pixel), and about half the bytes of absolute decimals.
constexpr double kUnitsPerPx = 4;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

void AppendInt(std::string& d, int64_t v, bool need_space) {
  if (need_space && v >= 0) d += ' ';
  absl::StrAppend(&d, v);
}

// Appends one ring or line; consecutive points that round to the same tenth of a pixel are
// merged, and a ring left with fewer than three points (a quarter of a pixel across) is
// dropped.
void AppendRing(const OGRSimpleCurve& ring, const Frame& f, bool close, std::string& d) {
  std::vector<std::pair<int64_t, int64_t>> pts;
  pts.reserve(static_cast<size_t>(ring.getNumPoints()));
  for (int i = 0; i < ring.getNumPoints(); ++i) {
    const std::pair<int64_t, int64_t> p{std::llround(f.X(ring.getX(i)) * kUnitsPerPx),
                                        std::llround(f.Y(ring.getY(i)) * kUnitsPerPx)};
    if (pts.empty() || pts.back() != p) pts.push_back(p);
  }
  if (close && pts.size() > 1 && pts.front() == pts.back()) pts.pop_back();
  if (pts.size() < (close ? 3u : 2u)) return;
  absl::StrAppend(&d, "M", pts[0].first, " ", pts[0].second, "l");
  for (size_t i = 1; i < pts.size(); ++i) {
    AppendInt(d, pts[i].first - pts[i - 1].first, i > 1);
    AppendInt(d, pts[i].second - pts[i - 1].second, true);
  }
  if (close) d += "z";
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

constexpr int kPaletteSize = static_cast<int>(std::size(kTerritoryPalette));

// Greedy colouring (largest degree first) of the territories' adjacency: two territories are
// neighbours when their drawn shapes come within `touch` metres (shared edges survive
// simplification only to about the tolerance). The smallest colour no neighbour has; if all are
// taken (rare on a map), the one fewest neighbours have.
std::vector<int> ColourTerritories(const std::vector<const OGRGeometry*>& shapes, double touch) {
  const size_t n = shapes.size();
  std::vector<OGREnvelope> env(n);
  for (size_t i = 0; i < n; ++i) shapes[i]->getEnvelope(&env[i]);
  std::vector<size_t> by_x(n);
  for (size_t i = 0; i < n; ++i) by_x[i] = i;
  std::sort(by_x.begin(), by_x.end(),
            [&](size_t a, size_t b) { return env[a].MinX < env[b].MinX; });
  std::vector<std::vector<int>> adj(n);
  for (size_t a = 0; a < n; ++a) {
    const size_t i = by_x[a];
    for (size_t b = a + 1; b < n; ++b) {
      const size_t j = by_x[b];
      if (env[j].MinX > env[i].MaxX + touch) break;
      if (env[j].MinY > env[i].MaxY + touch || env[i].MinY > env[j].MaxY + touch) continue;
      if (shapes[i]->Distance(shapes[j]) <= touch) {
        adj[i].push_back(static_cast<int>(j));
        adj[j].push_back(static_cast<int>(i));
      }
    }
  }
  std::vector<size_t> order = by_x;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return adj[a].size() > adj[b].size(); });
  std::vector<int> colour(n, -1);
  for (const size_t i : order) {
    int used[kPaletteSize] = {};
    for (const int j : adj[i]) {
      if (colour[j] >= 0) ++used[colour[j]];
    }
    colour[i] = static_cast<int>(std::min_element(used, used + kPaletteSize) - used);
  }
  return colour;
}

// A label's box, in zoom-1 pixels, centred on its anchor.
struct LabelBox {
  double x, y, half_w, half_h;
};

bool Overlap(const LabelBox& a, const LabelBox& b, int z) {
  return std::fabs(a.x - b.x) < (a.half_w + b.half_w) / z &&
         std::fabs(a.y - b.y) < (a.half_h + b.half_h) / z;
}

constexpr double kCodeFontPx = 12, kNameFontPx = 10;
constexpr int kMaxZoom = 64;  // the script's zoom range: 1, 2, 4 ... 64

std::string LabelName(const std::string& name) {
  constexpr size_t kMax = 26;
  if (name.size() <= kMax) return name;
  size_t cut = kMax - 1;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return name.substr(0, cut) + "\xE2\x80\xA6";
}

struct Label {
  size_t territory;  // index into the drawn territories
  double x = 0, y = 0;
  double room_w = 0, room_h = 0, room_area = 0;  // the part holding the anchor, in px
  std::string name;                              // as drawn (possibly shortened)
  LabelBox code_box{}, full_box{};               // the code alone; code and name
  int code_zoom = kMaxZoom, name_zoom = kMaxZoom;
};

bool Fits(const Label& l, const LabelBox& box, int z) {
  const double w = 2 * box.half_w / z, h = 2 * box.half_h / z;
  return w <= l.room_w * 0.95 && h <= l.room_h * 0.9 && w * h <= 0.7 * l.room_area;
}

// For each label, the smallest zoom (a power of two up to kMaxZoom) from which its code, and from
// which its code and name, fit inside its part of the territory and clear every label placed
// before it (larger territories first), at that zoom and every one above. At the largest zoom
// every label is shown whole.
void PlaceLabels(std::vector<Label>& labels) {
  std::vector<size_t> order(labels.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return labels[a].room_area > labels[b].room_area; });
  std::vector<bool> full_above(labels.size(), true), code_above(labels.size(), true);
  for (int z = kMaxZoom; z >= 1; z /= 2) {
    std::vector<const LabelBox*> placed;
    auto clear = [&](const LabelBox& box) {
      for (const LabelBox* other : placed) {
        if (Overlap(box, *other, z)) return false;
      }
      return true;
    };
    for (const size_t i : order) {
      Label& l = labels[i];
      if (z == kMaxZoom || (full_above[i] && Fits(l, l.full_box, z) && clear(l.full_box))) {
        placed.push_back(&l.full_box);
        l.code_zoom = l.name_zoom = z;
        continue;
      }
      full_above[i] = false;
      if (code_above[i] && Fits(l, l.code_box, z) && clear(l.code_box)) {
        placed.push_back(&l.code_box);
        l.code_zoom = z;
        continue;
      }
      code_above[i] = false;
    }
  }
}

// The point a territory's label sits at (GEOS point-on-surface of the drawn shape) and the
// size of the part that holds it.
bool Anchor(const OGRGeometry& shape, const Frame& f, Label& l) {
  OGRGeometryH point =
      OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&shape)));
  if (point == nullptr) return false;
  const OGRPoint* p = OGRGeometry::FromHandle(point)->toPoint();
  bool ok = !p->IsEmpty();
  if (ok) {
    l.x = f.X(p->getX());
    l.y = f.Y(p->getY());
    const OGRGeometry* room = &shape;
    if (wkbFlatten(shape.getGeometryType()) == wkbMultiPolygon) {
      for (const OGRPolygon* part : *shape.toMultiPolygon()) {
        if (part->Contains(p) || part->Touches(p)) {
          room = part;
          break;
        }
      }
    }
    OGREnvelope e;
    room->getEnvelope(&e);
    l.room_w = (e.MaxX - e.MinX) * f.scale;
    l.room_h = (e.MaxY - e.MinY) * f.scale;
    const auto type = wkbFlatten(room->getGeometryType());
    const double m2 = type == wkbPolygon        ? room->toPolygon()->get_Area()
                      : type == wkbMultiPolygon ? room->toMultiPolygon()->get_Area()
                                                : 0;
    l.room_area = m2 * f.scale * f.scale;
  }
  OGR_G_DestroyGeometry(point);
  return ok;
}

// Hatching for WARN and FAIL territories, one pattern per palette colour: the colour as the
// ground, lines in the verdict's colour. In the geometry group's units (quarter pixels); the
// script scales them with the zoom so the lines stay 5-7 px apart on screen.
std::string Patterns() {
  std::string out = "<defs>";
  for (int c = 0; c < kPaletteSize; ++c) {
    for (const auto& [id, rot, colour, width, gap] :
         {std::tuple{"hw", "rotate(-45)", "#e65100", 5, 28},
          std::tuple{"hf", "rotate(45)", "#b71c1c", 6, 22}}) {
      absl::StrAppend(&out, "<pattern id=\"", id, c, "\" data-rot=\"", rot,
                      "\" patternUnits=\"userSpaceOnUse\" width=\"", gap, "\" height=\"", gap,
                      "\" patternTransform=\"", rot, "\"><rect width=\"", gap, "\" height=\"", gap,
                      "\" fill=\"", kTerritoryPalette[c], "\"/><path d=\"M0 0V", gap,
                      "\" stroke=\"", colour, "\" stroke-width=\"", width, "\"/></pattern>");
    }
  }
  absl::StrAppend(&out, "</defs>\n");
  return out;
}

std::string Fill(const std::string& verdict, int colour) {
  if (verdict == "FAIL") return absl::StrCat("url(#hf", colour, ")");
  if (verdict == "WARN") return absl::StrCat("url(#hw", colour, ")");
  return kTerritoryPalette[colour];
}

int VerdictRank(const std::string& verdict) {
  return verdict == "FAIL" ? 2 : verdict == "WARN" ? 1 : 0;
}

// Footprint layers as outlines, clipped to a margin around the map (so that a regional map does
// not carry the rest of England) and simplified like the territories.
void AppendFootprints(std::span<const FootprintLayer> layers, const Frame& frame, double tolerance,
                      std::string& svg) {
  const bool has_icb = std::any_of(layers.begin(), layers.end(), [](const FootprintLayer& l) {
    return l.kind == FootprintKind::kIcb;
  });
  const double margin = frame.span() * 0.05;
  OGRPolygon clip;
  {
    OGRLinearRing ring;
    ring.addPoint(frame.min_x - margin, frame.min_y - margin);
    ring.addPoint(frame.max_x + margin, frame.min_y - margin);
    ring.addPoint(frame.max_x + margin, frame.max_y + margin);
    ring.addPoint(frame.min_x - margin, frame.max_y + margin);
    ring.closeRings();
    clip.addRing(&ring);
  }
  OGREnvelope clip_env;
  clip.getEnvelope(&clip_env);
  // Drawn from the finest to the coarsest, so ICB lines are on top.
  for (const FootprintKind kind : {FootprintKind::kCommunity, FootprintKind::kSubIcb,
                                   FootprintKind::kStp, FootprintKind::kIcb}) {
    if (kind == FootprintKind::kStp && has_icb) continue;
    for (const FootprintLayer& layer : layers) {
      if (layer.kind != kind) continue;
      const std::string name(FootprintKindName(kind));
      absl::StrAppend(&svg, "<g class=\"footprints fp-", name, "\">\n");
      for (const Footprint& fp : layer.footprints) {
        OgrGeometryPtr g = ToOgr(fp.geometry);
        if (!g) continue;
        OGREnvelope e;
        g->getEnvelope(&e);
        if (!e.Intersects(clip_env)) continue;
        if (!clip_env.Contains(e)) {
          OGRGeometry* cut = g->Intersection(&clip);
          if (cut == nullptr || cut->IsEmpty()) {
            delete cut;
            continue;
          }
          g.reset(cut);
        }
        std::string d;
        AppendPath(*Simplified(std::move(g), tolerance), frame, d);
        if (d.empty()) continue;
        absl::StrAppend(&svg, "<path class=\"footprint fp-", name, "\" data-code=\"",
                        EscapeMarkup(fp.code), "\" d=\"", d, "\"><title>", name, " ",
                        EscapeMarkup(fp.code), fp.name.empty() ? "" : " ", EscapeMarkup(fp.name),
                        "</title></path>\n");
      }
      absl::StrAppend(&svg, "</g>\n");
    }
  }
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

  // Territories: simplified for drawing, coloured apart from their neighbours, drawn PASS first
  // and FAIL last so that the verdict outlines are not hidden under a neighbour's.
  std::vector<const OGRGeometry*> shapes;
  shapes.reserve(territories.size());
  for (Shape& s : territories) {
    s.geom = Simplified(std::move(s.geom), tolerance);
    shapes.push_back(s.geom.get());
  }
  const std::vector<int> colour = ColourTerritories(shapes, tolerance * 2);
  std::vector<std::string> verdicts;
  verdicts.reserve(territories.size());
  for (const Shape& s : territories) verdicts.push_back(view.PcnVerdict(r.pcns[s.index].code));
  std::vector<size_t> draw_order(territories.size());
  for (size_t i = 0; i < draw_order.size(); ++i) draw_order[i] = i;
  std::stable_sort(draw_order.begin(), draw_order.end(), [&](size_t a, size_t b) {
    return VerdictRank(verdicts[a]) < VerdictRank(verdicts[b]);
  });

  std::vector<Label> labels;
  for (size_t t = 0; t < territories.size(); ++t) {
    Label l;
    l.territory = t;
    if (!Anchor(*territories[t].geom, frame, l)) continue;
    const PcnEntry& p = r.pcns[territories[t].index];
    l.name = LabelName(p.name);
    // Average glyph widths of a bold sans-serif: 0.66 em for capitals and digits.
    const double code_w = p.code.size() * 0.66 * kCodeFontPx;
    const double w = std::max(code_w, l.name.size() * 0.62 * kNameFontPx);
    const double h = l.name.empty() ? kCodeFontPx * 1.2 : (kCodeFontPx + kNameFontPx) * 1.2;
    l.code_box = {l.x, l.y - kCodeFontPx * 0.5, code_w / 2 + 2, kCodeFontPx * 0.6 + 1};
    l.full_box = l.name.empty() ? l.code_box : LabelBox{l.x, l.y, w / 2 + 2, h / 2 + 1};
    labels.push_back(std::move(l));
  }
  PlaceLabels(labels);

  std::string svg = absl::StrCat(
      "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ",
      options.width_px, " ", Num(height), "\" width=\"", options.width_px, "\" height=\"",
      Num(height),
      "\" aria-label=\"Map of PCN territories: the outline and hatching show each verdict\">\n",
      Patterns());
  // Path data first: a finding whose drawn shape is its PCN's whole territory is not drawn again
  // (the territory's outline and hatching already show it; its title and data-findings name
  // the finding), and findings with the same drawn shape share one path.
  std::vector<std::string> territory_d(territories.size());
  absl::flat_hash_map<std::string, size_t> territory_of;  // PCN code -> index in territories
  for (size_t t = 0; t < territories.size(); ++t) {
    AppendPath(*territories[t].geom, frame, territory_d[t]);
    territory_of[r.pcns[territories[t].index].code] = t;
  }
  std::vector<std::vector<size_t>> whole_territory(territories.size());  // finding indexes
  struct FindingPath {
    std::string d, cls;
    std::vector<size_t> findings;
  };
  std::vector<FindingPath> finding_paths;
  absl::flat_hash_map<std::string, size_t> path_of;  // d + class -> index in finding_paths
  std::string finding_points;                        // drawn in pixels, after the geometry group
  auto tip_of = [&](size_t i) {
    const Finding& f = r.findings[i];
    const RuleInfo* rule = FindRule(f.rule);
    return absl::StrCat(f.rule, " ", f.pcn.empty() ? f.practice : f.pcn, ": ",
                        rule ? std::string(rule->title) : "", " (finding ", i + 1, ")");
  };
  for (Shape& s : findings) {
    const Finding& f = r.findings[s.index];
    const FindingMark& m = view.marks[s.index];
    const std::string cls =
        absl::StrCat("finding-geom sev-", Lower(std::string(SeverityName(f.severity))),
                     m.baseline == Baseline::kAbsent ? " fixed" : "");
    std::vector<std::pair<double, double>> points;
    CollectPoints(*s.geom, points);
    // Compared with the territory as the territory is drawn; drawn itself at twice the
    // tolerance.
    std::string d;
    OgrGeometryPtr drawn = Simplified(OgrGeometryPtr(s.geom->clone()), tolerance);
    AppendPath(*drawn, frame, d);
    const auto t = territory_of.find(f.pcn);
    const bool whole = !d.empty() && m.baseline != Baseline::kAbsent && t != territory_of.end() &&
                       territory_d[t->second] == d;
    if (!whole) {
      d.clear();
      drawn = Simplified(std::move(s.geom), 2 * tolerance);
      AppendPath(*drawn, frame, d);
    }
    if (d.empty() && points.empty()) {
      // Smaller than the drawing's resolution: a marker where it is, so it can still be found.
      OGRPoint c;
      if (drawn->Centroid(&c) == OGRERR_NONE && !c.IsEmpty()) {
        points.emplace_back(c.getX(), c.getY());
      }
    }
    if (!d.empty()) {
      if (whole) {
        whole_territory[t->second].push_back(s.index);
      } else {
        auto [it, added] = path_of.try_emplace(absl::StrCat(cls, "|", d), finding_paths.size());
        if (added) finding_paths.push_back({std::move(d), cls, {}});
        finding_paths[it->second].findings.push_back(s.index);
      }
    }
    // The rule's title, not the message: the message is one click away, and a national map
    // has thousands of these.
    for (const auto& [x, y] : points) {
      absl::StrAppend(&finding_points, "<a href=\"#finding-", s.index + 1, "\"><circle class=\"",
                      cls, " point\" data-finding=\"", s.index + 1, "\" cx=\"", Num(frame.X(x)),
                      "\" cy=\"", Num(frame.Y(y)), "\" r=\"6\"><title>",
                      EscapeMarkup(tip_of(s.index)), "</title></circle></a>\n");
    }
  }

  std::vector<std::string> deferred_label(territories.size());
  for (const Label& l : labels) {
    if (l.code_zoom == 1) continue;
    deferred_label[l.territory] = absl::StrCat(" data-l=\"", Num(l.x), " ", Num(l.y), " ",
                                               l.code_zoom, " ", l.name_zoom, "\"");
  }
  absl::StrAppend(&svg, "<g id=\"geometry\" transform=\"scale(.25)\">\n<g id=\"territories\">\n");
  for (const size_t t : draw_order) {
    const PcnEntry& p = r.pcns[territories[t].index];
    const std::string& verdict = verdicts[t];
    std::string whole, numbers;
    for (const size_t i : whole_territory[t]) {
      absl::StrAppend(&whole, whole.empty() ? "" : ", ", r.findings[i].rule);
      absl::StrAppend(&numbers, numbers.empty() ? "" : " ", i + 1);
    }
    absl::StrAppend(
        &svg, "<a href=\"#pcn-", EscapeMarkup(p.code), "\"><path class=\"territory verdict-",
        Lower(verdict), " c", colour[t], "\" data-pcn=\"", EscapeMarkup(p.code), "\"",
        numbers.empty() ? "" : absl::StrCat(" data-findings=\"", numbers, "\""), deferred_label[t],
        " fill=\"", Fill(verdict, colour[t]), "\" d=\"", territory_d[t], "\"><title>",
        EscapeMarkup(p.code), " ", EscapeMarkup(p.name), ": ", verdict,
        whole.empty() ? "" : absl::StrCat("; about the whole territory: ", whole),
        "</title></path></a>\n");
  }
  absl::StrAppend(&svg, "</g>\n<g id=\"footprints\">\n");
  // Context lines and finding overlays at twice the territories' tolerance (about a pixel).
  AppendFootprints(options.footprints, frame, 2 * tolerance, svg);
  absl::StrAppend(&svg, "</g>\n<g id=\"findings\">\n");
  for (const FindingPath& fp : finding_paths) {
    std::string tip, numbers;
    for (const size_t i : fp.findings) {
      absl::StrAppend(&tip, tip.empty() ? "" : "\n", tip_of(i));
      absl::StrAppend(&numbers, numbers.empty() ? "" : " ", i + 1);
    }
    absl::StrAppend(&svg, "<a href=\"#finding-", fp.findings[0] + 1, "\"><path class=\"", fp.cls,
                    "\" data-finding=\"", numbers, "\" d=\"", fp.d, "\"><title>", EscapeMarkup(tip),
                    "</title></path></a>\n");
  }
  absl::StrAppend(&svg, "</g>\n</g>\n", finding_points, "<g id=\"practices\">\n");
  for (const PracticeEntry& p : r.practices) {
    if (!p.location) continue;
    absl::StrAppend(&svg, "<circle class=\"practice status-", EscapeMarkup(p.status),
                    "\" data-practice=\"", EscapeMarkup(p.code), "\" cx=\"",
                    Num(frame.X(p.location->x)), "\" cy=\"", Num(frame.Y(p.location->y)),
                    "\" r=\"3\"><title>", EscapeMarkup(p.code), " ", EscapeMarkup(p.name), " (",
                    EscapeMarkup(p.pcn.empty() ? "no PCN" : p.pcn), ")</title></circle>\n");
  }
  // Labels last, on top of everything. The ones shown at the first zoom are written here; the
  // others (most of them on a national map) only as data-l="x y code-zoom name-zoom" on their
  // territory, and the script makes them as the map is zoomed (docs/OUTPUTS.md), which keeps a
  // national report small.
  absl::StrAppend(&svg, "</g>\n<g id=\"labels\">\n");
  for (const Label& l : labels) {
    if (l.code_zoom > 1) continue;
    const PcnEntry& p = r.pcns[territories[l.territory].index];
    absl::StrAppend(&svg, "<text class=\"pcn-label\" data-pcn=\"", EscapeMarkup(p.code),
                    "\" data-z=\"1\" x=\"", Num(l.x), "\" y=\"", Num(l.y), "\"><tspan",
                    l.name.empty() ? " dy=\".35em\"" : " dy=\"-.2em\"", ">", EscapeMarkup(p.code),
                    "</tspan>");
    if (!l.name.empty()) {
      absl::StrAppend(&svg, "<tspan class=\"ln", l.name_zoom > 1 ? " off" : "", "\" data-z=\"",
                      l.name_zoom, "\" x=\"", Num(l.x), "\" dy=\"1.15em\">", EscapeMarkup(l.name),
                      "</tspan>");
    }
    absl::StrAppend(&svg, "</text>\n");
  }
  absl::StrAppend(&svg, "</g>\n</svg>\n");
  return svg;
}

ChangeMaps RenderChangeMaps(const std::vector<ChangeMapPcn>& pcns, const std::vector<Point>& moved,
                            int width_px) {
  Frame frame;
  frame.pad = 4;
  struct Side {
    std::vector<std::pair<OgrGeometryPtr, size_t>> shapes;  // geometry, index in pcns
  } before, after;
  for (size_t i = 0; i < pcns.size(); ++i) {
    for (auto [side, g] : {std::pair{&before, pcns[i].before}, std::pair{&after, pcns[i].after}}) {
      if (g == nullptr) continue;
      if (OgrGeometryPtr o = ToOgr(*g)) {
        frame.Extend(*o);
        side->shapes.emplace_back(std::move(o), i);
      }
    }
  }
  for (const Point& p : moved) {
    OGRPoint pt(p.x, p.y);
    frame.Extend(pt);
  }
  if (frame.empty()) return {};
  frame.scale = (width_px - 2 * frame.pad) / frame.span();
  const double height = 2 * frame.pad + (frame.max_y - frame.min_y) * frame.scale;
  const double tolerance = frame.span() / width_px;  // a pixel: a thumbnail
  auto render = [&](Side& side, const char* label) {
    std::string svg = absl::StrCat(
        "<svg class=\"change-map\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 "
        "0 ",
        width_px, " ", Num(height), "\" width=\"", width_px, "\" height=\"", Num(height),
        "\" aria-label=\"", label, "\"><g transform=\"scale(.25)\">");
    for (auto& [geom, i] : side.shapes) {
      std::string d;
      AppendPath(*Simplified(std::move(geom), tolerance), frame, d);
      absl::StrAppend(&svg, "<path class=\"territory\" fill=\"",
                      kTerritoryPalette[i % kPaletteSize], "\" d=\"", d, "\"><title>",
                      EscapeMarkup(pcns[i].code), "</title></path>");
    }
    absl::StrAppend(&svg, "</g>");
    for (const Point& p : moved) {
      absl::StrAppend(&svg, "<circle class=\"moved\" cx=\"", Num(frame.X(p.x)), "\" cy=\"",
                      Num(frame.Y(p.y)), "\" r=\"3\"/>");
    }
    absl::StrAppend(&svg, "</svg>");
    return svg;
  };
  return {render(before, "Territories before the change"),
          render(after, "Territories after the change")};
}

}  // namespace pcnv::report
