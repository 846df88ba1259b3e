#include "tests/realdata/realdata_util.h"

#include <cpl_error.h>
#include <gdal.h>
#include <geos_c.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "geo/io/reference_store.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace pcnv::realdata {
namespace fs = std::filesystem;

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back().push_back(c);
    }
  }
  return out;
}

std::vector<std::map<std::string, std::string>> ReadRawCsv(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // BOM
  std::vector<std::string> header = SplitCsvLine(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(f, line)) {
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> cells = SplitCsvLine(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string Normalise(const std::string& postcode) {
  std::string out;
  for (char c : postcode) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

namespace {

OGRSpatialReferenceH NewSrs(int epsg) {
  OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(srs, epsg);
  OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

void CollectPolygons(OGRGeometryH g, std::vector<OgrGeom>& out) {
  if (g == nullptr) return;
  OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
  if (t == wkbPolygon) {
    if (!OGR_G_IsEmpty(g)) out.emplace_back(OGR_G_Clone(g));
    return;
  }
  if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
    for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) {
      CollectPolygons(OGR_G_GetGeometryRef(g, i), out);
    }
  }
}

}  // namespace

std::vector<RawFeature> ReadRawLayer(const std::string& path, const std::string& code_field,
                                     bool to_bng) {
  GDALAllRegister();
  CPLSetErrorHandler(CPLQuietErrorHandler);  // OGR_G_IsValid's GEOS notices are expected here
  std::vector<RawFeature> out;
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  EXPECT_NE(ds, nullptr) << path;
  if (ds == nullptr) return out;
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  const int field = OGR_FD_GetFieldIndex(defn, code_field.c_str());
  EXPECT_GE(field, 0) << path << " has no field " << code_field;
  OGRSpatialReferenceH bng = NewSrs(27700);
  OGRCoordinateTransformationH ct = nullptr;
  if (OGRSpatialReferenceH src = OGR_L_GetSpatialRef(layer)) {
    OGRSpatialReferenceH s = OSRClone(src);
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    if (to_bng && !OSRIsSame(s, bng)) ct = OCTNewCoordinateTransformation(s, bng);
    OSRDestroySpatialReference(s);
  }
  OGR_L_ResetReading(layer);
  int index = 0;
  while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
    ++index;
    RawFeature r;
    r.feature = index;
    r.code = field >= 0 ? OGR_F_GetFieldAsString(f, field) : "";
    r.geometry.reset(OGR_G_Clone(OGR_F_GetGeometryRef(f)));
    OGR_G_FlattenTo2D(r.geometry.get());
    if (ct != nullptr) {
      EXPECT_EQ(OGR_G_Transform(r.geometry.get(), ct), OGRERR_NONE) << r.code;
    }
    out.push_back(std::move(r));
    OGR_F_Destroy(f);
  }
  if (ct != nullptr) OCTDestroyCoordinateTransformation(ct);
  OSRDestroySpatialReference(bng);
  GDALClose(ds);
  return out;
}

OgrGeom RepairedPolygonal(OGRGeometryH g) {
  if (OGR_G_IsValid(g)) return OgrGeom(OGR_G_Clone(g));
  const char* options[] = {"METHOD=STRUCTURE", "KEEP_COLLAPSED=NO", nullptr};
  OgrGeom fixed(OGR_G_MakeValidEx(g, const_cast<char**>(options)));
  std::vector<OgrGeom> parts;
  CollectPolygons(fixed.get(), parts);
  OgrGeom multi(OGR_G_CreateGeometry(wkbMultiPolygon));
  for (OgrGeom& p : parts) OGR_G_AddGeometryDirectly(multi.get(), p.release());
  return multi;
}

std::string GeosInvalidReason(OGRGeometryH g) {
  GEOSContextHandle_t ctx = GEOS_init_r();
  std::vector<unsigned char> wkb(OGR_G_WkbSize(g));
  OGR_G_ExportToIsoWkb(g, wkbNDR, wkb.data());
  GEOSGeometry* geom = GEOSGeomFromWKB_buf_r(ctx, wkb.data(), wkb.size());
  std::string reason;
  if (geom != nullptr && GEOSisValid_r(ctx, geom) != 1) {
    char* r = GEOSisValidReason_r(ctx, geom);
    reason = r;
    GEOSFree_r(ctx, r);
  }
  if (geom != nullptr) GEOSGeom_destroy_r(ctx, geom);
  GEOS_finish_r(ctx);
  return reason;
}

double PolygonalArea(OGRGeometryH g) {
  double area = 0;
  for (const OgrGeom& p : Polygons(g)) area += OGR_G_Area(p.get());
  return area;
}

std::vector<OgrGeom> Polygons(OGRGeometryH g) {
  std::vector<OgrGeom> out;
  CollectPolygons(g, out);
  return out;
}

LonLatToBng::LonLatToBng() : wgs84_(NewSrs(4326)), bng_(NewSrs(27700)) {
  ct_ = OCTNewCoordinateTransformation(wgs84_, bng_);
}
LonLatToBng::~LonLatToBng() {
  OCTDestroyCoordinateTransformation(ct_);
  OSRDestroySpatialReference(wgs84_);
  OSRDestroySpatialReference(bng_);
}
bool LonLatToBng::Transform(double lon, double lat, double* x, double* y) const {
  *x = lon;
  *y = lat;
  return OCTTransform(ct_, 1, x, y, nullptr) == TRUE;
}

std::map<std::string, std::pair<double, double>> ScanNspl(const std::string& folder,
                                                          const std::set<std::string>& wanted) {
  std::map<std::string, std::pair<double, double>> out;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().extension() == ".csv") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& path : files) {
    std::ifstream f(path);
    std::string line;
    std::getline(f, line);  // Postcode,lat,long
    while (std::getline(f, line)) {
      size_t c1 = line.find(',');
      if (c1 == std::string::npos) continue;
      std::string pc = Normalise(line.substr(0, c1));
      if (!wanted.contains(pc)) continue;
      size_t c2 = line.find(',', c1 + 1);
      if (c2 == std::string::npos) continue;
      std::string lat = line.substr(c1 + 1, c2 - c1 - 1), lon = line.substr(c2 + 1);
      if (lat.empty() || lon.empty() || lon == "\r") continue;
      double la = std::strtod(lat.c_str(), nullptr), lo = std::strtod(lon.c_str(), nullptr);
      if (la == 99.999999) continue;
      out[pc] = {lo, la};
    }
  }
  return out;
}

namespace {
double g_reference_seconds = 0;
std::string g_reference_error;
}  // namespace

std::shared_ptr<const ReferenceData> NationalReference(std::string* error) {
  static const std::shared_ptr<const ReferenceData> ref = [] {
    const std::string ons = ::pcnv::testing::SharedData() + "/ons/";
    io::ReferenceSources src;
    src.footprints.push_back({FootprintKind::kIcb, {ons + "icb22.shp", "ICB22CD", "ICB22NM", ""}});
    src.footprints.push_back({FootprintKind::kSubIcb,
                              {ons + "boundaries_ccg21.geojson", "ccg21_code", "ccg21_name", ""}});
    src.footprints.push_back(
        {FootprintKind::kStp, {ons + "boundaries_stp21.geojson", "stp21_code", "stp21_name", ""}});
    src.footprints.push_back(
        {FootprintKind::kCommunity,
         {ons + "boundaries_ltla24.geojson", "ltla24_code", "ltla24_name", ""}});
    src.postcodes = ::pcnv::testing::SharedData() + "/postcodes/nspl_2025-05";
    Stopwatch watch;
    auto built = io::BuildReference(src);
    g_reference_seconds = watch.Seconds();
    if (!built.ok()) {
      g_reference_error = std::string(built.status().message());
      return std::shared_ptr<const ReferenceData>();
    }
    std::cout << "[national reference] 4 footprint layers + " << (*built)->postcode_count()
              << " postcodes built in " << g_reference_seconds << " s\n";
    return *built;
  }();
  if (!ref && error != nullptr) *error = g_reference_error;
  return ref;
}

double NationalReferenceSeconds() { return g_reference_seconds; }

std::map<std::string, int> CountByRule(const Report& report) {
  std::map<std::string, int> out;
  for (const Finding& f : report.findings) out[f.rule]++;
  return out;
}

}  // namespace pcnv::realdata
