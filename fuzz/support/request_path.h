// The server's Validate path without the network (server/service.cc RunEngine, step for step):
// the request limits checked on the parsed message (server/limits.h, which walks every WKB),
// the request and its options converted to the domain (wire/convert.h), validated on the tiny
// reference, and the report converted back to the reply message, its geometries written as
// options.geometry_output asks (wire/geometry_output.h). The gRPC call wrapper around
// it (auth, the heavy-call slot, deadlines) takes no caller bytes and is left out.
#ifndef PCNV_FUZZ_SUPPORT_REQUEST_PATH_H_
#define PCNV_FUZZ_SUPPORT_REQUEST_PATH_H_

#include "absl/status/status.h"
#include "pcnv/v1/validator.pb.h"

namespace pcnv::fuzz {

// The tiny configuration as a request (wire::MakeRequest of TinyInput and TinyOptions).
v1::ValidateRequest TinyRequest();

// OK, or the status the server would have answered with.
absl::Status ServeValidate(const v1::ValidateRequest& request);

}  // namespace pcnv::fuzz

#endif  // PCNV_FUZZ_SUPPORT_REQUEST_PATH_H_
