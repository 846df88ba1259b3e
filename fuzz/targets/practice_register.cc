// --practice-register (ODS epraccur.csv: no header, the 27 fields of the standard format) as
// `pcnv validate` reads it (LoadInputs, which also fills blank practice postcodes from it),
// beside the tiny practice map; validated so that MEM005/MEM006 read what was parsed.
#include "fuzz/support/cli_input.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  return FuzzCliInput(data, size, &cli::InputPaths::practice_register);
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(practice_register, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
