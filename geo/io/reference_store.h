// The reference store: area polygons, footprint layers and a postcode directory packed into one
// GeoPackage (EPSG:27700), loaded as an immutable ReferenceData snapshot.
//
// GeoPackage layout:
//   areas          polygons: code, name
//   footprints     polygons: kind (icb|sub-icb|stp|community), code, name
//   postcodes      attribute table: postcode, x, y, area_code
//   pcnv_layers    attribute table: name, source, sha256, features, vintage (provenance)
//   pcnv_repairs   attribute table: layer, source, code, feature, reason (polygons repaired
//                  with make-valid when the store was built; optional on load)
#ifndef PCNV_GEO_IO_REFERENCE_STORE_H_
#define PCNV_GEO_IO_REFERENCE_STORE_H_

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
  std::string postcodes;  // file or folder; may be empty
};

// Reads every source (with the readers above) and builds a snapshot in memory. Postcodes whose
// directory has no LSOA column get their area by point-in-polygon against the areas. Invalid
// polygons that were repaired are recorded in ReferenceData::repairs().
absl::StatusOr<std::shared_ptr<const ReferenceData>> BuildReference(const ReferenceSources& src);

// Writes a snapshot to a new GeoPackage (overwrites `path`).
absl::Status WriteReferenceStore(const ReferenceData& ref, const std::string& path);

// Loads a GeoPackage written by WriteReferenceStore. Errors name the file and the layer/feature.
absl::StatusOr<std::shared_ptr<const ReferenceData>> LoadReferenceStore(const std::string& path);

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_REFERENCE_STORE_H_
