// The GIS export: a GeoPackage (one file, four layers) or GeoJSON (one file per layer, since a
// GeoJSON file holds one feature collection), for QGIS and ogr2ogr. A GeoPackage is in EPSG:27700
// and GeoJSON is RFC 7946 (EPSG:4326, lon/lat, right-hand rule, 6 decimals) unless the caller
// names the other CRS; geometries leave EPSG:27700 through geo/io/geometry_export.h, the code
// that writes the server's GeoJSON replies. Areas (area_km2) are always measured in EPSG:27700.
//
// Layers and attributes (docs/OUTPUTS.md has the full table):
//   pcn_territories   MultiPolygon  one per PCN with a territory: code, name, verdict, counts,
//                                   population, practices, territory metrics
//   share_catchments  MultiPolygon  one per PCN with a share catchment
//   findings          any / null    one per finding: rule, title, severity, PCN, practice,
//                                   message, values (JSON, small numbers suppressed), diff status
//   practices         Point / null  one per practice: code, name, PCN, status, list size
#ifndef PCNV_REPORT_GEO_LAYERS_H_
#define PCNV_REPORT_GEO_LAYERS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/io/geometry_export.h"
#include "geo/report_view.h"

namespace pcnv::report {

inline constexpr const char* kGeoLayerNames[] = {"pcn_territories", "share_catchments", "findings",
                                                 "practices"};

// Called after each layer: (layer name, layers done, layers in all).
using LayerProgress = std::function<void(std::string_view layer, int done, int total)>;

// `path` ends in .gpkg (GeoPackage) or .geojson / .json (GeoJSON: out.geojson becomes
// out_pcn_territories.geojson, out_share_catchments.geojson, ...). `crs` absent: the format's
// default above. An existing file is replaced. Returns the files written.
absl::StatusOr<std::vector<std::string>> WriteGeoLayers(
    const ReportView& view, const std::string& path,
    std::optional<io::OutputCrs> crs = std::nullopt, const LayerProgress& progress = {});

// The file a GeoJSON layer goes to: "dir/out.geojson" + "findings" -> "dir/out_findings.geojson".
std::string GeoJsonLayerPath(const std::string& path, std::string_view layer);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_GEO_LAYERS_H_
