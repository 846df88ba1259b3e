#include "fuzz/support/request_path.h"

#include "fuzz/support/tiny_reference.h"
#include "geo/engine.h"
#include "geo/status_macros.h"
#include "server/limits.h"
#include "wire/convert.h"
#include "wire/geometry_output.h"

namespace pcnv::fuzz {

v1::ValidateRequest TinyRequest() { return wire::MakeRequest(TinyInput(), TinyOptions()); }

absl::Status ServeValidate(const v1::ValidateRequest& request) {
  // pcnv-server's defaults (server/flags.cc fills ServerLimits from its flags).
  const server::ServerLimits limits;
  PCNV_RETURN_IF_ERROR(server::CheckRequestLimits(limits, request));
  PCNV_ASSIGN_OR_RETURN(ValidationInput input, wire::InputFromProto(request));
  PCNV_ASSIGN_OR_RETURN(ValidationOptions options, wire::OptionsFromProto(request.options()));
  PCNV_ASSIGN_OR_RETURN(const wire::GeometryEncoder geometry,
                        wire::GeometryEncoder::FromOptions(request.options(), "options"));
  PCNV_ASSIGN_OR_RETURN(Report report, Engine(TinyReference()).Validate(input, options));
  v1::ValidateResponse response;
  wire::ToProto(report, response.mutable_report());
  return geometry.Encode(response);
}

}  // namespace pcnv::fuzz
