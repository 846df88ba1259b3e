// The reference store: BuildReference (from source layers), WriteReferenceStore and
// LoadReferenceStore (one GeoPackage, layout in reference_store.h).
#include "geo/io/reference_store.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "geo/io/gdal_util.h"
#include "geo/io/versions.h"

namespace pcnv::io {
namespace {
namespace fs = std::filesystem;

constexpr char kAreas[] = "areas";
constexpr char kFootprints[] = "footprints";
constexpr char kPostcodes[] = "postcodes";
constexpr char kLayers[] = "pcnv_layers";
constexpr char kRepairs[] = "pcnv_repairs";
constexpr char kMeta[] = "pcnv_meta";
constexpr char kAdjacency[] = "area_adjacency";
constexpr char kShares[] = "area_footprint_shares";

// Version 1: no pcnv_meta table (and no area_adjacency / area_footprint_shares). Version 2:
// pcnv_meta, and the per-area geometry tables. Version 3: area_adjacency.noded.
constexpr int kFormatVersion = 3;

absl::StatusOr<LayerInfo> DescribeSource(const std::string& name, const std::string& path,
                                         int64_t features) {
  LayerInfo info;
  info.name = name;
  info.source = path;
  info.features = features;
  // A PostGIS table has no bytes to hash; its provenance is the connection string alone.
  if (!absl::StartsWithIgnoreCase(path, "PG:")) {
    absl::StatusOr<std::string> sha = Sha256OfPath(path);
    if (!sha.ok()) return sha.status();
    info.sha256 = *sha;
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// Writing

class StoreWriter {
 public:
  StoreWriter(GDALDatasetH ds, std::string path) : ds_(ds), path_(std::move(path)) {}

  absl::StatusOr<OGRLayerH> CreateLayer(
      const char* name, OGRwkbGeometryType type,
      std::initializer_list<std::pair<const char*, OGRFieldType>> fields) {
    gdal::SrsPtr bng = gdal::BritishNationalGrid();
    OGRLayerH layer =
        GDALDatasetCreateLayer(ds_, name, type == wkbNone ? nullptr : bng.get(), type, nullptr);
    if (layer == nullptr) return Error(name, absl::StrCat("cannot create: ", gdal::LastError()));
    for (const auto& [field, ftype] : fields) {
      gdal::FieldDefnPtr defn(OGR_Fld_Create(field, ftype));
      if (OGR_L_CreateField(layer, defn.get(), TRUE) != OGRERR_NONE) {
        return Error(name, absl::StrCat("cannot create field ", field, ": ", gdal::LastError()));
      }
    }
    return layer;
  }

  // One transaction per layer: GeoPackage inserts outside a transaction are one fsync each,
  // which for 2.7M postcodes would take hours.
  absl::Status Begin(const char* layer) {
    if (GDALDatasetStartTransaction(ds_, FALSE) != OGRERR_NONE) {
      return Error(layer, absl::StrCat("cannot start a transaction: ", gdal::LastError()));
    }
    return absl::OkStatus();
  }
  absl::Status Commit(const char* layer) {
    if (GDALDatasetCommitTransaction(ds_) != OGRERR_NONE) {
      return Error(layer, absl::StrCat("cannot commit: ", gdal::LastError()));
    }
    return absl::OkStatus();
  }

  absl::Status SetPolygon(OGRFeatureH f, const Geometry& g, const char* layer, size_t index) {
    std::string wkb = g.ToWkb();
    OGRGeometryH raw = nullptr;
    if (wkb.empty() || OGR_G_CreateFromWkb(wkb.data(), nullptr, &raw,
                                           static_cast<int>(wkb.size())) != OGRERR_NONE) {
      return Error(layer, absl::StrCat("feature ", index + 1, ": cannot convert its geometry"));
    }
    // Layers are declared MultiPolygon (GeoPackage wants one type per layer); a Polygon becomes
    // a one-part MultiPolygon, which covers the same ground.
    OGR_F_SetGeometryDirectly(f, OGR_G_ForceToMultiPolygon(raw));
    return absl::OkStatus();
  }

  absl::Status Insert(OGRLayerH layer, OGRFeatureH f, const char* name, size_t index) {
    if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE) {
      return Error(name, absl::StrCat("feature ", index + 1, ": ", gdal::LastError()));
    }
    return absl::OkStatus();
  }

  absl::Status Error(absl::string_view layer, absl::string_view message) const {
    return absl::InternalError(absl::StrCat(path_, " layer ", layer, ": ", message));
  }

 private:
  GDALDatasetH ds_;
  std::string path_;
};

// The tables of per-area geometry (reference_store.h): the adjacency graph and the footprint
// shares, keyed by the fids the areas and footprints got in this store.
absl::Status WriteDerived(const ReferenceData& ref, StoreWriter& w,
                          const std::vector<int64_t>& area_fids,
                          const std::vector<std::vector<int64_t>>& footprint_fids) {
  absl::StatusOr<OGRLayerH> meta =
      w.CreateLayer(kMeta, wkbNone, {{"key", OFTString}, {"value", OFTString}});
  if (!meta.ok()) return meta.status();
  size_t footprint_count = 0;
  for (const FootprintLayer& l : ref.footprint_layers()) footprint_count += l.footprints.size();
  const std::pair<std::string, std::string> entries[] = {
      {"format_version", absl::StrCat(kFormatVersion)},
      {"areas", absl::StrCat(ref.areas().size())},
      {"footprints", absl::StrCat(footprint_count)},
  };
  if (absl::Status s = w.Begin(kMeta); !s.ok()) return s;
  for (size_t i = 0; i < std::size(entries); ++i) {
    gdal::FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(*meta)));
    OGR_F_SetFieldString(f.get(), 0, entries[i].first.c_str());
    OGR_F_SetFieldString(f.get(), 1, entries[i].second.c_str());
    if (absl::Status s = w.Insert(*meta, f.get(), kMeta, i); !s.ok()) return s;
  }
  if (absl::Status s = w.Commit(kMeta); !s.ok()) return s;

  absl::StatusOr<OGRLayerH> adjacency = w.CreateLayer(kAdjacency, wkbNone,
                                                      {{"area_a", OFTInteger64},
                                                       {"area_b", OFTInteger64},
                                                       {"shared_length_m", OFTReal},
                                                       {"kind", OFTString},
                                                       {"noded", OFTInteger}});
  if (!adjacency.ok()) return adjacency.status();
  if (absl::Status s = w.Begin(kAdjacency); !s.ok()) return s;
  OGRFeatureDefnH adjacency_defn = OGR_L_GetLayerDefn(*adjacency);
  size_t row = 0;
  const AreaAdjacency& graph = ref.adjacency();
  for (size_t a = 0; a < graph.areas(); ++a) {
    for (const AreaNeighbour& nb : graph.Of(static_cast<int>(a))) {
      if (nb.area < static_cast<int>(a)) continue;
      gdal::FeaturePtr f(OGR_F_Create(adjacency_defn));
      OGR_F_SetFieldInteger64(f.get(), 0, area_fids[a]);
      OGR_F_SetFieldInteger64(f.get(), 1, area_fids[nb.area]);
      OGR_F_SetFieldDouble(f.get(), 2, nb.shared_length_m);  // REAL: a 64-bit double, exact
      OGR_F_SetFieldString(f.get(), 3, nb.edge ? "edge" : "point");
      OGR_F_SetFieldInteger(f.get(), 4, nb.noded ? 1 : 0);
      if (absl::Status s = w.Insert(*adjacency, f.get(), kAdjacency, row++); !s.ok()) return s;
    }
  }
  if (absl::Status s = w.Commit(kAdjacency); !s.ok()) return s;

  absl::StatusOr<OGRLayerH> shares = w.CreateLayer(kShares, wkbNone,
                                                   {{"kind", OFTString},
                                                    {"area", OFTInteger64},
                                                    {"footprint", OFTInteger64},
                                                    {"fraction", OFTReal}});
  if (!shares.ok()) return shares.status();
  if (absl::Status s = w.Begin(kShares); !s.ok()) return s;
  OGRFeatureDefnH shares_defn = OGR_L_GetLayerDefn(*shares);
  row = 0;
  for (size_t l = 0; l < ref.footprint_layers().size(); ++l) {
    const std::string kind(FootprintKindName(ref.footprint_layers()[l].kind));
    for (size_t a = 0; a < ref.areas().size(); ++a) {
      for (const AreaShare& sh : ref.FootprintSharesOf(static_cast<int>(l), static_cast<int>(a))) {
        gdal::FeaturePtr f(OGR_F_Create(shares_defn));
        OGR_F_SetFieldString(f.get(), 0, kind.c_str());
        OGR_F_SetFieldInteger64(f.get(), 1, area_fids[a]);
        OGR_F_SetFieldInteger64(f.get(), 2, footprint_fids[l][sh.footprint]);
        OGR_F_SetFieldDouble(f.get(), 3, sh.fraction);
        if (absl::Status s = w.Insert(*shares, f.get(), kShares, row++); !s.ok()) return s;
      }
    }
  }
  return w.Commit(kShares);
}

absl::Status WriteLayers(const ReferenceData& ref, GDALDatasetH ds, const std::string& path) {
  StoreWriter w(ds, path);

  absl::StatusOr<OGRLayerH> areas =
      w.CreateLayer(kAreas, wkbMultiPolygon, {{"code", OFTString}, {"name", OFTString}});
  if (!areas.ok()) return areas.status();
  if (absl::Status s = w.Begin(kAreas); !s.ok()) return s;
  std::vector<int64_t> area_fids;  // as the GeoPackage numbered them (1, 2, ...)
  area_fids.reserve(ref.areas().size());
  for (size_t i = 0; i < ref.areas().size(); ++i) {
    const Area& a = ref.areas()[i];
    gdal::FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(*areas)));
    OGR_F_SetFieldString(f.get(), 0, a.code.c_str());
    OGR_F_SetFieldString(f.get(), 1, a.name.c_str());
    if (absl::Status s = w.SetPolygon(f.get(), a.geometry, kAreas, i); !s.ok()) return s;
    if (absl::Status s = w.Insert(*areas, f.get(), kAreas, i); !s.ok()) return s;
    area_fids.push_back(OGR_F_GetFID(f.get()));
  }
  if (absl::Status s = w.Commit(kAreas); !s.ok()) return s;

  absl::StatusOr<OGRLayerH> footprints =
      w.CreateLayer(kFootprints, wkbMultiPolygon,
                    {{"kind", OFTString}, {"code", OFTString}, {"name", OFTString}});
  if (!footprints.ok()) return footprints.status();
  if (absl::Status s = w.Begin(kFootprints); !s.ok()) return s;
  size_t index = 0;
  std::vector<std::vector<int64_t>> footprint_fids;  // [layer][footprint]
  for (const FootprintLayer& layer : ref.footprint_layers()) {
    const std::string kind(FootprintKindName(layer.kind));
    footprint_fids.emplace_back();
    for (const Footprint& fp : layer.footprints) {
      gdal::FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(*footprints)));
      OGR_F_SetFieldString(f.get(), 0, kind.c_str());
      OGR_F_SetFieldString(f.get(), 1, fp.code.c_str());
      OGR_F_SetFieldString(f.get(), 2, fp.name.c_str());
      if (absl::Status s = w.SetPolygon(f.get(), fp.geometry, kFootprints, index); !s.ok()) {
        return s;
      }
      if (absl::Status s = w.Insert(*footprints, f.get(), kFootprints, index); !s.ok()) return s;
      footprint_fids.back().push_back(OGR_F_GetFID(f.get()));
      ++index;
    }
  }
  if (absl::Status s = w.Commit(kFootprints); !s.ok()) return s;

  absl::StatusOr<OGRLayerH> postcodes = w.CreateLayer(
      kPostcodes, wkbNone,
      {{"postcode", OFTString}, {"x", OFTReal}, {"y", OFTReal}, {"area_code", OFTString}});
  if (!postcodes.ok()) return postcodes.status();
  // Sorted, so that the same snapshot always gives the same file (and the same sha256).
  std::vector<const std::pair<const std::string, PostcodeEntry>*> sorted;
  sorted.reserve(ref.postcodes().size());
  for (const auto& entry : ref.postcodes()) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  if (absl::Status s = w.Begin(kPostcodes); !s.ok()) return s;
  OGRFeatureDefnH postcode_defn = OGR_L_GetLayerDefn(*postcodes);
  for (size_t i = 0; i < sorted.size(); ++i) {
    gdal::FeaturePtr f(OGR_F_Create(postcode_defn));
    OGR_F_SetFieldString(f.get(), 0, sorted[i]->first.c_str());
    OGR_F_SetFieldDouble(f.get(), 1, sorted[i]->second.location.x);
    OGR_F_SetFieldDouble(f.get(), 2, sorted[i]->second.location.y);
    OGR_F_SetFieldString(f.get(), 3, sorted[i]->second.area_code.c_str());
    if (absl::Status s = w.Insert(*postcodes, f.get(), kPostcodes, i); !s.ok()) return s;
  }
  if (absl::Status s = w.Commit(kPostcodes); !s.ok()) return s;

  absl::StatusOr<OGRLayerH> layers = w.CreateLayer(kLayers, wkbNone,
                                                   {{"name", OFTString},
                                                    {"source", OFTString},
                                                    {"sha256", OFTString},
                                                    {"features", OFTInteger64},
                                                    {"vintage", OFTString}});
  if (!layers.ok()) return layers.status();
  if (absl::Status s = w.Begin(kLayers); !s.ok()) return s;
  for (size_t i = 0; i < ref.layers().size(); ++i) {
    const LayerInfo& info = ref.layers()[i];
    gdal::FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(*layers)));
    OGR_F_SetFieldString(f.get(), 0, info.name.c_str());
    OGR_F_SetFieldString(f.get(), 1, info.source.c_str());
    OGR_F_SetFieldString(f.get(), 2, info.sha256.c_str());
    OGR_F_SetFieldInteger64(f.get(), 3, info.features);
    OGR_F_SetFieldString(f.get(), 4, info.vintage.c_str());
    if (absl::Status s = w.Insert(*layers, f.get(), kLayers, i); !s.ok()) return s;
  }
  if (absl::Status s = w.Commit(kLayers); !s.ok()) return s;

  absl::StatusOr<OGRLayerH> repairs = w.CreateLayer(kRepairs, wkbNone,
                                                    {{"layer", OFTString},
                                                     {"source", OFTString},
                                                     {"code", OFTString},
                                                     {"feature", OFTInteger},
                                                     {"reason", OFTString}});
  if (!repairs.ok()) return repairs.status();
  if (absl::Status s = w.Begin(kRepairs); !s.ok()) return s;
  for (size_t i = 0; i < ref.repairs().size(); ++i) {
    const GeometryRepair& r = ref.repairs()[i];
    gdal::FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(*repairs)));
    OGR_F_SetFieldString(f.get(), 0, r.layer.c_str());
    OGR_F_SetFieldString(f.get(), 1, r.source.c_str());
    OGR_F_SetFieldString(f.get(), 2, r.code.c_str());
    OGR_F_SetFieldInteger(f.get(), 3, r.feature);
    OGR_F_SetFieldString(f.get(), 4, r.reason.c_str());
    if (absl::Status s = w.Insert(*repairs, f.get(), kRepairs, i); !s.ok()) return s;
  }
  if (absl::Status s = w.Commit(kRepairs); !s.ok()) return s;
  return WriteDerived(ref, w, area_fids, footprint_fids);
}

// ---------------------------------------------------------------------------------------------
// Loading

class StoreReader {
 public:
  StoreReader(GDALDatasetH ds, std::string path) : ds_(ds), path_(std::move(path)) {}

  absl::StatusOr<OGRLayerH> Layer(const char* name, bool polygons) const {
    OGRLayerH layer = GDALDatasetGetLayerByName(ds_, name);
    if (layer == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ": no layer '", name, "' (not a reference store written by pcnv?)"));
    }
    if (polygons) {
      OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
      gdal::SrsPtr bng = gdal::BritishNationalGrid();
      if (srs == nullptr || !OSRIsSame(srs, bng.get())) {
        return Error(name,
                     absl::StrCat("CRS is ", gdal::DescribeCrs(srs), ", expected EPSG:27700"));
      }
    }
    return layer;
  }

  absl::StatusOr<int> Field(OGRLayerH layer, const char* layer_name, const char* field) const {
    int i = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), field);
    if (i < 0) return Error(layer_name, absl::StrCat("missing field '", field, "'"));
    return i;
  }

  absl::StatusOr<Geometry> Polygon(OGRFeatureH f, const char* layer) const {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (g == nullptr || OGR_G_IsEmpty(g)) return FeatureError(layer, f, "no geometry");
    std::string wkb(OGR_G_WkbSize(g), '\0');
    OGR_G_ExportToIsoWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
    absl::StatusOr<Geometry> geometry = Geometry::FromWkb(wkb);
    if (!geometry.ok()) return FeatureError(layer, f, geometry.status().message());
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
};

std::string FieldString(OGRFeatureH f, int i) { return OGR_F_GetFieldAsString(f, i); }

// The areas with their fids, which the area_adjacency and area_footprint_shares tables use.
struct LoadedAreas {
  std::vector<Area> areas;
  absl::flat_hash_map<int64_t, int> index_of_fid;
};

absl::StatusOr<LoadedAreas> LoadAreas(const StoreReader& r) {
  absl::StatusOr<OGRLayerH> layer = r.Layer(kAreas, true);
  if (!layer.ok()) return layer.status();
  absl::StatusOr<int> code = r.Field(*layer, kAreas, "code");
  if (!code.ok()) return code.status();
  absl::StatusOr<int> name = r.Field(*layer, kAreas, "name");
  if (!name.ok()) return name.status();
  LoadedAreas out;
  std::vector<Area>& areas = out.areas;
  OGR_L_ResetReading(*layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(*layer)}) {
    out.index_of_fid.emplace(OGR_F_GetFID(f.get()), static_cast<int>(areas.size()));
    Area a;
    a.code = FieldString(f.get(), *code);
    if (a.code.empty()) return r.FeatureError(kAreas, f.get(), "empty code");
    a.name = FieldString(f.get(), *name);
    absl::StatusOr<Geometry> g = r.Polygon(f.get(), kAreas);
    if (!g.ok()) return g.status();
    a.geometry = *std::move(g);
    a.area_m2 = a.geometry.Area();
    areas.push_back(std::move(a));
  }
  return out;
}

struct LoadedFootprints {
  std::vector<FootprintLayer> layers;
  absl::flat_hash_map<int64_t, std::pair<int, int>> index_of_fid;  // -> layer, footprint
};

absl::StatusOr<LoadedFootprints> LoadFootprints(const StoreReader& r) {
  absl::StatusOr<OGRLayerH> layer = r.Layer(kFootprints, true);
  if (!layer.ok()) return layer.status();
  absl::StatusOr<int> kind = r.Field(*layer, kFootprints, "kind");
  if (!kind.ok()) return kind.status();
  absl::StatusOr<int> code = r.Field(*layer, kFootprints, "code");
  if (!code.ok()) return code.status();
  absl::StatusOr<int> name = r.Field(*layer, kFootprints, "name");
  if (!name.ok()) return name.status();
  LoadedFootprints out;
  std::vector<FootprintLayer>& layers = out.layers;  // in order of first appearance, as written
  OGR_L_ResetReading(*layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(*layer)}) {
    std::string kind_name = FieldString(f.get(), *kind);
    std::optional<FootprintKind> k = ParseFootprintKind(kind_name);
    if (!k) {
      return r.FeatureError(
          kFootprints, f.get(),
          absl::StrCat("unknown kind '", kind_name, "' (expected icb, sub-icb, stp or community)"));
    }
    Footprint fp;
    fp.code = FieldString(f.get(), *code);
    if (fp.code.empty()) return r.FeatureError(kFootprints, f.get(), "empty code");
    fp.name = FieldString(f.get(), *name);
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
  absl::StatusOr<OGRLayerH> layer = r.Layer(kPostcodes, false);
  if (!layer.ok()) return layer.status();
  absl::StatusOr<int> postcode = r.Field(*layer, kPostcodes, "postcode");
  if (!postcode.ok()) return postcode.status();
  absl::StatusOr<int> x = r.Field(*layer, kPostcodes, "x");
  if (!x.ok()) return x.status();
  absl::StatusOr<int> y = r.Field(*layer, kPostcodes, "y");
  if (!y.ok()) return y.status();
  absl::StatusOr<int> area = r.Field(*layer, kPostcodes, "area_code");
  if (!area.ok()) return area.status();
  absl::flat_hash_map<std::string, PostcodeEntry> out;
  GIntBig count = OGR_L_GetFeatureCount(*layer, FALSE);
  if (count > 0) out.reserve(static_cast<size_t>(count));
  OGR_L_ResetReading(*layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(*layer)}) {
    std::string key = FieldString(f.get(), *postcode);
    if (key.empty()) return r.FeatureError(kPostcodes, f.get(), "empty postcode");
    if (!OGR_F_IsFieldSetAndNotNull(f.get(), *x) || !OGR_F_IsFieldSetAndNotNull(f.get(), *y)) {
      return r.FeatureError(kPostcodes, f.get(), absl::StrCat("postcode ", key, " has no x/y"));
    }
    PostcodeEntry e;
    e.location = {OGR_F_GetFieldAsDouble(f.get(), *x), OGR_F_GetFieldAsDouble(f.get(), *y)};
    if (!std::isfinite(e.location.x) || !std::isfinite(e.location.y)) {
      return r.FeatureError(kPostcodes, f.get(), absl::StrCat("postcode ", key, ": bad x/y"));
    }
    e.area_code = FieldString(f.get(), *area);
    if (!out.try_emplace(std::move(key), std::move(e)).second) {
      return r.FeatureError(kPostcodes, f.get(), "postcode listed twice");
    }
  }
  return out;
}

absl::StatusOr<std::vector<LayerInfo>> LoadLayerInfo(const StoreReader& r) {
  absl::StatusOr<OGRLayerH> layer = r.Layer(kLayers, false);
  if (!layer.ok()) return layer.status();
  int idx[5];
  const char* names[5] = {"name", "source", "sha256", "features", "vintage"};
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<int> f = r.Field(*layer, kLayers, names[i]);
    if (!f.ok()) return f.status();
    idx[i] = *f;
  }
  std::vector<LayerInfo> out;
  OGR_L_ResetReading(*layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(*layer)}) {
    LayerInfo info;
    info.name = FieldString(f.get(), idx[0]);
    info.source = FieldString(f.get(), idx[1]);
    info.sha256 = FieldString(f.get(), idx[2]);
    info.features = OGR_F_GetFieldAsInteger64(f.get(), idx[3]);
    info.vintage = FieldString(f.get(), idx[4]);
    out.push_back(std::move(info));
  }
  return out;
}

// Optional: a store without the table simply had nothing repaired recorded.
absl::StatusOr<std::vector<GeometryRepair>> LoadRepairs(GDALDatasetH ds, const StoreReader& r) {
  std::vector<GeometryRepair> out;
  if (GDALDatasetGetLayerByName(ds, kRepairs) == nullptr) return out;
  absl::StatusOr<OGRLayerH> layer = r.Layer(kRepairs, false);
  if (!layer.ok()) return layer.status();
  int idx[5];
  const char* names[5] = {"layer", "source", "code", "feature", "reason"};
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<int> f = r.Field(*layer, kRepairs, names[i]);
    if (!f.ok()) return f.status();
    idx[i] = *f;
  }
  OGR_L_ResetReading(*layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(*layer)}) {
    GeometryRepair repair;
    repair.layer = FieldString(f.get(), idx[0]);
    repair.source = FieldString(f.get(), idx[1]);
    repair.code = FieldString(f.get(), idx[2]);
    repair.feature = OGR_F_GetFieldAsInteger(f.get(), idx[3]);
    repair.reason = FieldString(f.get(), idx[4]);
    out.push_back(std::move(repair));
  }
  return out;
}

// Checks that the columns exist; returns their indices in order.
absl::StatusOr<std::vector<int>> Fields(const StoreReader& r, OGRLayerH layer, const char* table,
                                        std::initializer_list<const char*> names) {
  std::vector<int> out;
  for (const char* name : names) {
    const int i = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), name);
    if (i < 0) return r.TableError(table, absl::StrCat("missing field '", name, "'"));
    out.push_back(i);
  }
  return out;
}

// pcnv_meta as key -> value; empty for a store written before the table existed (format 1).
absl::StatusOr<absl::flat_hash_map<std::string, std::string>> LoadMeta(GDALDatasetH ds,
                                                                       const StoreReader& r) {
  absl::flat_hash_map<std::string, std::string> out;
  if (GDALDatasetGetLayerByName(ds, kMeta) == nullptr) return out;
  absl::StatusOr<OGRLayerH> layer = r.Layer(kMeta, false);
  if (!layer.ok()) return layer.status();
  absl::StatusOr<std::vector<int>> idx = Fields(r, *layer, kMeta, {"key", "value"});
  if (!idx.ok()) return idx.status();
  OGR_L_ResetReading(*layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(*layer)}) {
    out[FieldString(f.get(), (*idx)[0])] = FieldString(f.get(), (*idx)[1]);
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

// area_adjacency, when the store has it (reference_store.h): the graph, every row checked. A
// format 2 table has no `noded` column, which the graph needs: it is computed again instead.
absl::StatusOr<std::optional<AreaAdjacency>> LoadAdjacency(GDALDatasetH ds, const StoreReader& r,
                                                           const LoadedAreas& areas,
                                                           int64_t format_version) {
  if (GDALDatasetGetLayerByName(ds, kAdjacency) == nullptr || format_version < 3) {
    return std::nullopt;
  }
  absl::StatusOr<OGRLayerH> layer = r.Layer(kAdjacency, false);
  if (!layer.ok()) return layer.status();
  absl::StatusOr<std::vector<int>> idx =
      Fields(r, *layer, kAdjacency, {"area_a", "area_b", "shared_length_m", "kind", "noded"});
  if (!idx.ok()) return idx.status();
  std::vector<AreaPair> pairs;
  GIntBig count = OGR_L_GetFeatureCount(*layer, FALSE);
  if (count > 0) pairs.reserve(static_cast<size_t>(count));
  int64_t row = 0;
  OGR_L_ResetReading(*layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(*layer)}) {
    ++row;
    AreaPair pair;
    for (int side = 0; side < 2; ++side) {
      const char* column = side == 0 ? "area_a" : "area_b";
      std::optional<int64_t> fid = IntegerField(f.get(), (*idx)[side]);
      if (!fid) return r.RowError(kAdjacency, row, absl::StrCat("no ", column));
      auto it = areas.index_of_fid.find(*fid);
      if (it == areas.index_of_fid.end()) {
        return r.RowError(kAdjacency, row,
                          absl::StrCat(column, " ", *fid, " is not a feature of layer areas"));
      }
      (side == 0 ? pair.a : pair.b) = it->second;
    }
    if (pair.a >= pair.b) {
      return r.RowError(kAdjacency, row,
                        absl::StrCat("area_a ", OGR_F_GetFieldAsInteger64(f.get(), (*idx)[0]),
                                     " does not come before area_b ",
                                     OGR_F_GetFieldAsInteger64(f.get(), (*idx)[1]),
                                     " in layer areas (each pair is listed once, lower first)"));
    }
    if (!pairs.empty() &&
        std::make_pair(pair.a, pair.b) <= std::make_pair(pairs.back().a, pairs.back().b)) {
      return r.RowError(kAdjacency, row,
                        "not after the previous row (rows are ordered by area_a, then area_b, "
                        "each pair once)");
    }
    pair.shared_length_m = OGR_F_GetFieldAsDouble(f.get(), (*idx)[2]);
    if (!OGR_F_IsFieldSetAndNotNull(f.get(), (*idx)[2]) || !std::isfinite(pair.shared_length_m) ||
        pair.shared_length_m < 0) {
      return r.RowError(kAdjacency, row,
                        absl::StrCat("shared_length_m '", FieldString(f.get(), (*idx)[2]),
                                     "' is not a length >= 0"));
    }
    const std::string kind = FieldString(f.get(), (*idx)[3]);
    if (kind != "edge" && kind != "point") {
      return r.RowError(kAdjacency, row,
                        absl::StrCat("kind '", kind, "' (expected edge or point)"));
    }
    pair.edge = kind == "edge";
    std::optional<int64_t> noded = IntegerField(f.get(), (*idx)[4]);
    if (!noded || (*noded != 0 && *noded != 1)) {
      return r.RowError(
          kAdjacency, row,
          absl::StrCat("noded '", FieldString(f.get(), (*idx)[4]), "' (expected 1 or 0)"));
    }
    pair.noded = *noded == 1;
    pairs.push_back(pair);
  }
  absl::StatusOr<AreaAdjacency> graph = AreaAdjacency::FromPairs(areas.areas.size(), pairs);
  if (!graph.ok()) return r.TableError(kAdjacency, graph.status().message());
  return std::optional<AreaAdjacency>(*std::move(graph));
}

// area_footprint_shares, when the store has it (reference_store.h): [layer][area], each area's
// shares in OverlayAreas's order, every row checked.
absl::StatusOr<std::optional<FootprintShares>> LoadShares(GDALDatasetH ds, const StoreReader& r,
                                                          const LoadedAreas& areas,
                                                          const LoadedFootprints& footprints) {
  if (GDALDatasetGetLayerByName(ds, kShares) == nullptr) return std::nullopt;
  absl::StatusOr<OGRLayerH> layer = r.Layer(kShares, false);
  if (!layer.ok()) return layer.status();
  absl::StatusOr<std::vector<int>> idx =
      Fields(r, *layer, kShares, {"kind", "area", "footprint", "fraction"});
  if (!idx.ok()) return idx.status();
  FootprintShares shares(footprints.layers.size(),
                         std::vector<std::vector<AreaShare>>(areas.areas.size()));
  int64_t row = 0;
  OGR_L_ResetReading(*layer);
  while (gdal::FeaturePtr f{OGR_L_GetNextFeature(*layer)}) {
    ++row;
    const std::string kind_name = FieldString(f.get(), (*idx)[0]);
    std::optional<FootprintKind> kind = ParseFootprintKind(kind_name);
    if (!kind) {
      return r.RowError(
          kShares, row,
          absl::StrCat("unknown kind '", kind_name, "' (expected icb, sub-icb, stp or community)"));
    }
    std::optional<int64_t> area_fid = IntegerField(f.get(), (*idx)[1]);
    if (!area_fid) return r.RowError(kShares, row, "no area");
    auto area = areas.index_of_fid.find(*area_fid);
    if (area == areas.index_of_fid.end()) {
      return r.RowError(kShares, row,
                        absl::StrCat("area ", *area_fid, " is not a feature of layer areas"));
    }
    std::optional<int64_t> footprint_fid = IntegerField(f.get(), (*idx)[2]);
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
    const double fraction = OGR_F_GetFieldAsDouble(f.get(), (*idx)[3]);
    if (!OGR_F_IsFieldSetAndNotNull(f.get(), (*idx)[3]) || !(fraction > 0 && fraction <= 1)) {
      return r.RowError(
          kShares, row,
          absl::StrCat("fraction '", FieldString(f.get(), (*idx)[3]), "' is not in (0, 1]"));
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
  if (*version > kFormatVersion) {
    return r.TableError(
        kMeta, absl::StrCat("format_version ", *version, " is newer than this pcnv reads (",
                            kFormatVersion, "): use a newer pcnv or rebuild the store"));
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

// Records the features of a layer that make-valid repaired.
void NoteRepairs(const VectorLayer& layer, const std::string& name, const std::string& source,
                 std::vector<GeometryRepair>& out) {
  for (const VectorFeature& f : layer.features) {
    if (!f.invalid_reason.empty()) {
      out.push_back({name, source, f.code, f.feature, f.invalid_reason});
    }
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ReferenceData>> BuildReference(const ReferenceSources& src) {
  std::vector<Area> areas;
  std::vector<LayerInfo> layers;
  std::vector<GeometryRepair> repairs;
  if (src.areas) {
    absl::StatusOr<VectorLayer> layer = ReadVectorLayer(*src.areas);
    if (!layer.ok()) return layer.status();
    NoteRepairs(*layer, kAreas, src.areas->path, repairs);
    absl::flat_hash_map<std::string, int> seen;
    for (VectorFeature& f : layer->features) {
      // FindArea must be unambiguous: a code twice is a broken area layer, not a multipart one.
      if (auto [it, fresh] = seen.try_emplace(f.code, f.feature); !fresh) {
        return absl::InvalidArgumentError(absl::StrCat(src.areas->path, " feature ", f.feature,
                                                       ": area code ", f.code,
                                                       " already used by feature ", it->second));
      }
      Area a{std::move(f.code), std::move(f.name), std::move(f.geometry), 0};
      a.area_m2 = a.geometry.Area();
      areas.push_back(std::move(a));
    }
    absl::StatusOr<LayerInfo> info = DescribeSource(kAreas, src.areas->path, areas.size());
    if (!info.ok()) return info.status();
    layers.push_back(*std::move(info));
  }

  std::vector<FootprintLayer> footprints;
  for (const auto& [kind, spec] : src.footprints) {
    for (const FootprintLayer& done : footprints) {
      if (done.kind == kind) {
        return absl::InvalidArgumentError(absl::StrCat("footprint kind ",
                                                       std::string(FootprintKindName(kind)),
                                                       " given twice (", spec.path, ")"));
      }
    }
    absl::StatusOr<VectorLayer> layer = ReadVectorLayer(spec);
    if (!layer.ok()) return layer.status();
    NoteRepairs(*layer, std::string(FootprintKindName(kind)), spec.path, repairs);
    FootprintLayer fl{kind, {}};
    for (VectorFeature& f : layer->features) {
      fl.footprints.push_back({std::move(f.code), std::move(f.name), std::move(f.geometry)});
    }
    absl::StatusOr<LayerInfo> info =
        DescribeSource(std::string(FootprintKindName(kind)), spec.path, fl.footprints.size());
    if (!info.ok()) return info.status();
    layers.push_back(*std::move(info));
    footprints.push_back(std::move(fl));
  }

  absl::flat_hash_map<std::string, PostcodeEntry> postcodes;
  PrecomputedGeometry precomputed;
  if (!src.postcodes.empty()) {
    absl::StatusOr<PostcodeDirectory> dir = ReadPostcodeDirectory(src.postcodes);
    if (!dir.ok()) return dir.status();
    postcodes = std::move(dir->entries);
    bool need_areas = std::any_of(postcodes.begin(), postcodes.end(),
                                  [](const auto& e) { return e.second.area_code.empty(); });
    if (need_areas && !areas.empty()) {
      // The directory has no LSOA column: place each postcode by point-in-polygon. A throwaway
      // snapshot of the areas gives the STRtree + prepared geometries that lookup needs; the
      // adjacency graph it needs too is computed once, for both.
      precomputed.adjacency = AreaAdjacency::Build(areas);
      ReferenceData index(areas, {}, {}, {}, "", "", {}, {precomputed.adjacency, std::nullopt});
      for (auto& [code, entry] : postcodes) {
        if (!entry.area_code.empty()) continue;
        int i = index.AreaContaining(entry.location);
        if (i >= 0) entry.area_code = index.areas()[i].code;
      }
    }
    absl::StatusOr<LayerInfo> info = DescribeSource(kPostcodes, src.postcodes, postcodes.size());
    if (!info.ok()) return info.status();
    layers.push_back(*std::move(info));
  }
  return std::make_shared<const ReferenceData>(std::move(areas), std::move(footprints),
                                               std::move(postcodes), std::move(layers), "", "",
                                               std::move(repairs), std::move(precomputed));
}

absl::Status WriteReferenceStore(const ReferenceData& ref, const std::string& path) {
  EnsureGdalRegistered();
  gdal::QuietErrors quiet;
  GDALDriverH driver = GDALGetDriverByName("GPKG");
  if (driver == nullptr) return absl::InternalError("GDAL has no GPKG driver");
  // Written beside the target and renamed at the end, so that a reader (or a server reloading)
  // never sees a half-written store.
  const std::string partial = path + ".partial.gpkg";
  std::error_code ec;
  fs::remove(partial, ec);
  absl::Status status;
  {
    gdal::DatasetPtr ds(GDALCreate(driver, partial.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": cannot create GeoPackage: ", gdal::LastError()));
    }
    status = WriteLayers(ref, ds.get(), path);
    CPLErrorReset();
  }  // closing the dataset flushes it
  if (status.ok() && CPLGetLastErrorType() >= CE_Failure) {
    status = absl::InternalError(absl::StrCat(path, ": closing failed: ", gdal::LastError()));
  }
  if (status.ok()) {
    fs::rename(partial, path, ec);
    if (ec) status = absl::InternalError(absl::StrCat(path, ": cannot rename: ", ec.message()));
  }
  if (!status.ok()) fs::remove(partial, ec);
  return status;
}

absl::StatusOr<std::shared_ptr<const ReferenceData>> LoadReferenceStore(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  EnsureGdalRegistered();
  gdal::QuietErrors quiet;
  const char* const drivers[] = {"GPKG", nullptr};
  gdal::DatasetPtr ds(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
  if (!ds) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot open as a GeoPackage: ", gdal::LastError("not a GeoPackage")));
  }
  StoreReader r(ds.get(), path);
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> meta = LoadMeta(ds.get(), r);
  if (!meta.ok()) return meta.status();
  absl::StatusOr<int64_t> format_version = CheckFormatVersion(*meta, r);
  if (!format_version.ok()) return format_version.status();
  absl::StatusOr<LoadedAreas> areas = LoadAreas(r);
  if (!areas.ok()) return areas.status();
  absl::StatusOr<LoadedFootprints> footprints = LoadFootprints(r);
  if (!footprints.ok()) return footprints.status();
  absl::StatusOr<absl::flat_hash_map<std::string, PostcodeEntry>> postcodes = LoadPostcodes(r);
  if (!postcodes.ok()) return postcodes.status();
  absl::StatusOr<std::vector<LayerInfo>> layers = LoadLayerInfo(r);
  if (!layers.ok()) return layers.status();
  absl::StatusOr<std::vector<GeometryRepair>> repairs = LoadRepairs(ds.get(), r);
  if (!repairs.ok()) return repairs.status();
  // Per-area geometry saved by the store (format 2); a format 1 store has none, and the
  // snapshot computes it as it would from source layers.
  if (GDALDatasetGetLayerByName(ds.get(), kAdjacency) != nullptr ||
      GDALDatasetGetLayerByName(ds.get(), kShares) != nullptr) {
    if (absl::Status s = CheckCounts(*meta, r, *areas, *footprints); !s.ok()) return s;
  }
  absl::StatusOr<std::optional<AreaAdjacency>> adjacency =
      LoadAdjacency(ds.get(), r, *areas, *format_version);
  if (!adjacency.ok()) return adjacency.status();
  absl::StatusOr<std::optional<FootprintShares>> shares =
      LoadShares(ds.get(), r, *areas, *footprints);
  if (!shares.ok()) return shares.status();
  ds.reset();
  absl::StatusOr<std::string> sha = Sha256OfPath(path);
  if (!sha.ok()) return sha.status();
  PrecomputedGeometry precomputed;
  precomputed.adjacency = *std::move(adjacency);
  precomputed.footprint_shares = *std::move(shares);
  return std::make_shared<const ReferenceData>(
      std::move(areas->areas), std::move(footprints->layers), *std::move(postcodes),
      *std::move(layers), path, *std::move(sha), *std::move(repairs), std::move(precomputed));
}

}  // namespace pcnv::io
