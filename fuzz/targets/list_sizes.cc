// --list-sizes as `pcnv validate` reads it (LoadInputs: gp-reg-pat-prac-all.csv with SEX/AGE
// rows, or a plain practice_code,patients CSV), beside the tiny practice map; validated with
// the tiny distribution so that POP003 compares the sizes read.
#include "clients/cli/inputs.h"
#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  MemFile practices(TinyPracticeCsv());
  MemFile list_sizes(data, size);
  cli::InputPaths paths;
  paths.practices = practices.path();
  paths.list_sizes = list_sizes.path();
  absl::StatusOr<ValidationInput> input = cli::LoadInputs(paths, TinyOptions().as_of);
  if (!input.ok()) return 0;
  input->distribution = TinyInput().distribution;
  ValidateAndRender(*input, TinyOptions());
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(list_sizes, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
