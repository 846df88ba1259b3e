// --waivers as `pcnv validate` reads it (io::ReadWaivers through io::ReadFile, from /vsimem/),
// then the tiny configuration validated with them (waivers match findings by rule and PCN and
// expire against --as-of) and written as the JSON report.
#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"
#include "geo/io/ruleset_json.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  VsimemFile file("waivers.json", {reinterpret_cast<const char*>(data), size});
  absl::StatusOr<std::vector<Waiver>> waivers = io::ReadWaivers(file.path());
  if (!waivers.ok()) return 0;
  ValidationOptions options = TinyOptions();
  options.waivers = *std::move(waivers);
  ValidateAndRender(TinyInput(), options);
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(waivers, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
