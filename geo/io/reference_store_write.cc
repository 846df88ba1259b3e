// WriteReferenceStore: a snapshot to a new GeoPackage (layout in reference_store.h, tables in
// reference_store_schema.h).
#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "geo/io/gdal_util.h"
#include "geo/io/reference_store.h"
#include "geo/io/reference_store_schema.h"
#include "geo/io/versions.h"

namespace pcnv::io {
namespace {
namespace fs = std::filesystem;

class StoreWriter {
 public:
  StoreWriter(GDALDatasetH ds, std::string path) : ds_(ds), path_(std::move(path)) {}

  // Creates the table with its columns in the schema's order, so that a column's enumerator
  // is its field index.
  absl::StatusOr<OGRLayerH> CreateLayer(const store::Table& table) {
    gdal::SrsPtr bng = gdal::BritishNationalGrid();
    OGRLayerH layer = GDALDatasetCreateLayer(
        ds_, table.name, table.geometry == wkbNone ? nullptr : bng.get(), table.geometry, nullptr);
    if (layer == nullptr) {
      return Error(table.name, absl::StrCat("cannot create: ", gdal::LastError()));
    }
    for (const store::Column& column : table.columns) {
      gdal::FieldDefnPtr defn(OGR_Fld_Create(column.name, column.type));
      if (OGR_L_CreateField(layer, defn.get(), TRUE) != OGRERR_NONE) {
        return Error(table.name,
                     absl::StrCat("cannot create field ", column.name, ": ", gdal::LastError()));
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

// Creates `table` and writes `rows` features into it in one transaction: fill(f, row) sets
// row `row`'s fields (and geometry) and returns OK, or the error that stops the write. The fids
// the GeoPackage gave the rows (1, 2, ...) go to `fids` when it is not null.
template <typename Fill>
absl::Status WriteTable(StoreWriter& w, const store::Table& table, size_t rows, const Fill& fill,
                        std::vector<int64_t>* fids = nullptr) {
  absl::StatusOr<OGRLayerH> layer = w.CreateLayer(table);
  if (!layer.ok()) return layer.status();
  if (absl::Status s = w.Begin(table.name); !s.ok()) return s;
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(*layer);
  if (fids != nullptr) fids->reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    gdal::FeaturePtr f(OGR_F_Create(defn));
    if (absl::Status s = fill(f.get(), row); !s.ok()) return s;
    if (absl::Status s = w.Insert(*layer, f.get(), table.name, row); !s.ok()) return s;
    if (fids != nullptr) fids->push_back(OGR_F_GetFID(f.get()));
  }
  return w.Commit(table.name);
}

// The tables of per-area geometry (reference_store.h): the adjacency graph and the footprint
// shares, keyed by the fids the areas and footprints got in this store.
absl::Status WriteDerived(const ReferenceData& ref, StoreWriter& w,
                          const std::vector<int64_t>& area_fids,
                          const std::vector<std::vector<int64_t>>& footprint_fids) {
  size_t footprint_count = 0;
  for (const FootprintLayer& l : ref.footprint_layers()) footprint_count += l.footprints.size();
  const std::pair<std::string, std::string> entries[] = {
      {"format_version", absl::StrCat(store::kFormatVersion)},
      {"areas", absl::StrCat(ref.areas().size())},
      {"footprints", absl::StrCat(footprint_count)},
  };
  if (absl::Status s =
          WriteTable(w, store::kMeta, std::size(entries),
                     [&](OGRFeatureH f, size_t i) {
                       OGR_F_SetFieldString(f, store::meta::kKey, entries[i].first.c_str());
                       OGR_F_SetFieldString(f, store::meta::kValue, entries[i].second.c_str());
                       return absl::OkStatus();
                     });
      !s.ok()) {
    return s;
  }

  // Pairs() lists each pair once, by area_a then area_b: the order the table promises.
  const std::vector<AreaPair> pairs = ref.adjacency().Pairs();
  if (absl::Status s = WriteTable(w, store::kAdjacency, pairs.size(),
                                  [&](OGRFeatureH f, size_t i) {
                                    namespace col = store::adjacency;
                                    const AreaPair& p = pairs[i];
                                    OGR_F_SetFieldInteger64(f, col::kAreaA, area_fids[p.a]);
                                    OGR_F_SetFieldInteger64(f, col::kAreaB, area_fids[p.b]);
                                    OGR_F_SetFieldDouble(f, col::kSharedLength, p.shared_length_m);
                                    OGR_F_SetFieldString(f, col::kKind, p.edge ? "edge" : "point");
                                    OGR_F_SetFieldInteger(f, col::kNoded, p.noded ? 1 : 0);
                                    return absl::OkStatus();
                                  });
      !s.ok()) {
    return s;
  }

  struct ShareRow {
    const std::string* kind;
    int64_t area_fid;
    int64_t footprint_fid;
    double fraction;
  };
  std::vector<std::string> kinds;
  for (const FootprintLayer& l : ref.footprint_layers()) {
    kinds.emplace_back(FootprintKindName(l.kind));
  }
  std::vector<ShareRow> shares;
  for (size_t l = 0; l < ref.footprint_layers().size(); ++l) {
    for (size_t a = 0; a < ref.areas().size(); ++a) {
      for (const AreaShare& sh : ref.FootprintSharesOf(static_cast<int>(l), static_cast<int>(a))) {
        shares.push_back({&kinds[l], area_fids[a], footprint_fids[l][sh.footprint], sh.fraction});
      }
    }
  }
  return WriteTable(w, store::kShares, shares.size(), [&](OGRFeatureH f, size_t i) {
    namespace col = store::shares;
    OGR_F_SetFieldString(f, col::kKind, shares[i].kind->c_str());
    OGR_F_SetFieldInteger64(f, col::kArea, shares[i].area_fid);
    OGR_F_SetFieldInteger64(f, col::kFootprint, shares[i].footprint_fid);
    OGR_F_SetFieldDouble(f, col::kFraction, shares[i].fraction);
    return absl::OkStatus();
  });
}

absl::Status WriteLayers(const ReferenceData& ref, GDALDatasetH ds, const std::string& path) {
  StoreWriter w(ds, path);

  std::vector<int64_t> area_fids;  // as the GeoPackage numbered them (1, 2, ...)
  if (absl::Status s = WriteTable(
          w, store::kAreas, ref.areas().size(),
          [&](OGRFeatureH f, size_t i) {
            const Area& a = ref.areas()[i];
            OGR_F_SetFieldString(f, store::areas::kCode, a.code.c_str());
            OGR_F_SetFieldString(f, store::areas::kName, a.name.c_str());
            return w.SetPolygon(f, a.geometry, store::kAreas.name, i);
          },
          &area_fids);
      !s.ok()) {
    return s;
  }

  // Footprints layer by layer, in snapshot order.
  std::vector<std::pair<size_t, size_t>> footprint_rows;  // layer, footprint
  for (size_t l = 0; l < ref.footprint_layers().size(); ++l) {
    for (size_t k = 0; k < ref.footprint_layers()[l].footprints.size(); ++k) {
      footprint_rows.emplace_back(l, k);
    }
  }
  std::vector<int64_t> fids;
  if (absl::Status s = WriteTable(
          w, store::kFootprints, footprint_rows.size(),
          [&](OGRFeatureH f, size_t i) {
            const FootprintLayer& layer = ref.footprint_layers()[footprint_rows[i].first];
            const Footprint& fp = layer.footprints[footprint_rows[i].second];
            const std::string kind(FootprintKindName(layer.kind));
            OGR_F_SetFieldString(f, store::footprints::kKind, kind.c_str());
            OGR_F_SetFieldString(f, store::footprints::kCode, fp.code.c_str());
            OGR_F_SetFieldString(f, store::footprints::kName, fp.name.c_str());
            return w.SetPolygon(f, fp.geometry, store::kFootprints.name, i);
          },
          &fids);
      !s.ok()) {
    return s;
  }
  std::vector<std::vector<int64_t>> footprint_fids(ref.footprint_layers().size());  // [layer][k]
  for (size_t i = 0; i < footprint_rows.size(); ++i) {
    footprint_fids[footprint_rows[i].first].push_back(fids[i]);
  }

  // Sorted, so that the same snapshot always gives the same file (and the same sha256).
  std::vector<const std::pair<const std::string, PostcodeEntry>*> sorted;
  sorted.reserve(ref.postcodes().size());
  for (const auto& entry : ref.postcodes()) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  if (absl::Status s = WriteTable(w, store::kPostcodes, sorted.size(),
                                  [&](OGRFeatureH f, size_t i) {
                                    namespace col = store::postcodes;
                                    const auto& [postcode, entry] = *sorted[i];
                                    OGR_F_SetFieldString(f, col::kPostcode, postcode.c_str());
                                    OGR_F_SetFieldDouble(f, col::kX, entry.location.x);
                                    OGR_F_SetFieldDouble(f, col::kY, entry.location.y);
                                    OGR_F_SetFieldString(f, col::kAreaCode,
                                                         entry.area_code.c_str());
                                    return absl::OkStatus();
                                  });
      !s.ok()) {
    return s;
  }

  if (absl::Status s = WriteTable(w, store::kLayers, ref.layers().size(),
                                  [&](OGRFeatureH f, size_t i) {
                                    namespace col = store::layers;
                                    const LayerInfo& info = ref.layers()[i];
                                    OGR_F_SetFieldString(f, col::kName, info.name.c_str());
                                    OGR_F_SetFieldString(f, col::kSource, info.source.c_str());
                                    OGR_F_SetFieldString(f, col::kSha256, info.sha256.c_str());
                                    OGR_F_SetFieldInteger64(f, col::kFeatures, info.features);
                                    OGR_F_SetFieldString(f, col::kVintage, info.vintage.c_str());
                                    return absl::OkStatus();
                                  });
      !s.ok()) {
    return s;
  }

  if (absl::Status s = WriteTable(w, store::kRepairs, ref.repairs().size(),
                                  [&](OGRFeatureH f, size_t i) {
                                    namespace col = store::repairs;
                                    const GeometryRepair& r = ref.repairs()[i];
                                    OGR_F_SetFieldString(f, col::kLayer, r.layer.c_str());
                                    OGR_F_SetFieldString(f, col::kSource, r.source.c_str());
                                    OGR_F_SetFieldString(f, col::kCode, r.code.c_str());
                                    OGR_F_SetFieldInteger(f, col::kFeature, r.feature);
                                    OGR_F_SetFieldString(f, col::kReason, r.reason.c_str());
                                    return absl::OkStatus();
                                  });
      !s.ok()) {
    return s;
  }
  return WriteDerived(ref, w, area_fids, footprint_fids);
}

}  // namespace

absl::Status WriteReferenceStore(const ReferenceData& ref, const std::string& path) {
  EnsureGdalRegistered();
  gdal::QuietErrors quiet;
  GDALDriverH driver = GDALGetDriverByName("GPKG");
  if (driver == nullptr) return absl::InternalError("GDAL has no GPKG driver");
  // Written beside the target and renamed over it at the end (geo/io/file_io.h), so that a
  // reader (or a server reloading) never sees a half-written store, a failed build leaves the
  // old store in place, and a device or directory given as --out is refused before any work.
  absl::StatusOr<ReplaceFile> out = ReplaceFile::Begin(path, "the reference store");
  if (!out.ok()) return out.status();
  absl::Status status;
  {
    gdal::DatasetPtr ds(
        GDALCreate(driver, out->temporary().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
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
  if (!status.ok()) return status;  // `out` removes the temporary file
  return out->Commit();
}

}  // namespace pcnv::io
