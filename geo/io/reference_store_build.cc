// BuildReference: a snapshot computed from the source layers (reference_store.h).
#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/io/reference_store.h"
#include "geo/io/reference_store_schema.h"

namespace pcnv::io {
namespace {

absl::StatusOr<LayerInfo> DescribeSource(const std::string& name, const std::string& path,
                                         int64_t features, const ReferenceSources& src) {
  LayerInfo info;
  info.name = name;
  info.source = path;
  info.features = features;
  auto given = src.vintages.find(name);
  info.vintage = given != src.vintages.end() ? given->second : VintageFromFileName(path);
  // A PostGIS table has no bytes to hash; its provenance is the connection string alone.
  if (!absl::StartsWithIgnoreCase(path, "PG:")) {
    absl::StatusOr<std::string> sha = Sha256OfPath(path);
    if (!sha.ok()) return sha.status();
    info.sha256 = *sha;
  }
  return info;
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

std::string VintageFromFileName(const std::string& path) {
  static const std::regex kYearMonth(
      "(?:^|[^0-9])((?:19|20)[0-9]{2})[-_]?(0[1-9]|1[0-2])(?=[^0-9]|$)");
  std::string name = std::filesystem::path(path).filename().string();
  if (name.empty()) name = std::filesystem::path(path).parent_path().filename().string();
  std::set<std::string> found;
  for (auto it = std::sregex_iterator(name.begin(), name.end(), kYearMonth);
       it != std::sregex_iterator(); ++it) {
    found.insert(absl::StrCat((*it)[1].str(), "-", (*it)[2].str()));
  }
  return found.size() == 1 ? *found.begin() : "";
}

absl::Status AddVintages(const std::vector<std::string>& specs, ReferenceSources& src) {
  std::set<std::string> layers;
  if (src.areas) layers.insert(store::kAreas.name);
  for (const auto& [kind, spec] : src.footprints) {
    layers.insert(std::string(FootprintKindName(kind)));
  }
  if (!src.postcodes.empty()) layers.insert(store::kPostcodes.name);
  static const std::regex kVintage("(?:19|20)[0-9]{2}-(0[1-9]|1[0-2])");
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    const std::string layer = spec.substr(0, eq);
    const std::string when = eq == std::string::npos ? "" : spec.substr(eq + 1);
    if (eq == std::string::npos || !std::regex_match(when, kVintage)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--vintage ", spec,
                       ": expected LAYER=YYYY-MM with a month from 01 to 12, e.g. areas=2021-03"));
    }
    if (!layers.contains(layer)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--vintage ", spec, ": no layer '", layer,
                       "' is being built (layers: ", absl::StrJoin(layers, ", "), ")"));
    }
    if (!src.vintages.emplace(layer, when).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--vintage ", spec, ": the vintage of '", layer, "' is given twice"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const ReferenceData>> BuildReference(const ReferenceSources& src) {
  std::vector<Area> areas;
  std::vector<LayerInfo> layers;
  std::vector<GeometryRepair> repairs;
  if (src.areas) {
    absl::StatusOr<VectorLayer> layer = ReadVectorLayer(*src.areas);
    if (!layer.ok()) return layer.status();
    NoteRepairs(*layer, store::kAreas.name, src.areas->path, repairs);
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
    absl::StatusOr<LayerInfo> info =
        DescribeSource(store::kAreas.name, src.areas->path, areas.size(), src);
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
        DescribeSource(std::string(FootprintKindName(kind)), spec.path, fl.footprints.size(), src);
    if (!info.ok()) return info.status();
    layers.push_back(*std::move(info));
    footprints.push_back(std::move(fl));
  }

  absl::flat_hash_map<std::string, PostcodeEntry> postcodes;
  PrecomputedGeometry precomputed;
  if (!src.postcodes.empty()) {
    absl::StatusOr<PostcodeDirectory> dir = ReadPostcodeDirectory(src.postcodes, src.postcodes_csv);
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
    absl::StatusOr<LayerInfo> info =
        DescribeSource(store::kPostcodes.name, src.postcodes, postcodes.size(), src);
    if (!info.ok()) return info.status();
    layers.push_back(*std::move(info));
  }
  return std::make_shared<const ReferenceData>(std::move(areas), std::move(footprints),
                                               std::move(postcodes), std::move(layers), "", "",
                                               std::move(repairs), std::move(precomputed));
}

}  // namespace pcnv::io
