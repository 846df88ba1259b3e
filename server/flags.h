// pcnv-server's command line, parsed in this one place: every flag, its PCNV_<FLAG> environment
// variable, default and check (docs/SERVER.md documents them for operators).
#ifndef PCNV_SERVER_FLAGS_H_
#define PCNV_SERVER_FLAGS_H_

#include <optional>
#include <string>
#include <vector>

#include "server/limits.h"
#include "server/report_cache.h"

namespace pcnv::server {

// What pcnv-server was asked to do; each member's initial value is its flag's default.
struct ServerFlags {
  std::string reference;
  std::string host = "127.0.0.1";
  int port = 0;
  int grace_seconds = 10;
  // On SIGTERM, seconds of NOT_SERVING while still accepting calls, so load balancers and
  // orchestrators notice before the port closes.
  int drain_seconds = 5;
  // HTTP/2 connection management (gRPC channel arguments), so that long-lived connections from
  // proxies and clients are checked and, after a scale-up, spread over the new replicas too.
  int keepalive_time_seconds = 60;             // ping every connection this often (0: never)
  int keepalive_timeout_seconds = 20;          // close it when a ping is not answered within this
  int max_connection_age_seconds = 300;        // then GOAWAY, so clients reconnect (0: no limit)
  int max_connection_age_grace_seconds = 300;  // calls still running then get this long
  int min_client_ping_interval_seconds = 10;   // clients' keepalive pings allowed this often
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string tokens_file;
  int metrics_port = -1;  // -1: no metrics listener
  std::string metrics_host = "127.0.0.1";
  int http_port = -1;  // -1: no HTTP/JSON listener
  std::string http_host = "127.0.0.1";
  std::vector<std::string> http_cors_origins;
  ServerLimits limits;
  int report_cache_entries = ReportCacheLimits{}.max_entries;
  int report_cache_mb = static_cast<int>(ReportCacheLimits{}.max_bytes >> 20);
  int report_cache_ttl_seconds = 3600;
  bool log_calls = true;
};

// Reads argv and the environment into `*flags`. Returns nullopt when the server should start, or
// the process's exit code once CLI11 has printed the help (0) or a usage error (2).
std::optional<int> ParseServerFlags(int argc, char** argv, ServerFlags* flags);

}  // namespace pcnv::server

#endif  // PCNV_SERVER_FLAGS_H_
