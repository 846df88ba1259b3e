// --distribution as `pcnv validate` reads it (LoadInputs): gp-reg-pat-prac-lsoa-all.csv (area
// level) or practice_code,postcode,patients (postcode level), beside the tiny practice map,
// then validated on the tiny reference (areas and postcodes) and written as the JSON report.
#include "fuzz/support/cli_input.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  return FuzzCliInput(data, size, &cli::InputPaths::distribution, {},
                      [](ValidationInput& in) { in.list_sizes = TinyInput().list_sizes; });
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(distribution, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
