// LoadReferenceStore: a snapshot from a GeoPackage written by WriteReferenceStore (layout in
// reference_store.h, tables in reference_store_schema.h). Every row is checked.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "geo/input_limits.h"
#include "geo/io/arrow_batches.h"
#include "geo/io/gdal_util.h"
#include "geo/io/reference_store.h"
#include "geo/io/reference_store_schema.h"
#include "geo/io/remote_file.h"
#include "geo/io/versions.h"
#include "geo/wkb_scan.h"

namespace pcnv::io {
namespace {
namespace fs = std::filesystem;

// The table names, as errors quote them.
constexpr const char* kAreas = store::kAreas.name;
constexpr const char* kFootprints = store::kFootprints.name;
constexpr const char* kPostcodes = store::kPostcodes.name;
constexpr const char* kMeta = store::kMeta.name;
constexpr const char* kAdjacency = store::kAdjacency.name;
constexpr const char* kShares = store::kShares.name;

class StoreReader {
 public:
  StoreReader(GDALDatasetH ds, std::string path, StoreReading reading)
      : ds_(ds), path_(std::move(path)), arrow_(reading == StoreReading::kArrowWhereAllowed) {}

  // Whether a table may be read through the Arrow stream first.
  bool arrow() const { return arrow_; }

  // How an error names a table: "layer" for those of format 1, "table" for those format 2
  // added.
  enum class Noun { kLayer, kTable };

  struct Opened {
    OGRLayerH layer;
    std::vector<int> columns;  // field indices, by the table's column enumerators
  };
  // The table (Layer) and its columns (Columns).
  absl::StatusOr<Opened> Open(const store::Table& table, Noun noun) const {
    absl::StatusOr<OGRLayerH> layer = Layer(table);
    if (!layer.ok()) return layer.status();
    absl::StatusOr<std::vector<int>> columns = Columns(*layer, table, noun);
    if (!columns.ok()) return columns.status();
    return Opened{*layer, *std::move(columns)};
  }

  bool Has(const store::Table& table) const {
    return GDALDatasetGetLayerByName(ds_, table.name) != nullptr;
  }

  // The table, whose polygons (if it has any) must be in EPSG:27700.
  absl::StatusOr<OGRLayerH> Layer(const store::Table& table) const {
    const char* name = table.name;
    OGRLayerH layer = GDALDatasetGetLayerByName(ds_, name);
    if (layer == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ": no layer '", name, "' (not a reference store written by pcnv?)"));
    }
    if (table.geometry != wkbNone) {
      OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
      gdal::SrsPtr bng = gdal::BritishNationalGrid();
      if (srs == nullptr || !OSRIsSame(srs, bng.get())) {
        return Error(name,
                     absl::StrCat("CRS is ", gdal::DescribeCrs(srs), ", expected EPSG:27700"));
      }
    }
    return layer;
  }

  // The field index of each of the table's columns, by the columns' enumerators.
  absl::StatusOr<std::vector<int>> Columns(OGRLayerH layer, const store::Table& table,
                                           Noun noun) const {
    std::vector<int> out;
    for (const store::Column& column : table.columns) {
      const int i = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), column.name);
      if (i < 0) {
        const std::string message = absl::StrCat("missing field '", column.name, "'");
        return noun == Noun::kLayer ? Error(table.name, message) : TableError(table.name, message);
      }
      out.push_back(i);
    }
    return out;
  }

  absl::StatusOr<Geometry> Polygon(OGRFeatureH f, const char* layer) const {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (g == nullptr || OGR_G_IsEmpty(g)) return FeatureError(layer, f, "no geometry");
    std::string wkb(OGR_G_WkbSize(g), '\0');
    OGR_G_ExportToIsoWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
    absl::StatusOr<Geometry> geometry = Geometry::FromWkb(wkb);
    if (!geometry.ok()) return FeatureError(layer, f, geometry.status().message());
    // The store was written with polygons only: anything else is a damaged or hand-made store,
    // and a point "area" would win no patients and silently break every catchment.
    const std::string type = geometry->TypeName();
    if (type != "Polygon" && type != "MultiPolygon") {
      return FeatureError(layer, f,
                          absl::StrCat("geometry is a ", type,
                                       ", expected a polygon or "
                                       "multipolygon (rebuild the store: pcnv reference build)"));
    }
    OGREnvelope box;
    OGR_G_GetEnvelope(g, &box);
    if (absl::Status s = CheckBngBox(box.MinX, box.MinY, box.MaxX, box.MaxY); !s.ok()) {
      return FeatureError(layer, f, absl::StrCat("geometry ", s.message()));
    }
    return geometry;
  }

  absl::Status Error(absl::string_view layer, absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, " layer ", layer, ": ", message));
  }
  absl::Status FeatureError(absl::string_view layer, OGRFeatureH f,
                            absl::string_view message) const {
    return Error(layer, absl::StrCat("feature ", OGR_F_GetFID(f), ": ", message));
  }
  absl::Status TableError(absl::string_view table, absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, " table ", table, ": ", message));
  }
  // `row`: 1-based, in the table's order.
  absl::Status RowError(absl::string_view table, int64_t row, absl::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, " table ", table, " row ", row, ": ", message));
  }

 private:
  GDALDatasetH ds_;
  std::string path_;
  bool arrow_;
};

std::string FieldString(OGRFeatureH f, int i) { return OGR_F_GetFieldAsString(f, i); }

// Where each area's fid (which the area_adjacency and area_footprint_shares tables use) sits in
// the snapshot's areas: its place in the areas layer's order.
struct AreaIndex {
  absl::flat_hash_map<int64_t, int> index_of_fid;
  size_t count = 0;
};

struct LoadedAreas {
  std::vector<Area> areas;
  AreaIndex index;
};

// The names of a table's columns, in the order of its enumerators (for ArrowBatches).
std::vector<std::string> ColumnNames(const store::Table& table) {
  std::vector<std::string> names;
  for (const store::Column& column : table.columns) names.push_back(column.name);
  return names;
}

// The areas layer read through the Arrow stream (arrow_batches.h), with every check of
// LoadAreas's loop and StoreReader::Polygon; nullopt when the layer cannot be read that way or
// any feature fails a check: that loop then reads the layer again and names the error.
std::optional<LoadedAreas> AreasFast(OGRLayerH layer) {
  namespace col = store::areas;
  std::vector<std::string> columns = ColumnNames(store::kAreas);
  const char* geometry_column = OGR_L_GetGeometryColumn(layer);
  if (geometry_column == nullptr || *geometry_column == '\0') return std::nullopt;
  columns.push_back(geometry_column);  // at col::kCount
  std::optional<ArrowBatches> rows = ArrowBatches::Open(layer, columns);
  if (!rows) return std::nullopt;
  LoadedAreas out;
  std::vector<Area>& areas = out.areas;
  areas.reserve(static_cast<size_t>(std::max<GIntBig>(OGR_L_GetFeatureCount(layer, FALSE), 0)));
  absl::flat_hash_set<std::string_view> codes;
  while (rows->Next()) {
    for (int64_t i = 0; i < rows->rows(); ++i) {
      const std::optional<int64_t> fid = rows->Fid(i);
      const std::optional<std::string_view> code = rows->Text(col::kCode, i);
      const std::optional<std::string_view> wkb = rows->Text(col::kCount, i);
      if (!fid || !code || code->empty() || !wkb) return std::nullopt;
      absl::StatusOr<WkbShape> shape = ScanWkb(*wkb);
      if (!shape.ok() || shape->vertices == 0 || shape->non_finite ||
          !CheckBngBox(shape->min_x, shape->min_y, shape->max_x, shape->max_y).ok()) {
        return std::nullopt;
      }
      absl::StatusOr<Geometry> geometry = Geometry::FromWalkedWkb(*wkb, *shape);
      if (!geometry.ok() || geometry->IsEmpty()) return std::nullopt;
      const std::string type = geometry->TypeName();
      if (type != "Polygon" && type != "MultiPolygon") return std::nullopt;
      out.index.index_of_fid.emplace(*fid, static_cast<int>(areas.size()));
      Area& a = areas.emplace_back();
      a.code = std::string(*code);
      a.name = std::string(rows->Text(col::kName, i).value_or(""));
      a.geometry = *std::move(geometry);
      a.area_m2 = a.geometry.Area();
    }
  }
  if (rows->failed()) return std::nullopt;
  // Codes are checked once every area is in place (views of them stay put then).
  for (const Area& a : areas) {
    if (!codes.insert(a.code).second) return std::nullopt;
  }
  out.index.count = areas.size();
  return out;
}

absl::StatusOr<LoadedAreas> LoadAreas(const StoreReader& r) {
  namespace col = store::areas;
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kAreas, StoreReader::Noun::kLayer);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  const std::vector<int>& idx = table->columns;
  // Through the Arrow stream when every feature is as pcnv writes it; else feature by feature,
  // which names the first that is not.
  if (std::optional<LoadedAreas> fast = r.arrow() ? AreasFast(layer) : std::nullopt) {
    return *std::move(fast);
  }
  LoadedAreas out;
  std::vector<Area>& areas = out.areas;
  areas.reserve(static_cast<size_t>(std::max<GIntBig>(OGR_L_GetFeatureCount(layer, FALSE), 0)));
  absl::flat_hash_map<std::string, int64_t> fid_of_code;
  OGR_L_ResetReading(layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
    out.index.index_of_fid.emplace(OGR_F_GetFID(f.get()), static_cast<int>(areas.size()));
    Area a;
    a.code = FieldString(f.get(), idx[col::kCode]);
    if (a.code.empty()) return r.FeatureError(kAreas, f.get(), "empty code");
    // Finding an area by code must be unambiguous, as BuildReference makes sure of.
    if (auto [it, fresh] = fid_of_code.try_emplace(a.code, OGR_F_GetFID(f.get())); !fresh) {
      return r.FeatureError(kAreas, f.get(),
                            absl::StrCat("area code ", a.code, " already used by feature ",
                                         it->second, " (rebuild the store: pcnv reference build)"));
    }
    a.name = FieldString(f.get(), idx[col::kName]);
    absl::StatusOr<Geometry> g = r.Polygon(f.get(), kAreas);
    if (!g.ok()) return g.status();
    a.geometry = *std::move(g);
    a.area_m2 = a.geometry.Area();
    areas.push_back(std::move(a));
  }
  out.index.count = areas.size();
  return out;
}

// The same index as LoadAreas makes, from the fids alone (no field or geometry is read): for
// the tables loaded beside the areas, on another handle.
absl::StatusOr<AreaIndex> LoadAreaIndex(const StoreReader& r) {
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kAreas, StoreReader::Noun::kLayer);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  std::vector<const char*> ignored;
  for (const store::Column& column : store::kAreas.columns) ignored.push_back(column.name);
  ignored.push_back("OGR_GEOMETRY");
  ignored.push_back(nullptr);
  OGR_L_SetIgnoredFields(layer, ignored.data());
  AreaIndex out;
  OGR_L_ResetReading(layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
    out.index_of_fid.emplace(OGR_F_GetFID(f.get()), static_cast<int>(out.count++));
  }
  return out;
}

struct LoadedFootprints {
  std::vector<FootprintLayer> layers;
  absl::flat_hash_map<int64_t, std::pair<int, int>> index_of_fid;  // -> layer, footprint
};

absl::StatusOr<LoadedFootprints> LoadFootprints(const StoreReader& r) {
  namespace col = store::footprints;
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kFootprints, StoreReader::Noun::kLayer);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  const std::vector<int>& idx = table->columns;
  LoadedFootprints out;
  std::vector<FootprintLayer>& layers = out.layers;  // in order of first appearance, as written
  OGR_L_ResetReading(layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
    std::string kind_name = FieldString(f.get(), idx[col::kKind]);
    std::optional<FootprintKind> k = ParseFootprintKind(kind_name);
    if (!k) {
      return r.FeatureError(
          kFootprints, f.get(),
          absl::StrCat("unknown kind '", kind_name, "' (expected icb, sub-icb, stp or community)"));
    }
    Footprint fp;
    fp.code = FieldString(f.get(), idx[col::kCode]);
    if (fp.code.empty()) return r.FeatureError(kFootprints, f.get(), "empty code");
    fp.name = FieldString(f.get(), idx[col::kName]);
    absl::StatusOr<Geometry> g = r.Polygon(f.get(), kFootprints);
    if (!g.ok()) return g.status();
    fp.geometry = *std::move(g);
    auto it = std::find_if(layers.begin(), layers.end(),
                           [&](const FootprintLayer& l) { return l.kind == *k; });
    if (it == layers.end()) it = layers.insert(layers.end(), FootprintLayer{*k, {}});
    out.index_of_fid.emplace(OGR_F_GetFID(f.get()),
                             std::make_pair(static_cast<int>(it - layers.begin()),
                                            static_cast<int>(it->footprints.size())));
    it->footprints.push_back(std::move(fp));
  }
  return out;
}

absl::StatusOr<absl::flat_hash_map<std::string, PostcodeEntry>> LoadPostcodes(
    const StoreReader& r) {
  namespace col = store::postcodes;
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kPostcodes, StoreReader::Noun::kLayer);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  const std::vector<int>& idx = table->columns;
  const int postcode = idx[col::kPostcode], x = idx[col::kX], y = idx[col::kY],
            area = idx[col::kAreaCode];
  absl::flat_hash_map<std::string, PostcodeEntry> out;
  GIntBig count = OGR_L_GetFeatureCount(layer, FALSE);
  if (count > 0) out.reserve(static_cast<size_t>(count));
  OGR_L_ResetReading(layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
    std::string key = FieldString(f.get(), postcode);
    if (key.empty()) return r.FeatureError(kPostcodes, f.get(), "empty postcode");
    if (!OGR_F_IsFieldSetAndNotNull(f.get(), x) || !OGR_F_IsFieldSetAndNotNull(f.get(), y)) {
      return r.FeatureError(kPostcodes, f.get(), absl::StrCat("postcode ", key, " has no x/y"));
    }
    PostcodeEntry e;
    e.location = {OGR_F_GetFieldAsDouble(f.get(), x), OGR_F_GetFieldAsDouble(f.get(), y)};
    if (!std::isfinite(e.location.x) || !std::isfinite(e.location.y)) {
      return r.FeatureError(kPostcodes, f.get(), absl::StrCat("postcode ", key, ": bad x/y"));
    }
    e.area_code = FieldString(f.get(), area);
    if (!out.try_emplace(std::move(key), std::move(e)).second) {
      return r.FeatureError(kPostcodes, f.get(), "postcode listed twice");
    }
  }
  return out;
}

absl::StatusOr<std::vector<LayerInfo>> LoadLayerInfo(const StoreReader& r) {
  namespace col = store::layers;
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kLayers, StoreReader::Noun::kLayer);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  const std::vector<int>& idx = table->columns;
  std::vector<LayerInfo> out;
  OGR_L_ResetReading(layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
    LayerInfo info;
    info.name = FieldString(f.get(), idx[col::kName]);
    info.source = FieldString(f.get(), idx[col::kSource]);
    info.sha256 = FieldString(f.get(), idx[col::kSha256]);
    info.features = OGR_F_GetFieldAsInteger64(f.get(), idx[col::kFeatures]);
    info.vintage = FieldString(f.get(), idx[col::kVintage]);
    out.push_back(std::move(info));
  }
  return out;
}

// Optional: a store without the table simply had nothing repaired recorded.
absl::StatusOr<std::vector<GeometryRepair>> LoadRepairs(const StoreReader& r) {
  namespace col = store::repairs;
  std::vector<GeometryRepair> out;
  if (!r.Has(store::kRepairs)) return out;
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kRepairs, StoreReader::Noun::kLayer);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  const std::vector<int>& idx = table->columns;
  OGR_L_ResetReading(layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
    GeometryRepair repair;
    repair.layer = FieldString(f.get(), idx[col::kLayer]);
    repair.source = FieldString(f.get(), idx[col::kSource]);
    repair.code = FieldString(f.get(), idx[col::kCode]);
    repair.feature = OGR_F_GetFieldAsInteger(f.get(), idx[col::kFeature]);
    repair.reason = FieldString(f.get(), idx[col::kReason]);
    out.push_back(std::move(repair));
  }
  return out;
}

// pcnv_meta as key -> value; empty for a store written before the table existed (format 1).
absl::StatusOr<absl::flat_hash_map<std::string, std::string>> LoadMeta(const StoreReader& r) {
  absl::flat_hash_map<std::string, std::string> out;
  if (!r.Has(store::kMeta)) return out;
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kMeta, StoreReader::Noun::kTable);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  const std::vector<int>& idx = table->columns;
  OGR_L_ResetReading(layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
    out[FieldString(f.get(), idx[store::meta::kKey])] =
        FieldString(f.get(), idx[store::meta::kValue]);
  }
  return out;
}

// A non-negative count or version from pcnv_meta; -1 when the key is absent.
absl::StatusOr<int64_t> MetaNumber(const absl::flat_hash_map<std::string, std::string>& meta,
                                   const std::string& key, const StoreReader& r) {
  auto it = meta.find(key);
  if (it == meta.end()) return -1;
  int64_t n = 0;
  if (!absl::SimpleAtoi(it->second, &n) || n < 0) {
    return r.TableError(kMeta, absl::StrCat(key, ": '", it->second, "' is not a number"));
  }
  return n;
}

// The value of an integer column that must be set.
std::optional<int64_t> IntegerField(OGRFeatureH f, int i) {
  if (!OGR_F_IsFieldSetAndNotNull(f, i)) return std::nullopt;
  return OGR_F_GetFieldAsInteger64(f, i);
}

// area_adjacency's rows read through the Arrow stream (arrow_batches.h), with every check of the
// feature-by-feature loop in LoadAdjacency; nullopt when the table cannot be read that way or
// any row fails a check: that loop then reads the table again and names the error.
std::optional<std::vector<AreaPair>> AdjacencyPairsFast(OGRLayerH layer, const AreaIndex& areas) {
  namespace col = store::adjacency;
  std::optional<ArrowBatches> rows = ArrowBatches::Open(layer, ColumnNames(store::kAdjacency));
  if (!rows) return std::nullopt;
  std::vector<AreaPair> pairs;
  const GIntBig count = OGR_L_GetFeatureCount(layer, FALSE);
  if (count > 0) pairs.reserve(static_cast<size_t>(count));
  auto index_of = [&](std::optional<int64_t> fid) -> int {
    if (!fid) return -1;
    auto it = areas.index_of_fid.find(*fid);
    return it == areas.index_of_fid.end() ? -1 : it->second;
  };
  while (rows->Next()) {
    for (int64_t i = 0; i < rows->rows(); ++i) {
      AreaPair pair;
      pair.a = index_of(rows->Integer(col::kAreaA, i));
      pair.b = index_of(rows->Integer(col::kAreaB, i));
      if (pair.a < 0 || pair.b < 0 || pair.a >= pair.b) return std::nullopt;
      if (!pairs.empty() &&
          std::make_pair(pair.a, pair.b) <= std::make_pair(pairs.back().a, pairs.back().b)) {
        return std::nullopt;
      }
      const std::optional<double> length = rows->Real(col::kSharedLength, i);
      if (!length || !std::isfinite(*length) || *length < 0) return std::nullopt;
      pair.shared_length_m = *length;
      const std::optional<std::string_view> kind = rows->Text(col::kKind, i);
      if (!kind || (*kind != "edge" && *kind != "point")) return std::nullopt;
      pair.edge = *kind == "edge";
      const std::optional<int64_t> noded = rows->Integer(col::kNoded, i);
      if (!noded || (*noded != 0 && *noded != 1)) return std::nullopt;
      pair.noded = *noded == 1;
      pairs.push_back(pair);
    }
  }
  if (rows->failed()) return std::nullopt;
  return pairs;
}

// area_adjacency, when the store has it (reference_store.h): the graph, every row checked. A
// format 2 table has no `noded` column, which the graph needs: it is computed again instead.
absl::StatusOr<std::optional<AreaAdjacency>> LoadAdjacency(const StoreReader& r,
                                                           const AreaIndex& areas,
                                                           int64_t format_version) {
  namespace col = store::adjacency;
  if (!r.Has(store::kAdjacency) || format_version < 3) return std::nullopt;
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kAdjacency, StoreReader::Noun::kTable);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  const std::vector<int>& idx = table->columns;
  // Through the Arrow stream when every row is as pcnv writes it; else feature by feature,
  // which names the first row that is not.
  std::optional<std::vector<AreaPair>> fast =
      r.arrow() ? AdjacencyPairsFast(layer, areas) : std::nullopt;
  const bool read_fast = fast.has_value();
  std::vector<AreaPair> pairs = read_fast ? *std::move(fast) : std::vector<AreaPair>();
  int64_t row = 0;
  OGR_L_ResetReading(layer);
  while (!read_fast) {
    gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)};
    if (!f) break;
    ++row;
    AreaPair pair;
    for (int side = 0; side < 2; ++side) {
      const char* column = side == 0 ? "area_a" : "area_b";
      std::optional<int64_t> fid =
          IntegerField(f.get(), idx[side == 0 ? col::kAreaA : col::kAreaB]);
      if (!fid) return r.RowError(kAdjacency, row, absl::StrCat("no ", column));
      auto it = areas.index_of_fid.find(*fid);
      if (it == areas.index_of_fid.end()) {
        return r.RowError(kAdjacency, row,
                          absl::StrCat(column, " ", *fid, " is not a feature of layer areas"));
      }
      (side == 0 ? pair.a : pair.b) = it->second;
    }
    if (pair.a >= pair.b) {
      return r.RowError(
          kAdjacency, row,
          absl::StrCat("area_a ", OGR_F_GetFieldAsInteger64(f.get(), idx[col::kAreaA]),
                       " does not come before area_b ",
                       OGR_F_GetFieldAsInteger64(f.get(), idx[col::kAreaB]),
                       " in layer areas (each pair is listed once, lower first)"));
    }
    if (!pairs.empty() &&
        std::make_pair(pair.a, pair.b) <= std::make_pair(pairs.back().a, pairs.back().b)) {
      return r.RowError(kAdjacency, row,
                        "not after the previous row (rows are ordered by area_a, then area_b, "
                        "each pair once)");
    }
    const int length = idx[col::kSharedLength];
    pair.shared_length_m = OGR_F_GetFieldAsDouble(f.get(), length);
    if (!OGR_F_IsFieldSetAndNotNull(f.get(), length) || !std::isfinite(pair.shared_length_m) ||
        pair.shared_length_m < 0) {
      return r.RowError(kAdjacency, row,
                        absl::StrCat("shared_length_m '", FieldString(f.get(), length),
                                     "' is not a length >= 0"));
    }
    const std::string kind = FieldString(f.get(), idx[col::kKind]);
    if (kind != "edge" && kind != "point") {
      return r.RowError(kAdjacency, row,
                        absl::StrCat("kind '", kind, "' (expected edge or point)"));
    }
    pair.edge = kind == "edge";
    std::optional<int64_t> noded = IntegerField(f.get(), idx[col::kNoded]);
    if (!noded || (*noded != 0 && *noded != 1)) {
      return r.RowError(
          kAdjacency, row,
          absl::StrCat("noded '", FieldString(f.get(), idx[col::kNoded]), "' (expected 1 or 0)"));
    }
    pair.noded = *noded == 1;
    pairs.push_back(pair);
  }
  absl::StatusOr<AreaAdjacency> graph = AreaAdjacency::FromPairs(areas.count, pairs);
  if (!graph.ok()) return r.TableError(kAdjacency, graph.status().message());
  return std::optional<AreaAdjacency>(*std::move(graph));
}

// area_footprint_shares read through the Arrow stream, as AdjacencyPairsFast reads
// area_adjacency: every check of LoadShares's loop, nullopt at the first row that fails one.
std::optional<FootprintShares> SharesFast(OGRLayerH layer, const AreaIndex& areas,
                                          const LoadedFootprints& footprints) {
  namespace col = store::shares;
  std::optional<ArrowBatches> rows = ArrowBatches::Open(layer, ColumnNames(store::kShares));
  if (!rows) return std::nullopt;
  FootprintShares shares(footprints.layers.size(),
                         std::vector<std::vector<AreaShare>>(areas.count));
  while (rows->Next()) {
    for (int64_t i = 0; i < rows->rows(); ++i) {
      const std::optional<std::string_view> kind_name = rows->Text(col::kKind, i);
      if (!kind_name) return std::nullopt;
      const std::optional<FootprintKind> kind = ParseFootprintKind(*kind_name);
      const std::optional<int64_t> area_fid = rows->Integer(col::kArea, i);
      const std::optional<int64_t> footprint_fid = rows->Integer(col::kFootprint, i);
      if (!kind || !area_fid || !footprint_fid) return std::nullopt;
      auto area = areas.index_of_fid.find(*area_fid);
      auto footprint = footprints.index_of_fid.find(*footprint_fid);
      if (area == areas.index_of_fid.end() || footprint == footprints.index_of_fid.end()) {
        return std::nullopt;
      }
      const auto [l, fp] = footprint->second;
      const std::optional<double> fraction = rows->Real(col::kFraction, i);
      if (footprints.layers[l].kind != *kind || !fraction || !(*fraction > 0 && *fraction <= 1)) {
        return std::nullopt;
      }
      std::vector<AreaShare>& list = shares[l][area->second];
      for (const AreaShare& sh : list) {
        if (sh.footprint == fp) return std::nullopt;
      }
      list.push_back({fp, *fraction});
    }
  }
  if (rows->failed()) return std::nullopt;
  return shares;
}

// area_footprint_shares, when the store has it (reference_store.h): [layer][area], each area's
// shares in OverlayAreas's order, every row checked.
absl::StatusOr<std::optional<FootprintShares>> LoadShares(const StoreReader& r,
                                                          const AreaIndex& areas,
                                                          const LoadedFootprints& footprints) {
  namespace col = store::shares;
  if (!r.Has(store::kShares)) return std::nullopt;
  absl::StatusOr<StoreReader::Opened> table = r.Open(store::kShares, StoreReader::Noun::kTable);
  if (!table.ok()) return table.status();
  OGRLayerH layer = table->layer;
  const std::vector<int>& idx = table->columns;
  // Through the Arrow stream when every row is as pcnv writes it; else feature by feature.
  std::optional<FootprintShares> fast =
      r.arrow() ? SharesFast(layer, areas, footprints) : std::nullopt;
  const bool read_fast = fast.has_value();
  FootprintShares shares = read_fast
                               ? *std::move(fast)
                               : FootprintShares(footprints.layers.size(),
                                                 std::vector<std::vector<AreaShare>>(areas.count));
  int64_t row = 0;
  OGR_L_ResetReading(layer);
  while (!read_fast) {
    gdal::FeaturePtr f{OGR_L_GetNextFeature(layer)};
    if (!f) break;
    ++row;
    const std::string kind_name = FieldString(f.get(), idx[col::kKind]);
    std::optional<FootprintKind> kind = ParseFootprintKind(kind_name);
    if (!kind) {
      return r.RowError(
          kShares, row,
          absl::StrCat("unknown kind '", kind_name, "' (expected icb, sub-icb, stp or community)"));
    }
    std::optional<int64_t> area_fid = IntegerField(f.get(), idx[col::kArea]);
    if (!area_fid) return r.RowError(kShares, row, "no area");
    auto area = areas.index_of_fid.find(*area_fid);
    if (area == areas.index_of_fid.end()) {
      return r.RowError(kShares, row,
                        absl::StrCat("area ", *area_fid, " is not a feature of layer areas"));
    }
    std::optional<int64_t> footprint_fid = IntegerField(f.get(), idx[col::kFootprint]);
    if (!footprint_fid) return r.RowError(kShares, row, "no footprint");
    auto footprint = footprints.index_of_fid.find(*footprint_fid);
    if (footprint == footprints.index_of_fid.end()) {
      return r.RowError(
          kShares, row,
          absl::StrCat("footprint ", *footprint_fid, " is not a feature of layer footprints"));
    }
    const auto [l, fp] = footprint->second;
    if (footprints.layers[l].kind != *kind) {
      return r.RowError(kShares, row,
                        absl::StrCat("footprint ", *footprint_fid, " is of kind ",
                                     std::string(FootprintKindName(footprints.layers[l].kind)),
                                     ", not ", kind_name));
    }
    const int fraction_field = idx[col::kFraction];
    const double fraction = OGR_F_GetFieldAsDouble(f.get(), fraction_field);
    if (!OGR_F_IsFieldSetAndNotNull(f.get(), fraction_field) || !(fraction > 0 && fraction <= 1)) {
      return r.RowError(
          kShares, row,
          absl::StrCat("fraction '", FieldString(f.get(), fraction_field), "' is not in (0, 1]"));
    }
    std::vector<AreaShare>& list = shares[l][area->second];
    for (const AreaShare& sh : list) {
      if (sh.footprint == fp) {
        return r.RowError(
            kShares, row,
            absl::StrCat("footprint ", *footprint_fid, " listed twice for area ", *area_fid));
      }
    }
    list.push_back({fp, fraction});
  }
  for (auto& layer_shares : shares) {
    for (std::vector<AreaShare>& list : layer_shares) {
      std::sort(list.begin(), list.end(), InShareOrder);
    }
  }
  return std::optional<FootprintShares>(std::move(shares));
}

// The store's format_version. A store of a newer format may hold what this pcnv would silently
// ignore: refuse it.
absl::StatusOr<int64_t> CheckFormatVersion(
    const absl::flat_hash_map<std::string, std::string>& meta, const StoreReader& r) {
  absl::StatusOr<int64_t> version = MetaNumber(meta, "format_version", r);
  if (!version.ok()) return version.status();
  if (*version > store::kFormatVersion) {
    return r.TableError(
        kMeta, absl::StrCat("format_version ", *version, " is newer than this pcnv reads (",
                            store::kFormatVersion, "): use a newer pcnv or rebuild the store"));
  }
  return *version;
}

// The per-area geometry tables were computed for the areas and footprints the store holds.
absl::Status CheckCounts(const absl::flat_hash_map<std::string, std::string>& meta,
                         const StoreReader& r, const LoadedAreas& areas,
                         const LoadedFootprints& footprints) {
  size_t footprint_count = 0;
  for (const FootprintLayer& l : footprints.layers) footprint_count += l.footprints.size();
  const std::pair<const char*, size_t> counts[] = {{"areas", areas.areas.size()},
                                                   {"footprints", footprint_count}};
  for (const auto& [key, have] : counts) {
    absl::StatusOr<int64_t> expected = MetaNumber(meta, key, r);
    if (!expected.ok()) return expected.status();
    if (*expected >= 0 && static_cast<size_t>(*expected) != have) {
      return r.TableError(kMeta, absl::StrCat(kAdjacency, " and ", kShares, " were computed for ",
                                              *expected, " ", key, ", but layer ", key, " has ",
                                              have, ": rebuild the store (pcnv reference build)"));
    }
  }
  return absl::OkStatus();
}

// What LoadTablesBeside reads: each table's result, or the error that stopped it (a table after
// a failed one is not read: it keeps an error no one reports).
struct TablesBeside {
  absl::StatusOr<LoadedFootprints> footprints = absl::UnknownError("not read");
  absl::StatusOr<std::optional<AreaAdjacency>> adjacency = absl::UnknownError("not read");
  absl::StatusOr<std::optional<FootprintShares>> shares = absl::UnknownError("not read");
  AreaIndex areas;  // the areas' order as this handle read them
};

// The footprints, area_adjacency and area_footprint_shares, through a handle of its own.
TablesBeside LoadTablesBeside(const std::string& path, const std::string& shown,
                              int64_t format_version, StoreReading reading) {
  TablesBeside out;
  gdal::QuietErrors quiet;  // GDAL's error handlers are per thread
  const char* const drivers[] = {"GPKG", nullptr};
  gdal::DatasetPtr ds(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
  if (!ds) {
    out.footprints = absl::InvalidArgumentError(absl::StrCat(
        shown, ": cannot open as a GeoPackage: ", gdal::LastError("not a GeoPackage")));
    return out;
  }
  StoreReader r(ds.get(), shown, reading);
  out.footprints = LoadFootprints(r);
  if (!out.footprints.ok()) return out;
  absl::StatusOr<AreaIndex> areas = LoadAreaIndex(r);
  if (!areas.ok()) {
    out.adjacency = areas.status();
    return out;
  }
  out.areas = *std::move(areas);
  out.adjacency = LoadAdjacency(r, out.areas, format_version);
  if (!out.adjacency.ok()) return out;
  out.shares = LoadShares(r, out.areas, *out.footprints);
  return out;
}

// `path` is read; `shown` names the store in errors and in the snapshot; `sha256` is the hash of
// the file when the caller already has it, else "" (hashed here).
absl::StatusOr<std::shared_ptr<const ReferenceData>> LoadLocalStore(const std::string& path,
                                                                    const std::string& shown,
                                                                    std::string sha256,
                                                                    StoreReading reading) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return absl::NotFoundError(absl::StrCat(shown, ": no such file"));
  // Opening a FIFO blocks until something writes to it; a device never ends.
  if (!fs::is_regular_file(path, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(shown,
                     ": is not a regular file (a directory, device, FIFO or socket), expected a "
                     "reference store (.gpkg, from pcnv reference build)"));
  }
  EnsureGdalRegistered();
  gdal::QuietErrors quiet;
  const char* const drivers[] = {"GPKG", nullptr};
  gdal::DatasetPtr ds(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
  if (!ds) {
    return absl::InvalidArgumentError(absl::StrCat(
        shown, ": cannot open as a GeoPackage: ", gdal::LastError("not a GeoPackage")));
  }
  // The file's hash (for provenance) is taken on another thread while the tables load. A
  // failed load abandons it.
  std::atomic<bool> abandon_hash{false};
  std::future<absl::StatusOr<std::string>> hashing;
  if (sha256.empty()) {
    hashing = std::async(std::launch::async,
                         [&path, &abandon_hash] { return Sha256OfPath(path, &abandon_hash); });
  }
  struct AbandonOnReturn {
    std::atomic<bool>& flag;
    ~AbandonOnReturn() { flag.store(true); }
  } abandon_on_return{abandon_hash};  // declared after `hashing`: runs before its wait
  StoreReader r(ds.get(), shown, reading);
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> meta = LoadMeta(r);
  if (!meta.ok()) return meta.status();
  absl::StatusOr<int64_t> format_version = CheckFormatVersion(*meta, r);
  if (!format_version.ok()) return format_version.status();
  // The footprints and the per-area tables load beside the areas, through a second handle on
  // the file (a GDAL dataset serves one thread): the two halves take about as long. Errors are
  // still reported in the order of a serial load: the first table that fails, in reading order.
  std::future<TablesBeside> beside =
      std::async(std::launch::async, [&path, &shown, &format_version, reading] {
        return LoadTablesBeside(path, shown, *format_version, reading);
      });
  absl::StatusOr<LoadedAreas> areas = LoadAreas(r);
  absl::StatusOr<absl::flat_hash_map<std::string, PostcodeEntry>> postcodes =
      absl::UnknownError("");
  absl::StatusOr<std::vector<LayerInfo>> layers = absl::UnknownError("");
  absl::StatusOr<std::vector<GeometryRepair>> repairs = absl::UnknownError("");
  if (areas.ok()) postcodes = LoadPostcodes(r);
  if (areas.ok() && postcodes.ok()) layers = LoadLayerInfo(r);
  if (areas.ok() && postcodes.ok() && layers.ok()) repairs = LoadRepairs(r);
  TablesBeside tables = beside.get();
  if (!areas.ok()) return areas.status();
  if (!tables.footprints.ok()) return tables.footprints.status();
  if (!postcodes.ok()) return postcodes.status();
  if (!layers.ok()) return layers.status();
  if (!repairs.ok()) return repairs.status();
  LoadedFootprints& footprints = *tables.footprints;
  // Per-area geometry saved by the store (format 2); a format 1 store has none, and the
  // snapshot computes it as it would from source layers.
  if (r.Has(store::kAdjacency) || r.Has(store::kShares)) {
    if (absl::Status s = CheckCounts(*meta, r, *areas, footprints); !s.ok()) return s;
  }
  if (tables.areas.count != areas->index.count ||
      tables.areas.index_of_fid != areas->index.index_of_fid) {
    // The two handles read the areas in different orders (SQLite may scan a store edited to
    // hold an index another way): the per-area tables are read again in this handle's order.
    tables.adjacency = LoadAdjacency(r, areas->index, *format_version);
    if (tables.adjacency.ok()) tables.shares = LoadShares(r, areas->index, footprints);
  }
  if (!tables.adjacency.ok()) return tables.adjacency.status();
  if (!tables.shares.ok()) return tables.shares.status();
  std::optional<AreaAdjacency>& adjacency = *tables.adjacency;
  std::optional<FootprintShares>& shares = *tables.shares;
  ds.reset();
  if (sha256.empty()) {
    absl::StatusOr<std::string> sha = hashing.get();
    if (!sha.ok()) return sha.status();
    sha256 = *std::move(sha);
  }
  PrecomputedGeometry precomputed;
  precomputed.adjacency = std::move(adjacency);
  precomputed.footprint_shares = std::move(shares);
  return std::make_shared<const ReferenceData>(
      std::move(areas->areas), std::move(footprints.layers), *std::move(postcodes),
      *std::move(layers), shown, std::move(sha256), *std::move(repairs), std::move(precomputed));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ReferenceData>> LoadReferenceStore(const std::string& path,
                                                                        StoreReading reading) {
  if (IsRemotePath(path)) {
    // A published store (remote_file.h): loaded from a private copy, named by its redacted path
    // and hashed as fetched. The copy is deleted once loaded: the snapshot lives in memory.
    absl::StatusOr<std::unique_ptr<FetchedFile>> copy = FetchToTempFile(path);
    if (!copy.ok()) return copy.status();
    return LoadLocalStore((*copy)->local_path(), RedactedPath(path), (*copy)->sha256(), reading);
  }
  return LoadLocalStore(path, path, "", reading);
}

}  // namespace pcnv::io
