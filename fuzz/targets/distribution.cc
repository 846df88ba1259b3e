// --distribution as `pcnv validate` reads it (LoadInputs): gp-reg-pat-prac-lsoa-all.csv (area
// level) or practice_code,postcode,patients (postcode level), beside the tiny practice map,
// then validated on the tiny reference (areas and postcodes) and written as the JSON report.
#include "clients/cli/inputs.h"
#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  MemFile practices(TinyPracticeCsv());
  MemFile distribution(data, size);
  cli::InputPaths paths;
  paths.practices = practices.path();
  paths.distribution = distribution.path();
  absl::StatusOr<ValidationInput> input = cli::LoadInputs(paths, TinyOptions().as_of);
  if (!input.ok()) return 0;
  input->list_sizes = TinyInput().list_sizes;
  ValidateAndRender(*input, TinyOptions());
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(distribution, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
