// --pcn-details (the ePCN "PCN Details" sheet as CSV) as `pcnv validate` reads it with a
// "PCN Core Partner Details" CSV as --practices (LoadInputs: the memberships in force on
// --as-of take each PCN's name and CCG from the details), then validated on the tiny reference.
#include "fuzz/support/cli_input.h"
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

// The tiny configuration as ODS's partner sheet: two relationships in force on the tiny
// --as-of, one ended before it and one starting after it.
constexpr char kPartners[] =
    "PCN Code,PCN Name,Partner Organisation Code,Partner Name,"
    "Practice to PCN Relationship Start Date,Practice to PCN Relationship End Date,"
    "PCN Parent CCG Code\n"
    "U00001,NETWORK ONE PCN,A00001,PRACTICE A,20190701,,90A\n"
    "U00001,NETWORK ONE PCN,B00001,PRACTICE B,20190701,,90A\n"
    "U00002,NETWORK TWO PCN,C00001,PRACTICE C,20190701,20200331,90B\n"
    "U00002,NETWORK TWO PCN,C00001,PRACTICE C,20200401,,90B\n"
    "U00002,NETWORK TWO PCN,D00001,PRACTICE D,20270401,,90B\n";

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  return FuzzCliInput(data, size, &cli::InputPaths::pcn_details, kPartners);
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(epcn_pcn_details, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
