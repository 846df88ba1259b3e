// The HTML report's map: an inline SVG of PCN territories coloured by verdict, finding
// geometries on top, practices as dots. Inline so the report is one file with no fetches.
#ifndef PCNV_REPORT_SVG_MAP_H_
#define PCNV_REPORT_SVG_MAP_H_

#include <string>

#include "geo/report_view.h"

namespace pcnv::report {

struct SvgMapOptions {
  int width_px = 960;  // the drawing's width; its height follows the data's aspect ratio
  // Vertices closer than this fraction of the map's larger side are merged (topology kept),
  // so that a national map stays a few MB. 1/2000 is about half a pixel at 960 px.
  double simplify_fraction = 1.0 / 2000;
};

// Empty when nothing has geometry (no distribution, no located practices, no finding places).
// Elements carry classes and data attributes the report's CSS and tests rely on:
//   path.territory.verdict-{pass,warn,fail}[data-pcn], path.finding-geom[data-finding],
//   circle.practice[data-practice], each with a <title> tooltip.
std::string RenderSvgMap(const ReportView& view, const SvgMapOptions& options = {});

}  // namespace pcnv::report

#endif  // PCNV_REPORT_SVG_MAP_H_
