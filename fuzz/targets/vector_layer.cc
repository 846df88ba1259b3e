// A declared-boundary layer as `pcnv validate --declared` reads it (io::ReadVectorLayer: GDAL
// opens it, reprojects to EPSG:27700, repairs invalid polygons), here GeoJSON or GeoPackage
// bytes in a /vsimem/ file; the features then become the tiny configuration's declared
// boundaries (as clients/cli/inputs.cc makes them), validated and written as the JSON report.
//
// Only GDAL's GeoJSON and GeoPackage drivers are kept registered: the point is pcnv's handling
// of what those two formats can carry, not every other GDAL driver's parser (GDAL fuzzes those
// itself in OSS-Fuzz).
#include <gdal.h>

#include <string_view>

#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"
#include "geo/io/readers.h"
#include "geo/io/versions.h"

namespace pcnv::fuzz {
namespace {

void Init() {
  TinyReference();
  io::EnsureGdalRegistered();
  for (int i = GDALGetDriverCount() - 1; i >= 0; --i) {
    GDALDriverH driver = GDALGetDriver(i);
    const std::string_view name = GDALGetDriverShortName(driver);
    if (name != "GeoJSON" && name != "GPKG") GDALDeregisterDriver(driver);
  }
}

int TestOne(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // GDAL's GeoPackage driver wants the extension; SQLite files start with this.
  const bool sqlite = bytes.starts_with(std::string_view("SQLite format 3\0", 16));
  VsimemFile file(sqlite ? "declared.gpkg" : "declared.geojson", bytes);
  io::LayerSpec spec;  // `--declared FILE`: the code field guessed, as the CLI does by default
  spec.path = file.path();
  absl::StatusOr<io::VectorLayer> layer = io::ReadVectorLayer(spec);
  if (!layer.ok()) return 0;
  ValidationInput input = TinyInput();
  std::vector<DeclaredBoundary> declared;
  declared.reserve(layer->features.size());
  for (io::VectorFeature& f : layer->features) {
    declared.push_back({f.code, std::move(f.geometry), f.feature, f.invalid_reason});
  }
  input.declared = std::move(declared);
  ValidateAndRender(input, TinyOptions());
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(vector_layer, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
