// A folder served over HTTP on 127.0.0.1 by tests/support/http_file_server.py (Python's standard
// library web server, a child process): what a reference store published on a web server looks
// like to pcnv, loaded through GDAL's /vsicurl/.
#ifndef PCNV_TESTS_SUPPORT_HTTP_FILE_SERVER_H_
#define PCNV_TESTS_SUPPORT_HTTP_FILE_SERVER_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace pcnv::testing {

class HttpFileServer {
 public:
  explicit HttpFileServer(const std::string& dir) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      const std::string script =
          std::string(PCNV_SOURCE_DIR) + "/tests/support/http_file_server.py";
      execl("/usr/bin/python3", "python3", script.c_str(), dir.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    // The first line is the port.
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    port_ = std::atoi(line.c_str());
    EXPECT_GT(port_, 0) << "http_file_server.py did not report its port";
  }
  ~HttpFileServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  HttpFileServer(const HttpFileServer&) = delete;
  HttpFileServer& operator=(const HttpFileServer&) = delete;

  int port() const { return port_; }
  // http://127.0.0.1:PORT/NAME
  std::string Url(const std::string& name) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + name;
  }

 private:
  pid_t pid_ = -1;
  int port_ = -1;
};

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SUPPORT_HTTP_FILE_SERVER_H_
