// Test harness for the real pcnv-server binary and the gRPC services every server carries
// (grpc.health.v1, grpc.reflection.v1alpha). Debian ships neither service's .proto nor its
// generated client, so those calls go through grpc::GenericStub with the (tiny) messages
// encoded and decoded via protobuf's UnknownFieldSet.
#ifndef PCNV_TESTS_SERVER_SERVER_HARNESS_H_
#define PCNV_TESTS_SERVER_SERVER_HARNESS_H_

#include <grpcpp/channel.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "geo/model.h"
#include "geo/reference.h"
#include "tests/support/test_support.h"

namespace pcnv::testing {

// pcnv-server as a child process: stdout on a pipe (to read the port line), stderr to a file.
class ServerProcess {
 public:
  // Runs PCNV_SERVER with `args` (without argv[0]).
  explicit ServerProcess(const std::vector<std::string>& args);
  ~ServerProcess();  // SIGKILLs the child if it is still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Reads stdout until "pcnv-server listening on HOST:PORT"; the port, or -1 when the process
  // ended or the line did not come in time.
  int WaitForPort(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  // Exit code (128 + signal when killed by one), or -1 when still running after `timeout`.
  int WaitExit(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void Signal(int sig);
  std::string Stderr() const { return ReadFile(stderr_path_); }
  std::string Stdout() const { return stdout_; }

 private:
  TempDir dir_;
  std::string stderr_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = -1;
  int exit_code_ = -1;
  std::string stdout_;
};

std::shared_ptr<grpc::Channel> Connect(const std::string& target);

// grpc.health.v1.Health/Check: the ServingStatus number (1 SERVING, 2 NOT_SERVING), or -1 when
// the call itself failed (e.g. unknown service name: NOT_FOUND).
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service);
// Polls until `service` reports SERVING; false on timeout.
bool WaitUntilServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

// grpc.reflection.v1alpha list_services: the full names of the services the server exposes.
std::vector<std::string> ListServices(const std::shared_ptr<grpc::Channel>& channel);

// A tiny reference snapshot (six 1 km squares, one ICB, a few postcodes), in memory.
std::shared_ptr<const ReferenceData> MakeTinyReference(const std::string& store_path);
// The same snapshot written as a GeoPackage with the project's own writer, so server tests do
// not depend on the CLI.
void WriteTinyReference(const std::string& path);
// Inputs that exercise the tiny reference: two PCNs, three practices, an area distribution.
ValidationInput TinyInput();

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SERVER_SERVER_HARNESS_H_
