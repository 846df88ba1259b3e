#include "server/http_listener.h"

#include <httplib.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace pcnv::server {

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    std::unique_ptr<httplib::Server> server, const std::string& host, int port,
    absl::string_view what) {
  const int bound =
      port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for ", what, " on ", host, ":", port));
  }
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(server), bound));
}

HttpListener::HttpListener(std::unique_ptr<httplib::Server> server, int port)
    : server_(std::move(server)), port_(port), thread_([this] { server_->listen_after_bind(); }) {}

HttpListener::~HttpListener() {
  server_->stop();
  thread_.join();
}

}  // namespace pcnv::server
