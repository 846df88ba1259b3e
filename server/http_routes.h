// The HTTP/JSON routes of pcnv.v1.BoundaryValidator, read from the google.api.http annotation of
// each RPC in validator.proto: the proto is the one place a route is written, and a method
// without one (or with a route this listener cannot serve) stops the server at start-up rather
// than going missing from the HTTP API.
#ifndef PCNV_SERVER_HTTP_ROUTES_H_
#define PCNV_SERVER_HTTP_ROUTES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"

namespace pcnv::server {

struct HttpRoute {
  std::string verb;  // "GET" or "POST"
  std::string path;  // "/v1/validate": literal, no {variables}
  const google::protobuf::MethodDescriptor* method = nullptr;
  bool body = false;  // the request message is the body ("*"); false: none (GET)
};

// Every method of `service`, in declaration order. FAILED_PRECONDITION naming the method when one
// has no annotation, one this listener does not serve (a verb other than GET or POST, a path
// variable, a body other than "*" or none), or a path another method has.
absl::StatusOr<std::vector<HttpRoute>> HttpRoutes(
    const google::protobuf::ServiceDescriptor& service);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_HTTP_ROUTES_H_
