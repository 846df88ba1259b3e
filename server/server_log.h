// pcnv-server's own stderr lines (start-up, reloads, shutdown), prefixed so that they stand out
// from the JSON call-log lines the service writes to the same stream.
#ifndef PCNV_SERVER_SERVER_LOG_H_
#define PCNV_SERVER_SERVER_LOG_H_

#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"

namespace pcnv::server {

inline void ServerLog(absl::string_view line) {
  const std::string text = "pcnv-server: " + std::string(line) + "\n";
  std::fputs(text.c_str(), stderr);
}

}  // namespace pcnv::server

#endif  // PCNV_SERVER_SERVER_LOG_H_
