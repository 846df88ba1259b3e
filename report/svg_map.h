// The HTML report's map: an inline SVG of PCN territories, finding geometries on top, practices
// as dots, PCN labels, and the reference store's footprints (ICB, sub-ICB, community) as context
// outlines. Inline so the report is one file with no fetches.
#ifndef PCNV_REPORT_SVG_MAP_H_
#define PCNV_REPORT_SVG_MAP_H_

#include <span>
#include <string>
#include <vector>

#include "geo/reference.h"
#include "geo/report_view.h"

namespace pcnv::report {

struct SvgMapOptions {
  int width_px = 960;  // the drawing's width; its height follows the data's aspect ratio
  // Vertices closer than this fraction of the map's larger side are merged (topology kept),
  // so that a national map stays a few MB. 1/2000 is about half a pixel at 960 px. Coordinates
  // are written to a tenth of a pixel. Exact geometry is in the GeoPackage, not here.
  double simplify_fraction = 1.0 / 2000;
  // Footprint layers drawn as context outlines (clipped to the map, simplified like the
  // territories): ICB, sub-ICB and community; STP only when there is no ICB layer. May be empty
  // (a report read back from JSON, or a run on a server, has none at hand).
  std::span<const FootprintLayer> footprints;
};

// The categorical palette territories are coloured from (a greedy colouring of the territories'
// adjacency, so neighbours differ): the fill of path.territory.c{i} is kTerritoryPalette[i].
inline constexpr const char* kTerritoryPalette[] = {"#8dd3c7", "#ffed6f", "#bebada", "#80b1d3",
                                                    "#b3de69", "#fccde5", "#d9d9d9"};

// Empty when nothing has geometry (no distribution, no located practices, no finding places).
// Elements carry classes and data attributes the report's CSS, script and tests rely on:
//   path.territory.verdict-{pass,warn,fail}.c{i}[data-pcn] (fill: palette colour i, hatched in
//   the verdict's colour for warn and fail; the verdict is also the outline),
//   text.pcn-label[data-pcn][data-z] (shown from zoom data-z up; class "off" below it; only the
//   labels shown at the first zoom are written, the others are data-l="x y zoom name-zoom" on
//   their territory for the report's script to make),
//   path.footprint.fp-{icb,sub-icb,stp,community}[data-code], path.finding-geom[data-finding],
//   circle.practice[data-practice], each shape with a <title> tooltip.
std::string RenderSvgMap(const ReportView& view, const SvgMapOptions& options = {});

// A fix suggestion's before and after (the HTML report's "What would fix it"): two small maps on
// one frame, so they compare side by side, of the territories of the PCNs the change touches,
// each PCN in the same colour on both (kTerritoryPalette in list order) with a <title>, and the
// moved practices' locations as dots. Either geometry of a PCN may be null (a PCN the change
// creates or merges away). Both empty when nothing has geometry.
struct ChangeMapPcn {
  std::string code;
  const Geometry* before = nullptr;
  const Geometry* after = nullptr;
};
struct ChangeMaps {
  std::string before, after;  // <svg class="change-map"> elements
};
ChangeMaps RenderChangeMaps(const std::vector<ChangeMapPcn>& pcns, const std::vector<Point>& moved,
                            int width_px = 240);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_SVG_MAP_H_
