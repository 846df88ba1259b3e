// --practice-register (ODS epraccur.csv: no header, the 27 fields of the standard format) as
// `pcnv validate` reads it (LoadInputs, which also fills blank practice postcodes from it),
// beside the tiny practice map; validated so that MEM005/MEM006 read what was parsed.
#include "clients/cli/inputs.h"
#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  MemFile practices(TinyPracticeCsv());
  MemFile register_file(data, size);
  cli::InputPaths paths;
  paths.practices = practices.path();
  paths.practice_register = register_file.path();
  absl::StatusOr<ValidationInput> input = cli::LoadInputs(paths, TinyOptions().as_of);
  if (!input.ok()) return 0;
  input->distribution = TinyInput().distribution;
  ValidateAndRender(*input, TinyOptions());
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(practice_register, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
