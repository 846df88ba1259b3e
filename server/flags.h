// pcnv-server's command line, parsed in this one place: every flag, its PCNV_<FLAG> environment
// variable, default and check (docs/SERVER.md documents them for operators).
#ifndef PCNV_SERVER_FLAGS_H_
#define PCNV_SERVER_FLAGS_H_

#include <optional>
#include <string>

#include "server/limits.h"
#include "server/report_cache.h"

namespace pcnv::server {

// What pcnv-server was asked to do; each member's initial value is its flag's default.
struct ServerFlags {
  std::string reference;
  std::string host = "127.0.0.1";
  int port = 0;
  int grace_seconds = 10;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string tokens_file;
  int metrics_port = -1;  // -1: no metrics listener
  std::string metrics_host = "127.0.0.1";
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
