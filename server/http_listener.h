// A cpp-httplib server bound to a port and serving on its own threads until destroyed: what the
// HTTP/JSON listener (server/http_gateway.h) and the metrics listener (server/metrics.h) run on.
#ifndef PCNV_SERVER_HTTP_LISTENER_H_
#define PCNV_SERVER_HTTP_LISTENER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/slow_clients.h"

namespace httplib {
class Server;
}

namespace pcnv::server {

class HttpListener {
 public:
  // Binds host:port (0 picks a free port) and starts serving `server`'s routes on a pool of
  // `threads` threads, with `guard` (server/slow_clients.h) cutting clients that send their
  // requests too slowly; handlers that run long call guard->Serving (the listener calls Done
  // once each response is written). UNAVAILABLE, naming `what`, when the port cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      std::unique_ptr<httplib::Server> server, const std::string& host, int port,
      absl::string_view what, std::shared_ptr<SlowClientGuard> guard, int threads);
  ~HttpListener();  // stops listening and waits for requests in progress
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const { return port_; }

 private:
  HttpListener(std::unique_ptr<httplib::Server> server, int port,
               std::shared_ptr<SlowClientGuard> guard);

  std::shared_ptr<SlowClientGuard> guard_;  // outlives the server: its logger calls it
  std::unique_ptr<httplib::Server> server_;
  int port_;
  std::thread thread_;
};

}  // namespace pcnv::server

#endif  // PCNV_SERVER_HTTP_LISTENER_H_
