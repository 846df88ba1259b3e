// Internal to geo/io: the reference store's tables (layout in reference_store.h), each declared
// once. The writer creates a table's columns in the order given here, so it sets a value by
// the column's enumerator; the reader looks each column up by name, so a store whose columns
// come in another order (or carry more) still loads.
#ifndef PCNV_GEO_IO_REFERENCE_STORE_SCHEMA_H_
#define PCNV_GEO_IO_REFERENCE_STORE_SCHEMA_H_

#include <iterator>
#include <span>

#include "ogr_api.h"

namespace pcnv::io::store {

// Version 1: no pcnv_meta table (and no area_adjacency / area_footprint_shares). Version 2:
// pcnv_meta, and the per-area geometry tables. Version 3: area_adjacency.noded.
inline constexpr int kFormatVersion = 3;

struct Column {
  const char* name;
  OGRFieldType type;
};

struct Table {
  const char* name;
  OGRwkbGeometryType geometry;  // wkbNone for an attribute table
  std::span<const Column> columns;
};

// Each table: its columns, an enumerator per column (its position), and the Table.
namespace areas {
inline constexpr Column kColumns[] = {{"code", OFTString}, {"name", OFTString}};
enum : int { kCode, kName, kCount };
}  // namespace areas
inline constexpr Table kAreas = {"areas", wkbMultiPolygon, areas::kColumns};

namespace footprints {
inline constexpr Column kColumns[] = {
    {"kind", OFTString}, {"code", OFTString}, {"name", OFTString}};
enum : int { kKind, kCode, kName, kCount };
}  // namespace footprints
inline constexpr Table kFootprints = {"footprints", wkbMultiPolygon, footprints::kColumns};

namespace postcodes {
inline constexpr Column kColumns[] = {
    {"postcode", OFTString}, {"x", OFTReal}, {"y", OFTReal}, {"area_code", OFTString}};
enum : int { kPostcode, kX, kY, kAreaCode, kCount };
}  // namespace postcodes
inline constexpr Table kPostcodes = {"postcodes", wkbNone, postcodes::kColumns};

namespace layers {
inline constexpr Column kColumns[] = {{"name", OFTString},
                                      {"source", OFTString},
                                      {"sha256", OFTString},
                                      {"features", OFTInteger64},
                                      {"vintage", OFTString}};
enum : int { kName, kSource, kSha256, kFeatures, kVintage, kCount };
}  // namespace layers
inline constexpr Table kLayers = {"pcnv_layers", wkbNone, layers::kColumns};

namespace repairs {
inline constexpr Column kColumns[] = {{"layer", OFTString},
                                      {"source", OFTString},
                                      {"code", OFTString},
                                      {"feature", OFTInteger},
                                      {"reason", OFTString}};
enum : int { kLayer, kSource, kCode, kFeature, kReason, kCount };
}  // namespace repairs
inline constexpr Table kRepairs = {"pcnv_repairs", wkbNone, repairs::kColumns};

namespace meta {
inline constexpr Column kColumns[] = {{"key", OFTString}, {"value", OFTString}};
enum : int { kKey, kValue, kCount };
}  // namespace meta
inline constexpr Table kMeta = {"pcnv_meta", wkbNone, meta::kColumns};

// REAL columns are 64-bit doubles: a loaded snapshot's lengths and fractions are bit for bit
// those computed when the store was built.
namespace adjacency {
inline constexpr Column kColumns[] = {{"area_a", OFTInteger64},
                                      {"area_b", OFTInteger64},
                                      {"shared_length_m", OFTReal},
                                      {"kind", OFTString},
                                      {"noded", OFTInteger}};
enum : int { kAreaA, kAreaB, kSharedLength, kKind, kNoded, kCount };
}  // namespace adjacency
inline constexpr Table kAdjacency = {"area_adjacency", wkbNone, adjacency::kColumns};

namespace shares {
inline constexpr Column kColumns[] = {{"kind", OFTString},
                                      {"area", OFTInteger64},
                                      {"footprint", OFTInteger64},
                                      {"fraction", OFTReal}};
enum : int { kKind, kArea, kFootprint, kFraction, kCount };
}  // namespace shares
inline constexpr Table kShares = {"area_footprint_shares", wkbNone, shares::kColumns};

static_assert(std::size(areas::kColumns) == areas::kCount);
static_assert(std::size(footprints::kColumns) == footprints::kCount);
static_assert(std::size(postcodes::kColumns) == postcodes::kCount);
static_assert(std::size(layers::kColumns) == layers::kCount);
static_assert(std::size(repairs::kColumns) == repairs::kCount);
static_assert(std::size(meta::kColumns) == meta::kCount);
static_assert(std::size(adjacency::kColumns) == adjacency::kCount);
static_assert(std::size(shares::kColumns) == shares::kCount);

}  // namespace pcnv::io::store

#endif  // PCNV_GEO_IO_REFERENCE_STORE_SCHEMA_H_
