// --ruleset as `pcnv validate` reads it (io::ReadRuleset through io::ReadFile, here from a
// GDAL /vsimem/ file), then the tiny configuration validated under it and written as the JSON
// report, so that every threshold the reader accepts is also used and formatted.
#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"
#include "geo/io/ruleset_json.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  VsimemFile file("ruleset.json", {reinterpret_cast<const char*>(data), size});
  absl::StatusOr<Ruleset> ruleset = io::ReadRuleset(file.path());
  if (!ruleset.ok()) return 0;
  ValidationOptions options = TinyOptions();
  options.ruleset = *std::move(ruleset);
  ValidateAndRender(TinyInput(), options);
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(ruleset, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
