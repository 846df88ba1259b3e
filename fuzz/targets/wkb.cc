// A declared boundary's WKB as pcnv-server receives it: the input is the `wkb` of the first
// declared boundary of the tiny request (srid 27700), which then goes the whole Validate path
// (fuzz/support/request_path.h): the server's own WKB walk that counts vertices for its limits,
// GEOS's WKB reader behind wire::GeometryFromProto, and every rule that reads declared
// boundaries (GEO001, OVL001-OVL003).
#include "fuzz/support/fuzz_target.h"
#include "fuzz/support/request_path.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {
namespace {

void Init() { TinyReference(); }

int TestOne(const uint8_t* data, size_t size) {
  static const v1::ValidateRequest* const tiny = new v1::ValidateRequest(TinyRequest());
  v1::ValidateRequest request = *tiny;
  request.mutable_declared()->mutable_boundaries(0)->mutable_geometry()->set_wkb(
      reinterpret_cast<const char*>(data), size);
  ServeValidate(request).IgnoreError();
  return 0;
}

}  // namespace
}  // namespace pcnv::fuzz

PCNV_FUZZ_TARGET(wkb, pcnv::fuzz::Init, pcnv::fuzz::TestOne);
