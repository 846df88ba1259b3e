#include "server/http_listener.h"

#include <httplib.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace pcnv::server {

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    std::unique_ptr<httplib::Server> server, const std::string& host, int port,
    absl::string_view what, std::shared_ptr<SlowClientGuard> guard, int threads) {
  server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Called once a response is written, a streamed one included.
  server->set_logger([guard](const httplib::Request& req, const httplib::Response&) {
    guard->Done(req.remote_addr, req.remote_port);
  });
  const int bound =
      port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for ", what, " on ", host, ":", port));
  }
  guard->Watch(bound);
  return std::unique_ptr<HttpListener>(
      new HttpListener(std::move(server), bound, std::move(guard)));
}

HttpListener::HttpListener(std::unique_ptr<httplib::Server> server, int port,
                           std::shared_ptr<SlowClientGuard> guard)
    : guard_(std::move(guard)),
      server_(std::move(server)),
      port_(port),
      thread_([this] { server_->listen_after_bind(); }) {}

HttpListener::~HttpListener() {
  server_->stop();
  thread_.join();
}

}  // namespace pcnv::server
