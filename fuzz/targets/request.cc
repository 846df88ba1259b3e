// A whole ValidateRequest as pcnv-server receives it: the input is the serialised message
// (the bytes gRPC hands the service), parsed as the server's generated code parses it, then
// the Validate path of fuzz/support/request_path.h on the tiny reference.
//
// Raw bytes alone rarely survive parsing with anything interesting left, so the libFuzzer
// binary also links request_mutator.cc: it parses the input, changes a field of the message
// (fuzz/support/proto_mutator.h) and serialises it again.
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/request_path.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  v1::ValidateRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return -1;
  ServeValidate(request).IgnoreError();
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(request, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
