#include "report/geo_layers.h"

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <mutex>
#include <span>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/io/file_io.h"
#include "geo/io/gdal_util.h"
#include "geo/io/geometry_export.h"
#include "geo/rules/registry.h"
#include "report/disclosure.h"
#include "report/finding_source.h"
#include "report/ogr_geometry.h"

namespace pcnv::report {
namespace {

namespace fs = std::filesystem;

// GDAL keeps its errors per thread; while writing we keep them out of the user's terminal and
// put the message into the Status instead.
class QuietGdal {
 public:
  QuietGdal() {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
  }
  ~QuietGdal() { CPLPopErrorHandler(); }
};

absl::Status GdalError(const std::string& what) {
  return absl::InternalError(
      absl::StrCat(what, ": ", io::gdal::LastError("GDAL reported no detail")));
}

struct FieldSpec {
  const char* name;
  OGRFieldType type;
  OGRFieldSubType subtype = OFSTNone;
};

constexpr FieldSpec kTerritoryFields[] = {
    {"pcn_code", OFTString},
    {"pcn_name", OFTString},
    {"verdict", OFTString},
    {"errors", OFTInteger},
    {"warnings", OFTInteger},
    {"infos", OFTInteger},
    {"population", OFTInteger64},
    {"population_basis", OFTString},
    {"practices", OFTInteger},
    {"practice_codes", OFTString},
    {"areas", OFTInteger},
    {"parts", OFTInteger},
    {"area_km2", OFTReal},
    {"patients_in_territory", OFTInteger64},
    {"method", OFTString},
    {"population_suppressed", OFTInteger},
    {"patients_in_territory_suppressed", OFTInteger},
};
constexpr FieldSpec kShareFields[] = {
    {"pcn_code", OFTString},      {"pcn_name", OFTString}, {"verdict", OFTString},
    {"share_threshold", OFTReal}, {"area_km2", OFTReal},
};
constexpr FieldSpec kFindingFields[] = {
    {"finding_id", OFTInteger},
    {"rule", OFTString},
    {"title", OFTString},
    {"severity", OFTString},
    {"pcn_code", OFTString},
    {"practice_code", OFTString},
    {"message", OFTString},
    {"values_json", OFTString},
    {"failing", OFTInteger, OFSTBoolean},
    {"diff_status", OFTString},
    {"waived", OFTInteger, OFSTBoolean},
    {"waiver_reason", OFTString},
    {"waiver_approved_by", OFTString},
    {"waiver_expires", OFTString},
    {"source_file", OFTString},
    {"source_row", OFTInteger64},
    {"source_feature", OFTInteger64},
};
constexpr FieldSpec kPracticeFields[] = {
    {"practice_code", OFTString},
    {"practice_name", OFTString},
    {"pcn_code", OFTString},
    {"status", OFTString},
    {"list_size", OFTInteger64},
    {"findings", OFTInteger},
    {"list_size_suppressed", OFTInteger},
};

absl::StatusOr<OGRLayer*> MakeLayer(GDALDataset& ds, const char* name, OGRSpatialReference& srs,
                                    OGRwkbGeometryType type, std::span<const FieldSpec> fields,
                                    bool gpkg, io::OutputCrs crs) {
  CPLStringList options;
  if (gpkg) {
    options.SetNameValue("FID", "fid");
    options.SetNameValue("GEOMETRY_NAME", "geom");
    options.SetNameValue("IDENTIFIER", name);
  } else {
    // The precision the server's GeoJSON has (geo/io/geometry_export.h): 1e-6 degrees, 1 mm.
    options.SetNameValue("COORDINATE_PRECISION", absl::StrCat(io::GeoJsonDecimals(crs)).c_str());
    options.SetNameValue("WRITE_NAME", "YES");
    // In WGS84, an RFC 7946 file: no "crs" member, which that RFC leaves out.
    if (crs == io::OutputCrs::kWgs84) options.SetNameValue("RFC7946", "YES");
  }
  OGRLayer* layer = ds.CreateLayer(name, &srs, type, options.List());
  if (layer == nullptr) return GdalError(absl::StrCat("creating layer ", name));
  for (const FieldSpec& f : fields) {
    OGRFieldDefn defn(f.name, f.type);
    defn.SetSubType(f.subtype);
    if (layer->CreateField(&defn) != OGRERR_NONE) {
      return GdalError(absl::StrCat("layer ", name, ": creating field ", f.name));
    }
  }
  return layer;
}

void SetText(OGRFeature& f, const char* field, const std::string& value) {
  if (!value.empty()) f.SetField(field, value.c_str());
}

// Territory and catchment layers are MultiPolygon so QGIS sees one geometry type.
OgrGeometryPtr AsMultiPolygon(const Geometry& g) {
  OgrGeometryPtr ogr = ToOgr(g);
  if (!ogr) return nullptr;
  return OgrGeometryPtr(OGRGeometryFactory::forceToMultiPolygon(ogr.release()));
}

// A layer being written, and how its geometries leave EPSG:27700 (reprojected, and for GeoJSON
// wound by RFC 7946's right-hand rule) by the code the server's replies use.
struct LayerOut {
  OGRLayer& layer;
  const io::GeometryExporter& exporter;

  absl::Status Add(OGRFeature& feature, OgrGeometryPtr geometry) {
    if (geometry) {
      if (absl::Status s = exporter.Prepare(*geometry); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat("layer ", layer.GetName(), ": ", s.message()));
      }
      feature.SetGeometryDirectly(geometry.release());
    }
    if (layer.CreateFeature(&feature) != OGRERR_NONE) {
      return GdalError(absl::StrCat("layer ", layer.GetName(), ": writing a feature"));
    }
    return absl::OkStatus();
  }
};

struct Counts {
  int errors = 0, warnings = 0, infos = 0;
};

absl::Status WriteTerritories(const ReportView& view, LayerOut& out) {
  const Report& r = view.report;
  for (const PcnEntry& p : r.pcns) {
    if (p.territory_geometry.IsEmpty()) continue;
    Counts c;
    for (size_t i = 0; i < r.findings.size(); ++i) {
      const Finding& f = r.findings[i];
      if (f.pcn != p.code || !view.IsCurrent(i)) continue;
      (f.severity == Severity::kError     ? c.errors
       : f.severity == Severity::kWarning ? c.warnings
                                          : c.infos)++;
    }
    OGRFeature feat(out.layer.GetLayerDefn());
    SetText(feat, "pcn_code", p.code);
    SetText(feat, "pcn_name", p.name);
    SetText(feat, "verdict", view.PcnVerdict(p.code));
    feat.SetField("errors", c.errors);
    feat.SetField("warnings", c.warnings);
    feat.SetField("infos", c.infos);
    // A suppressed count stays NULL (disclosure control), flagged so it is not read as unknown.
    if (!p.population_suppressed) feat.SetField("population", static_cast<GIntBig>(p.population));
    feat.SetField("population_suppressed", p.population_suppressed ? 1 : 0);
    SetText(feat, "population_basis", p.population_basis);
    feat.SetField("practices", static_cast<int>(p.practices.size()));
    SetText(feat, "practice_codes", absl::StrJoin(p.practices, ","));
    feat.SetField("areas", p.territory.areas);
    feat.SetField("parts", p.territory.parts);
    feat.SetField("area_km2", p.territory.area_km2);
    if (!p.territory.patients_suppressed) {
      feat.SetField("patients_in_territory",
                    static_cast<GIntBig>(p.territory.patients_in_territory));
    }
    feat.SetField("patients_in_territory_suppressed", p.territory.patients_suppressed ? 1 : 0);
    SetText(feat, "method", r.provenance.method);
    if (auto s = out.Add(feat, AsMultiPolygon(p.territory_geometry)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

double ShareThreshold(const Report& r) {
  auto it = r.provenance.tolerances.find("share_threshold");
  if (it == r.provenance.tolerances.end()) return 0;
  if (const auto* d = std::get_if<double>(&it->second)) return *d;
  if (const auto* n = std::get_if<int64_t>(&it->second)) return static_cast<double>(*n);
  return 0;
}

absl::Status WriteShares(const ReportView& view, LayerOut& out) {
  for (const PcnEntry& p : view.report.pcns) {
    if (p.share_catchment_geometry.IsEmpty()) continue;
    OGRFeature feat(out.layer.GetLayerDefn());
    SetText(feat, "pcn_code", p.code);
    SetText(feat, "pcn_name", p.name);
    SetText(feat, "verdict", view.PcnVerdict(p.code));
    feat.SetField("share_threshold", ShareThreshold(view.report));
    feat.SetField("area_km2", p.share_catchment_geometry.Area() / 1e6);
    if (auto s = out.Add(feat, AsMultiPolygon(p.share_catchment_geometry)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status WriteFindings(const ReportView& view, LayerOut& out) {
  const Report& r = view.report;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    const FindingMark& m = view.marks[i];
    OGRFeature feat(out.layer.GetLayerDefn());
    feat.SetField("finding_id", static_cast<int>(i + 1));
    SetText(feat, "rule", f.rule);
    if (const RuleInfo* info = FindRule(f.rule)) SetText(feat, "title", std::string(info->title));
    SetText(feat, "severity", std::string(SeverityName(f.severity)));
    SetText(feat, "pcn_code", f.pcn);
    SetText(feat, "practice_code", f.practice);
    SetText(feat, "message", f.message);
    SetText(feat, "values_json", ValuesJson(f.values));
    feat.SetField("failing", m.failing ? 1 : 0);
    SetText(feat, "diff_status", std::string(BaselineName(m.baseline)));
    feat.SetField("waived", f.waiver ? 1 : 0);
    if (f.waiver) {
      SetText(feat, "waiver_reason", f.waiver->reason);
      SetText(feat, "waiver_approved_by", f.waiver->approved_by);
      SetText(feat, "waiver_expires", f.waiver->expires);
    }
    const FindingSource src = SourceOf(r, f);
    SetText(feat, "source_file", src.path);
    if (src.row > 0) feat.SetField("source_row", static_cast<GIntBig>(src.row));
    if (src.feature > 0) feat.SetField("source_feature", static_cast<GIntBig>(src.feature));
    // Findings without a place stay in the layer as attribute-only rows (null geometry), so
    // the layer's table is the complete list.
    if (auto s = out.Add(feat, ToOgr(f.geometry)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status WritePractices(const ReportView& view, LayerOut& out) {
  const Report& r = view.report;
  for (const PracticeEntry& p : r.practices) {
    int findings = 0;
    for (size_t i = 0; i < r.findings.size(); ++i) {
      if (r.findings[i].practice == p.code && view.IsCurrent(i)) ++findings;
    }
    OGRFeature feat(out.layer.GetLayerDefn());
    SetText(feat, "practice_code", p.code);
    SetText(feat, "practice_name", p.name);
    SetText(feat, "pcn_code", p.pcn);
    SetText(feat, "status", p.status);
    // A suppressed list size stays NULL (disclosure control), flagged so it is not read as
    // unknown.
    if (p.list_size && !p.list_size_suppressed) {
      feat.SetField("list_size", static_cast<GIntBig>(*p.list_size));
    }
    feat.SetField("list_size_suppressed", p.list_size_suppressed ? 1 : 0);
    feat.SetField("findings", findings);
    OgrGeometryPtr point;
    if (p.location) point = std::make_unique<OGRPoint>(p.location->x, p.location->y);
    if (auto s = out.Add(feat, std::move(point)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

using LayerWriter = absl::Status (*)(const ReportView&, LayerOut&);

struct LayerPlan {
  const char* name;
  OGRwkbGeometryType type;
  std::span<const FieldSpec> fields;
  LayerWriter write;
};

const LayerPlan kPlans[] = {
    {"pcn_territories", wkbMultiPolygon, kTerritoryFields, WriteTerritories},
    {"share_catchments", wkbMultiPolygon, kShareFields, WriteShares},
    // Finding geometries are polygons (detached parts, overlaps), points (practices) or lines;
    // a generic geometry column holds them all.
    {"findings", wkbUnknown, kFindingFields, WriteFindings},
    {"practices", wkbPoint, kPracticeFields, WritePractices},
};

absl::Status CreateLayer(GDALDataset& ds, const LayerPlan& plan, OGRSpatialReference& srs,
                         bool gpkg, const io::GeometryExporter& exporter, const ReportView& view) {
  auto layer = MakeLayer(ds, plan.name, srs, plan.type, plan.fields, gpkg, exporter.format().crs);
  if (!layer.ok()) return layer.status();
  LayerOut out{**layer, exporter};
  return plan.write(view, out);
}

GDALDatasetUniquePtr CreateDataset(const char* driver_name, const std::string& path) {
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
  if (driver == nullptr) return nullptr;
  VSIUnlink(path.c_str());  // replace, never append to, an earlier run's output
  return GDALDatasetUniquePtr(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

}  // namespace

std::string GeoJsonLayerPath(const std::string& path, std::string_view layer) {
  fs::path p(path);
  std::string ext = p.extension().string();
  return (p.parent_path() / absl::StrCat(p.stem().string(), "_", std::string(layer), ext)).string();
}

absl::StatusOr<std::vector<std::string>> WriteGeoLayers(const ReportView& view,
                                                        const std::string& path,
                                                        std::optional<io::OutputCrs> crs,
                                                        const LayerProgress& progress) {
  const bool gpkg = EndsWith(path, ".gpkg");
  if (!gpkg && !EndsWith(path, ".geojson") && !EndsWith(path, ".json")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--geo-out ", path, ": use a .gpkg (GeoPackage) or .geojson file name"));
  }
  static std::once_flag registered;
  std::call_once(registered, [] { GDALAllRegister(); });
  QuietGdal quiet;

  const io::OutputCrs layer_crs =
      crs.value_or(gpkg ? io::OutputCrs::kBritishNationalGrid : io::OutputCrs::kWgs84);
  absl::StatusOr<io::GeometryExporter> exporter = io::GeometryExporter::Create(
      {gpkg ? io::GeometryEncoding::kWkb : io::GeometryEncoding::kGeoJson, layer_crs});
  if (!exporter.ok()) return exporter.status();
  OGRSpatialReference srs;
  if (srs.importFromEPSG(io::Srid(layer_crs)) != OGRERR_NONE) {
    return GdalError(absl::StrCat("EPSG:", io::Srid(layer_crs)));
  }
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

  std::vector<std::string> written;
  const int total = static_cast<int>(std::size(kPlans));
  // Each file is written under a temporary name and renamed over its target once complete
  // (geo/io/file_io.h): a failed run leaves the previous run's layers as they were.
  if (gpkg) {
    absl::StatusOr<io::ReplaceFile> out = io::ReplaceFile::Begin(path, "the GIS layers");
    if (!out.ok()) return out.status();
    GDALDatasetUniquePtr ds = CreateDataset("GPKG", out->temporary());
    if (!ds) return GdalError(absl::StrCat(path, ": cannot create the GeoPackage"));
    int done = 0;
    for (const LayerPlan& plan : kPlans) {
      // One transaction per layer: GeoPackage inserts are SQLite rows, and a transaction per
      // feature would be thousands of fsyncs on a national run.
      if (ds->StartTransaction() != OGRERR_NONE) return GdalError(path);
      if (auto s = CreateLayer(*ds, plan, srs, true, *exporter, view); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
      }
      if (ds->CommitTransaction() != OGRERR_NONE) return GdalError(path);
      if (progress) progress(plan.name, ++done, total);
    }
    ds.reset();  // close (and flush) before reporting success
    if (CPLGetLastErrorType() == CE_Failure) return GdalError(path);
    if (absl::Status s = out->Commit(); !s.ok()) return s;
    written.push_back(path);
    return written;
  }
  int done = 0;
  for (const LayerPlan& plan : kPlans) {
    const std::string file = GeoJsonLayerPath(path, plan.name);
    absl::StatusOr<io::ReplaceFile> out = io::ReplaceFile::Begin(file, "a GIS layer");
    if (!out.ok()) return out.status();
    GDALDatasetUniquePtr ds = CreateDataset("GeoJSON", out->temporary());
    if (!ds) return GdalError(absl::StrCat(file, ": cannot create the GeoJSON file"));
    if (auto s = CreateLayer(*ds, plan, srs, false, *exporter, view); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat(file, ": ", s.message()));
    }
    CPLErrorReset();
    ds.reset();  // the GeoJSON driver writes the file as it closes
    if (CPLGetLastErrorType() == CE_Failure) return GdalError(file);
    if (absl::Status s = out->Commit(); !s.ok()) return s;
    written.push_back(file);
    if (progress) progress(plan.name, ++done, total);
  }
  return written;
}

}  // namespace pcnv::report
