// The reference store: area polygons, footprint layers and a postcode directory packed into one
// GeoPackage (EPSG:27700), loaded as an immutable ReferenceData snapshot.
//
// GeoPackage layout (format 3):
//   areas          polygons: code, name
//   footprints     polygons: kind (icb|sub-icb|stp|community), code, name
//   postcodes      attribute table: postcode, x, y, area_code
//   pcnv_layers    attribute table: name, source, sha256, features, vintage (provenance)
//   pcnv_repairs   attribute table: layer, source, code, feature, reason (polygons repaired
//                  with make-valid when the store was built; optional on load)
//   pcnv_meta      attribute table: key, value. format_version (3), and the numbers of areas
//                  and footprints the two tables below were computed for.
//   area_adjacency attribute table: area_a, area_b (INTEGER: fids of rows of `areas`),
//                  shared_length_m (REAL), kind ('edge'|'point'), noded (INTEGER 1|0: the
//                  boundaries meet only in identical segments and shared vertices). One row per
//                  pair of areas whose geometries intersect (AreaAdjacency, geo/adjacency.h),
//                  area_a before area_b in the areas layer, rows ordered by area_a then area_b.
//   area_footprint_shares
//                  attribute table: kind (footprint layer), area (fid in `areas`), footprint
//                  (fid in `footprints`, of that kind), fraction (REAL, in (0, 1]): the share of
//                  the area's surface inside the footprint (OverlayAreas, geo/overlay.h). Areas
//                  outside every footprint of a layer have no row for it.
//
// The store writes areas and footprints in snapshot order, so fid n is the n-th row (the area
// with index n - 1). REAL columns are 64-bit doubles: a loaded snapshot's lengths and fractions
// are bit for bit those computed when the store was built, and loading does no overlay.
//
// Format 1 (pcnv before the per-area tables): no pcnv_meta, area_adjacency or
// area_footprint_shares. Format 2: area_adjacency without `noded`. Such stores still load; the
// snapshot computes what they lack (format 2: the adjacency graph, about 2 s for England).
// A store whose format_version is newer than this pcnv reads is refused.
#ifndef PCNV_GEO_IO_REFERENCE_STORE_H_
#define PCNV_GEO_IO_REFERENCE_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/io/readers.h"
#include "geo/reference.h"

namespace pcnv::io {

struct ReferenceSources {
  std::optional<LayerSpec> areas;
  std::vector<std::pair<FootprintKind, LayerSpec>> footprints;
  std::string postcodes;     // file or folder; may be empty
  CsvOptions postcodes_csv;  // how the postcode CSVs are read (their encoding)
  // The vintage of each layer, by layer name (areas, icb, sub-icb, stp, community, postcodes):
  // "YYYY-MM" as the user states it. A layer not named here takes the vintage its file name
  // states when unambiguous (VintageFromFileName), else none.
  std::map<std::string, std::string> vintages;
};

// "YYYY-MM" when the file's name (or its folder's, for a postcode folder) holds exactly one
// year-month, e.g. "nspl_2025-05" or "epraccur_2022-02.csv"; else empty. Two-digit years such
// as "icb22" are not read: "22" could be a vintage or a release number.
std::string VintageFromFileName(const std::string& path);

// Parses `--vintage LAYER=YYYY-MM` values into `src.vintages`, refusing a malformed value, a
// month outside 01-12, a layer name `src` does not build, and a layer named twice.
absl::Status AddVintages(const std::vector<std::string>& specs, ReferenceSources& src);

// Reads every source (with the readers above) and builds a snapshot in memory. Postcodes whose
// directory has no LSOA column get their area by point-in-polygon against the areas. Invalid
// polygons that were repaired are recorded in ReferenceData::repairs().
absl::StatusOr<std::shared_ptr<const ReferenceData>> BuildReference(const ReferenceSources& src);

// Writes a snapshot to a new GeoPackage (overwrites `path`), with its adjacency graph and
// footprint shares; each table in one transaction.
absl::Status WriteReferenceStore(const ReferenceData& ref, const std::string& path);

// Loads a GeoPackage written by WriteReferenceStore. Errors name the file and the layer/feature
// or table/row ("STORE table area_adjacency row 7: area_b 40000 is not a feature of layer
// areas"). The per-area tables are read when present (every row checked) and computed when
// absent (format 1). `path` may be a GDAL network path (/vsicurl/https://..., /vsis3/...): the
// store is then fetched whole first (remote_file.h) and the snapshot names it redacted.
//
// Tables are read through GDAL's Arrow stream (geo/io/arrow_batches.h) while every row is as
// pcnv writes it, and feature by feature otherwise, which names the first row that is not;
// kFeatureByFeature reads only the second way (for tests that compare the two).
enum class StoreReading { kArrowWhereAllowed, kFeatureByFeature };
absl::StatusOr<std::shared_ptr<const ReferenceData>> LoadReferenceStore(
    const std::string& path, StoreReading reading = StoreReading::kArrowWhereAllowed);

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_REFERENCE_STORE_H_
