// ReadVectorLayer and ParseLayerSpec: polygons from any GDAL vector source, reprojected to
// EPSG:27700 and repaired with GEOS make-valid when invalid.
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "geo/format.h"
#include "geo/geos_handle.h"
#include "geo/input_limits.h"
#include "geo/io/gdal_util.h"
#include "geo/io/readers.h"
#include "geo/io/versions.h"
#include "geo/repair.h"
#include "geo/utf8.h"

namespace pcnv::io {
namespace {
namespace fs = std::filesystem;

// Code fields in the order they are tried; LSOA names first because area layers are the common
// case. After these, any field ending in CD (ONS naming) is taken.
constexpr absl::string_view kCodeFieldCandidates[] = {
    "lsoa11_code", "lsoa21_code", "lsoa11cd", "lsoa21cd", "lsoa_code", "area_code", "icb22cd",
    "loc22cd",     "ccg21cd",     "stp21cd",  "lad24cd",  "pcn_code",  "code"};

bool IsPostgres(absl::string_view text) { return absl::StartsWithIgnoreCase(text, "PG:"); }

// Sources GDAL opens that are not plain files, so "no such file" would be wrong for them.
bool IsConnectionString(absl::string_view text) {
  return IsPostgres(text) || absl::StrContains(text, "://") || absl::StartsWith(text, "/vsi");
}

// The source as it may appear in a message: a PostgreSQL password never does.
std::string DisplayName(absl::string_view path) {
  if (!IsPostgres(path)) return std::string(path);
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(path, ' ')) {
    parts.push_back(absl::StartsWithIgnoreCase(part, "password=") ? "password=***"
                                                                  : std::string(part));
  }
  return absl::StrJoin(parts, " ");
}

std::vector<std::string> FieldNames(OGRFeatureDefnH defn) {
  std::vector<std::string> names;
  names.reserve(OGR_FD_GetFieldCount(defn));
  for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
    names.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
  }
  return names;
}

int FindField(const std::vector<std::string>& fields, absl::string_view name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (absl::EqualsIgnoreCase(fields[i], name)) return static_cast<int>(i);
  }
  return -1;
}

int GuessCodeField(const std::vector<std::string>& fields) {
  for (absl::string_view candidate : kCodeFieldCandidates) {
    if (int i = FindField(fields, candidate); i >= 0) return i;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (absl::EndsWithIgnoreCase(fields[i], "CD")) return static_cast<int>(i);
  }
  return -1;
}

// The name that goes with the code: ICB22CD -> ICB22NM, lsoa11_code -> lsoa11_name, else the
// first field ending in NM or _name, else a field called name. -1 when there is none (names are
// optional).
int GuessNameField(const std::vector<std::string>& fields, const std::string& code_field) {
  absl::string_view code = code_field;
  if (absl::EndsWithIgnoreCase(code, "CD")) {
    std::string nm = absl::StrCat(code.substr(0, code.size() - 2), "NM");
    if (int i = FindField(fields, nm); i >= 0) return i;
  }
  if (absl::EndsWithIgnoreCase(code, "_code")) {
    std::string nm = absl::StrCat(code.substr(0, code.size() - 5), "_name");
    if (int i = FindField(fields, nm); i >= 0) return i;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (absl::EndsWithIgnoreCase(fields[i], "NM") || absl::EndsWithIgnoreCase(fields[i], "_name")) {
      return static_cast<int>(i);
    }
  }
  return FindField(fields, "name");
}

// The vertices of a polygon or multipolygon (rings' points, closing points included).
int64_t CountVertices(OGRGeometryH g) {
  const int parts = OGR_G_GetGeometryCount(g);
  if (parts == 0) return OGR_G_GetPointCount(g);
  int64_t n = 0;
  for (int i = 0; i < parts; ++i) n += CountVertices(OGR_G_GetGeometryRef(g, i));
  return n;
}

// Converts one OGR geometry (owned) to a 2D EPSG:27700 polygon Geometry, or says why not.
absl::StatusOr<Geometry> ToBngPolygon(gdal::OgrGeometryPtr geom, OGRCoordinateTransformationH ct,
                                      int64_t max_vertices) {
  if (!geom) return absl::InvalidArgumentError("no geometry");
  if (OGR_G_IsEmpty(geom.get())) return absl::InvalidArgumentError("empty geometry");
  OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(geom.get()));
  if (type == wkbCurvePolygon || type == wkbMultiSurface) {
    geom.reset(OGR_G_GetLinearGeometry(geom.get(), 0, nullptr));
    type = wkbFlatten(OGR_G_GetGeometryType(geom.get()));
  }
  if (type != wkbPolygon && type != wkbMultiPolygon) {
    return absl::InvalidArgumentError(absl::StrCat("geometry is ", OGRGeometryTypeToName(type),
                                                   ", expected Polygon or MultiPolygon"));
  }
  // Counted before any work on it: GEOS's validity check and make-valid on a million vertices
  // take minutes.
  if (const int64_t n = CountVertices(geom.get()); n > max_vertices) {
    return absl::InvalidArgumentError(
        absl::StrCat("geometry has ", Grouped(n), " vertices, more than ", Grouped(max_vertices),
                     " (--max-vertices): simplify it, or raise the limit if it is right"));
  }
  OGR_G_FlattenTo2D(geom.get());
  OGREnvelope box;
  OGR_G_GetEnvelope(geom.get(), &box);
  for (double v : {box.MinX, box.MinY, box.MaxX, box.MaxY}) {
    if (!std::isfinite(v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("geometry: a coordinate is ", v, ", not a finite number"));
    }
  }
  if (ct != nullptr && OGR_G_Transform(geom.get(), ct) != OGRERR_NONE) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot reproject to EPSG:27700: ", gdal::LastError("out of range?")));
  }
  OGR_G_GetEnvelope(geom.get(), &box);
  if (absl::Status s = CheckBngBox(box.MinX, box.MinY, box.MaxX, box.MaxY); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("geometry ", s.message()));
  }
  std::string wkb(OGR_G_WkbSize(geom.get()), '\0');
  OGR_G_ExportToIsoWkb(geom.get(), wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
  return Geometry::FromWkb(wkb);
}

absl::Status TooManyFeatures(const std::string& where, int64_t count, int64_t max) {
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": has ", count >= 0 ? Grouped(count) : "more", " features, more than ",
                   Grouped(max), " (--max-declared-features)"));
}

}  // namespace

absl::StatusOr<LayerSpec> ParseLayerSpec(std::string_view raw) {
  absl::string_view text = absl::StripAsciiWhitespace(absl::string_view(raw.data(), raw.size()));
  if (text.empty()) return absl::InvalidArgumentError("empty layer spec");
  LayerSpec spec;
  spec.path = std::string(text);
  // PG:dbname=x host=y holds a colon of its own; its code field comes via `layer` options.
  if (IsPostgres(text)) return spec;
  size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return spec;
  absl::string_view field = text.substr(colon + 1);
  // "C:\data\x.shp", "/vsicurl/https://..." and "GPKG:/path" keep their colon.
  if (absl::StrContains(field, '/') || absl::StrContains(field, '\\')) return spec;
  if (field.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("layer spec '", text, "': empty field name after ':'"));
  }
  spec.path = std::string(text.substr(0, colon));
  spec.code_field = std::string(field);
  return spec;
}

absl::StatusOr<VectorLayer> ReadVectorLayer(const LayerSpec& spec) {
  const std::string shown = DisplayName(spec.path);
  std::error_code ec;
  if (!IsConnectionString(spec.path) && !fs::exists(spec.path, ec)) {
    return absl::NotFoundError(absl::StrCat(shown, ": no such file"));
  }
  EnsureGdalRegistered();
  gdal::QuietErrors quiet;
  gdal::DatasetPtr ds(
      GDALOpenEx(spec.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) {
    return absl::InvalidArgumentError(absl::StrCat(
        shown, ": cannot open as a vector layer: ", gdal::LastError("no GDAL driver reads it")));
  }
  OGRLayerH layer = spec.layer.empty() ? GDALDatasetGetLayer(ds.get(), 0)
                                       : GDALDatasetGetLayerByName(ds.get(), spec.layer.c_str());
  if (layer == nullptr) {
    std::vector<std::string> names;
    names.reserve(GDALDatasetGetLayerCount(ds.get()));
    for (int i = 0; i < GDALDatasetGetLayerCount(ds.get()); ++i) {
      names.emplace_back(OGR_L_GetName(GDALDatasetGetLayer(ds.get(), i)));
    }
    return absl::InvalidArgumentError(
        spec.layer.empty() ? absl::StrCat(shown, ": holds no layer")
                           : absl::StrCat(shown, ": no layer '", spec.layer,
                                          "' (layers: ", absl::StrJoin(names, ", "), ")"));
  }
  // Messages name the layer too when the source has several.
  const std::string where = GDALDatasetGetLayerCount(ds.get()) > 1
                                ? absl::StrCat(shown, " layer ", OGR_L_GetName(layer))
                                : shown;

  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
  if (srs == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        where,
        ": layer has no CRS (a Shapefile needs its .prj), so it cannot be reprojected to "
        "EPSG:27700"));
  }
  VectorLayer out;
  out.source_crs = gdal::DescribeCrs(srs);
  absl::StatusOr<gdal::TransformPtr> ct = gdal::TransformToBng(srs);
  if (!ct.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", ct.status().message()));

  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  const std::vector<std::string> fields = FieldNames(defn);
  const std::string field_list = fields.empty() ? "none" : absl::StrJoin(fields, ", ");
  int code_index = -1;
  if (spec.code_field.empty()) {
    code_index = GuessCodeField(fields);
    // An empty GeoJSON collection has no fields either: say what is really wrong.
    if (code_index < 0 && OGR_L_GetFeatureCount(layer, TRUE) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": no features"));
    }
    if (code_index < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": cannot guess the code field (fields: ", field_list,
                       "); name it as FILE:FIELD"));
    }
  } else {
    code_index = FindField(fields, spec.code_field);
    if (code_index < 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": no code field '", spec.code_field,
                                                     "' (fields: ", field_list, ")"));
    }
  }
  out.code_field = fields[code_index];
  int name_index = -1;
  if (!spec.name_field.empty()) {
    name_index = FindField(fields, spec.name_field);
    if (name_index < 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": no name field '", spec.name_field,
                                                     "' (fields: ", field_list, ")"));
    }
  } else {
    name_index = GuessNameField(fields, out.code_field);
  }

  if (spec.max_features > 0) {
    // Drivers that know their count say so without reading; the loop checks again for the rest.
    const GIntBig count = OGR_L_GetFeatureCount(layer, FALSE);
    if (count > spec.max_features) return TooManyFeatures(where, count, spec.max_features);
  }
  OGR_L_ResetReading(layer);
  CPLErrorReset();  // so that the check after the loop sees only errors from reading features
  int index = 0;
  while (gdal::FeaturePtr feature{OGR_L_GetNextFeature(layer)}) {
    ++index;
    if (spec.max_features > 0 && index > spec.max_features) {
      return TooManyFeatures(where, -1, spec.max_features);
    }
    std::string code(absl::StripAsciiWhitespace(OGR_F_GetFieldAsString(feature.get(), code_index)));
    if (code.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " feature ", index, ": field ", out.code_field, ": empty code"));
    }
    if (std::optional<size_t> at = FirstInvalidUtf8(code)) {
      return absl::InvalidArgumentError(absl::StrCat(where, " feature ", index, ": field ",
                                                     out.code_field, ": ", NotUtf8Why(code, *at)));
    }
    absl::StatusOr<Geometry> geometry = ToBngPolygon(
        gdal::OgrGeometryPtr(OGR_F_StealGeometry(feature.get())), ct->get(), spec.max_vertices);
    if (!geometry.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " feature ", index, " (", code, "): ", geometry.status().message()));
    }
    VectorFeature f;
    f.code = std::move(code);
    if (name_index >= 0) {
      f.name = std::string(
          absl::StripAsciiWhitespace(OGR_F_GetFieldAsString(feature.get(), name_index)));
      if (std::optional<size_t> at = FirstInvalidUtf8(f.name)) {
        return absl::InvalidArgumentError(absl::StrCat(where, " feature ", index, " (", f.code,
                                                       "): field ", fields[name_index], ": ",
                                                       NotUtf8Why(f.name, *at)));
      }
    }
    f.feature = index;
    f.invalid_reason = geometry->InvalidReason();
    if (f.invalid_reason.empty()) {
      f.geometry = *std::move(geometry);
    } else {
      absl::StatusOr<Geometry> fixed = MakeValidPolygonal(*geometry);
      if (!fixed.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, " feature ", index, " (", f.code, "): invalid geometry (",
                         f.invalid_reason, ") cannot be repaired: ", fixed.status().message()));
      }
      f.geometry = *std::move(fixed);
    }
    out.features.push_back(std::move(f));
  }
  if (CPLGetLastErrorType() >= CE_Failure) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": read error after feature ", index, ": ", gdal::LastError()));
  }
  if (out.features.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": no features"));
  return out;
}

}  // namespace pcnv::io
