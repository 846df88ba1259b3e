#include "geo/reference.h"

#include <array>

#include "geo/spatial_index.h"

namespace pcnv {

namespace {
constexpr std::array<std::pair<FootprintKind, std::string_view>, 4> kKindNames = {{
    {FootprintKind::kIcb, "icb"},
    {FootprintKind::kSubIcb, "sub-icb"},
    {FootprintKind::kStp, "stp"},
    {FootprintKind::kCommunity, "community"},
}};
}  // namespace

std::string_view FootprintKindName(FootprintKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "";
}

std::optional<FootprintKind> ParseFootprintKind(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

ReferenceData::ReferenceData(std::vector<Area> areas, std::vector<FootprintLayer> footprints,
                             absl::flat_hash_map<std::string, PostcodeEntry> postcodes,
                             std::vector<LayerInfo> layers, std::string store_path,
                             std::string store_sha256, std::vector<GeometryRepair> repairs,
                             PrecomputedGeometry precomputed)
    : areas_(std::move(areas)),
      footprints_(std::move(footprints)),
      postcodes_(std::move(postcodes)),
      layers_(std::move(layers)),
      store_path_(std::move(store_path)),
      store_sha256_(std::move(store_sha256)),
      repairs_(std::move(repairs)) {
  area_by_code_.reserve(areas_.size());
  std::vector<const Geometry*> polygons;
  polygons.reserve(areas_.size());
  for (size_t i = 0; i < areas_.size(); ++i) {
    Area& a = areas_[i];
    if (a.area_m2 == 0) a.area_m2 = a.geometry.Area();
    if (a.perimeter_m == 0) a.perimeter_m = BoundaryLength(a.geometry);
    area_by_code_.emplace(a.code, static_cast<int>(i));
    polygons.push_back(&a.geometry);
  }

  // What was precomputed is used when it fits these areas and footprints (the store loader
  // checks that, with errors naming the table); anything else is computed here.
  bool shares_fit = precomputed.footprint_shares.has_value() &&
                    precomputed.footprint_shares->size() == footprints_.size();
  for (size_t l = 0; shares_fit && l < footprints_.size(); ++l) {
    shares_fit = (*precomputed.footprint_shares)[l].size() == areas_.size();
  }
  if (shares_fit) area_shares_ = *std::move(precomputed.footprint_shares);
  for (size_t l = 0; !shares_fit && l < footprints_.size(); ++l) {
    std::vector<const Geometry*> fps;
    for (const Footprint& f : footprints_[l].footprints) fps.push_back(&f.geometry);
    area_shares_.push_back(OverlayAreas(polygons, fps));
  }
  if (precomputed.adjacency && precomputed.adjacency->areas() == areas_.size()) {
    adjacency_ = *std::move(precomputed.adjacency);
  } else {
    adjacency_ = AreaAdjacency::Build(polygons);
  }
  coverage_rings_ = CoverageRings::Build(areas_, adjacency_);
}

ReferenceData::~ReferenceData() = default;

int ReferenceData::FindArea(std::string_view code) const {
  // Debian's Abseil has its own string_view type: convert for heterogeneous lookup.
  auto it = area_by_code_.find(absl::string_view(code.data(), code.size()));
  return it == area_by_code_.end() ? -1 : it->second;
}

void ReferenceData::WarmIndexes() const {
  absl::call_once(indexes_once_, [this] {
    std::vector<const Geometry*> polygons;
    polygons.reserve(areas_.size());
    for (const Area& a : areas_) polygons.push_back(&a.geometry);
    area_index_ = std::make_unique<SpatialIndex>(polygons);
    for (const FootprintLayer& layer : footprints_) {
      std::vector<const Geometry*> fps;
      for (const Footprint& f : layer.footprints) fps.push_back(&f.geometry);
      footprint_index_.push_back(std::make_unique<SpatialIndex>(fps));
    }
  });
}

int ReferenceData::AreaContaining(Point p) const {
  WarmIndexes();
  return area_index_->Containing(p);
}

const FootprintLayer* ReferenceData::footprint_layer(FootprintKind kind) const {
  for (const FootprintLayer& l : footprints_) {
    if (l.kind == kind) return &l;
  }
  return nullptr;
}

int ReferenceData::footprint_layer_index(FootprintKind kind) const {
  for (size_t i = 0; i < footprints_.size(); ++i) {
    if (footprints_[i].kind == kind) return static_cast<int>(i);
  }
  return -1;
}

int ReferenceData::FootprintContaining(int layer, Point p) const {
  WarmIndexes();
  return footprint_index_[layer]->Containing(p);
}

const PostcodeEntry* ReferenceData::FindPostcode(std::string_view normalised) const {
  auto it = postcodes_.find(absl::string_view(normalised.data(), normalised.size()));
  return it == postcodes_.end() ? nullptr : &it->second;
}

}  // namespace pcnv
