// --practices as `pcnv validate` reads it (clients/cli/inputs.cc LoadInputs): the format is
// detected from the header (NHS gp-reg-pat-prac-map in its 2022+ and older forms, the plain
// practice_code,pcn_code[,...] CSV, the ePCN "PCN Core Partner Details" sheet as CSV), read
// through its reader, then validated on the tiny reference and written as the JSON report.
#include "fuzz/support/cli_input.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  return FuzzCliInput(data, size, &cli::InputPaths::practices);
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(practices, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
