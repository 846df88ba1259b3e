// Reference data: area polygons (LSOA-like), footprint layers and a postcode directory, held as
// one immutable snapshot shared by every validation (std::shared_ptr<const ReferenceData>).
// Built once per load; geometry work that does not depend on a request is done here, or read
// from the reference store that saved it (PrecomputedGeometry).
#ifndef PCNV_GEO_REFERENCE_H_
#define PCNV_GEO_REFERENCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "geo/adjacency.h"
#include "geo/coverage_rings.h"
#include "geo/geometry.h"
#include "geo/overlay.h"

namespace pcnv {

struct Area {
  std::string code;  // e.g. E01000001
  std::string name;
  Geometry geometry;  // EPSG:27700
  double area_m2 = 0;
  double perimeter_m = 0;  // every ring (BoundaryLength, geo/adjacency.h)
};

// The kinds of footprint layer a reference store can hold.
enum class FootprintKind { kIcb, kSubIcb, kStp, kCommunity };
std::string_view FootprintKindName(FootprintKind kind);  // icb, sub-icb, stp, community
std::optional<FootprintKind> ParseFootprintKind(std::string_view name);

struct Footprint {
  std::string code;
  std::string name;
  Geometry geometry;
};

struct FootprintLayer {
  FootprintKind kind;
  std::vector<Footprint> footprints;
};

struct PostcodeEntry {
  Point location;         // EPSG:27700
  std::string area_code;  // LSOA code when the directory has one, else empty
};

// Where one layer of the snapshot came from.
struct LayerInfo {
  std::string name;    // areas, icb, sub-icb, stp, community, postcodes
  std::string source;  // original file path (as recorded when the store was built)
  std::string sha256;  // of the original file(s)
  int64_t features = 0;
  std::string vintage;  // free text, e.g. "LSOA 2011" or a file date; may be empty
};

// An input polygon that was invalid and was repaired with make-valid when the snapshot was
// built (GEO001 material): kept so every report on this snapshot can say so.
struct GeometryRepair {
  std::string layer;   // areas, icb, ...
  std::string source;  // file path
  std::string code;
  int feature = 0;     // 1-based feature index in the source layer
  std::string reason;  // GEOS's reason, with its location
};

// For each footprint layer (in footprint_layers() order), for each area, the footprints the area
// overlaps with fractions: what OverlayAreas (geo/overlay.h) gives.
using FootprintShares = std::vector<std::vector<std::vector<AreaShare>>>;  // [layer][area]

// Geometry a snapshot derives from its areas and footprints alone (docs/ARCHITECTURE.md, "Geometry
// once per snapshot"). A reference store saves it, so that loading one does no overlay; what is
// absent is computed.
struct PrecomputedGeometry {
  std::optional<AreaAdjacency> adjacency;           // must have areas.size() areas
  std::optional<FootprintShares> footprint_shares;  // must be [footprints.size()][areas.size()]
};

class SpatialIndex;  // STRtree + prepared geometries over the areas (geo/spatial_index.h)

class ReferenceData {
 public:
  ReferenceData(std::vector<Area> areas, std::vector<FootprintLayer> footprints,
                absl::flat_hash_map<std::string, PostcodeEntry> postcodes,
                std::vector<LayerInfo> layers, std::string store_path, std::string store_sha256,
                std::vector<GeometryRepair> repairs = {}, PrecomputedGeometry precomputed = {});
  ~ReferenceData();
  ReferenceData(const ReferenceData&) = delete;
  ReferenceData& operator=(const ReferenceData&) = delete;

  const std::vector<Area>& areas() const { return areas_; }
  // Which areas touch, and how (geo/adjacency.h).
  const AreaAdjacency& adjacency() const { return adjacency_; }
  // The areas' rings with their shared edges, for unions of areas (geo/coverage_rings.h).
  const CoverageRings& coverage_rings() const { return coverage_rings_; }
  // Index into areas(), or -1.
  int FindArea(std::string_view code) const;
  // Index of the area containing the point, or -1. Uses the STRtree + prepared geometries.
  int AreaContaining(Point p) const;
  // Builds the point-in-polygon indexes now rather than on the first AreaContaining or
  // FootprintContaining (the server does, so that no call pays for them). Thread-safe.
  void WarmIndexes() const;

  const std::vector<FootprintLayer>& footprint_layers() const { return footprints_; }
  const FootprintLayer* footprint_layer(FootprintKind kind) const;
  // Index into footprint_layers() of the layer of that kind, or -1.
  int footprint_layer_index(FootprintKind kind) const;
  // For layer `layer`: the footprints area `area` overlaps, with fractions (overlay.h).
  const std::vector<AreaShare>& FootprintSharesOf(int layer, int area) const {
    return area_shares_[layer][area];
  }
  // Index of the footprint of layer `layer` containing the point, or -1.
  int FootprintContaining(int layer, Point p) const;

  const PostcodeEntry* FindPostcode(std::string_view normalised) const;
  size_t postcode_count() const { return postcodes_.size(); }
  // Every postcode (normalised) -> entry; for writing a reference store.
  const absl::flat_hash_map<std::string, PostcodeEntry>& postcodes() const { return postcodes_; }

  const std::vector<LayerInfo>& layers() const { return layers_; }
  const std::vector<GeometryRepair>& repairs() const { return repairs_; }
  const std::string& store_path() const { return store_path_; }
  const std::string& store_sha256() const { return store_sha256_; }

 private:
  std::vector<Area> areas_;
  absl::flat_hash_map<std::string, int> area_by_code_;
  std::vector<FootprintLayer> footprints_;
  absl::flat_hash_map<std::string, PostcodeEntry> postcodes_;
  std::vector<LayerInfo> layers_;
  std::string store_path_;
  std::string store_sha256_;
  std::vector<GeometryRepair> repairs_;
  // Point-in-polygon indexes, built on first use (WarmIndexes): a validation that places no
  // point (a distribution by area code, practices geocoded by postcode) never needs them.
  mutable absl::once_flag indexes_once_;
  mutable std::unique_ptr<SpatialIndex> area_index_;
  mutable std::vector<std::unique_ptr<SpatialIndex>> footprint_index_;  // per layer
  FootprintShares area_shares_;                                         // [layer][area]
  AreaAdjacency adjacency_;
  CoverageRings coverage_rings_;
};

}  // namespace pcnv

#endif  // PCNV_GEO_REFERENCE_H_
