// --list-sizes as `pcnv validate` reads it (LoadInputs: gp-reg-pat-prac-all.csv with SEX/AGE
// rows, or a plain practice_code,patients CSV), beside the tiny practice map; validated with
// the tiny distribution so that POP003 compares the sizes read.
#include "fuzz/support/cli_input.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  return FuzzCliInput(data, size, &cli::InputPaths::list_sizes, {},
                      [](ValidationInput& in) { in.distribution = TinyInput().distribution; });
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(list_sizes, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
