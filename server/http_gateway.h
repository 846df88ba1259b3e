// pcnv-server's HTTP/1.1 + JSON listener (--http-port, docs/API.md "HTTP/JSON"): each RPC at the
// route its google.api.http annotation names (server/http_routes.h), bodies in protobuf's own
// JSON mapping, for browsers, scripts and low-code tools that cannot speak gRPC.
//
// Every call is made on the gRPC server's in-process channel, so it meets the very handlers,
// bearer-token auth, limits, deadlines, metrics and call log a gRPC client meets: the listener
// only translates. Authorization and X-Request-Id headers become the call's metadata; the
// X-Request-Timeout header (or ?timeout=) in gRPC's timeout format ("30S", "1500m") its deadline.
// A failed call is its google.rpc.Status as JSON, with the HTTP status of the standard
// gRPC-to-HTTP mapping. Streaming replies are newline-delimited JSON (application/x-ndjson), one
// message a line, and a request stream (ValidateStream) is sent the same way; an error after the
// first line ends the stream with a line {"error": Status}.
#ifndef PCNV_SERVER_HTTP_GATEWAY_H_
#define PCNV_SERVER_HTTP_GATEWAY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "server/http_listener.h"
#include "server/slow_clients.h"

namespace pcnv::server {

struct HttpGatewayOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  // Origins a browser page may call from (Access-Control-Allow-Origin); "*" allows any; empty:
  // no CORS headers, so only same-origin pages (the one the listener serves) can call.
  std::vector<std::string> cors_origins;
  // Request bodies above this are refused with 413 before they are read whole.
  int64_t max_body_bytes = int64_t{256} << 20;
  // Clients sending their requests too slowly are cut (server/slow_clients.h).
  SlowClientLimits slow_clients;
  // httplib's default is 8: the few threads slow clients from one address may hold (up to
  // slow_clients.max_waiting_per_address) must leave most for everyone else.
  int threads = 32;
  // HTTPS when a certificate and key are given (the gRPC listener's); with a client CA, clients
  // must present a certificate it signed, as over gRPC.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
};

// Reads the routes from the proto, binds host:port and serves them until the listener is
// destroyed; calls go to `channel` (the gRPC server's in-process channel). FAILED_PRECONDITION
// when a route cannot be served, UNAVAILABLE when the port cannot be bound.
absl::StatusOr<std::unique_ptr<HttpListener>> StartHttpGateway(
    const HttpGatewayOptions& options, const std::shared_ptr<grpc::Channel>& channel);

// The HTTP status for a gRPC status code (google/rpc/code.proto's mapping: INVALID_ARGUMENT 400,
// UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, RESOURCE_EXHAUSTED 429, CANCELLED
// 499, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, ...).
int HttpStatusOf(int grpc_code);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_HTTP_GATEWAY_H_
