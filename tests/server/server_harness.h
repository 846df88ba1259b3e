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
#include "gtest/gtest.h"
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
  // The port of the "pcnv-server metrics on HOST:PORT" line (printed before the gRPC port), or
  // -1. Call after WaitForPort.
  int MetricsPort() const;
  // The port of the "pcnv-server http on HOST:PORT" line (--http-port), or -1.
  int HttpPort() const;
  pid_t pid() const { return pid_; }

 private:
  int PortOfLine(const std::string& prefix) const;

  TempDir dir_;
  std::string stderr_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = -1;
  int exit_code_ = -1;
  std::string stdout_;
};

// For fixtures' TearDownTestSuite: SIGTERM, wait for the exit, print the server's log when a test
// has failed, delete, null. No-op on null.
void StopAndDelete(ServerProcess*& server);

std::shared_ptr<grpc::Channel> Connect(const std::string& target);
// A TLS channel trusting `root_pem`, presenting a client certificate when one is given, with the
// server's name checked as "localhost".
std::shared_ptr<grpc::Channel> ConnectTls(const std::string& target, const std::string& root_pem,
                                          const std::string& client_cert_pem = "",
                                          const std::string& client_key_pem = "");
// Waits until the channel connects (true) or `timeout` passes (false): a TLS handshake check.
bool WaitForConnected(const std::shared_ptr<grpc::Channel>& channel,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

// HTTP/1.0 GET http://127.0.0.1:PORT/PATH: the whole response (status line, headers, body), or
// empty when the connection failed.
std::string HttpGet(int port, const std::string& path);

// Test certificates made with the openssl command line: a CA, a server certificate for
// localhost / 127.0.0.1 signed by it, a client certificate signed by it, and a client certificate
// signed by an unrelated CA. Files are <dir>/{ca,server,client,rogue}.{crt,key}.
struct TestCertificates {
  std::string dir;
  std::string File(const std::string& name) const { return dir + "/" + name; }
  std::string Pem(const std::string& name) const { return ReadFile(File(name)); }
};
// False (with a gtest failure) when openssl is missing or fails.
bool MakeTestCertificates(const std::string& dir, TestCertificates* out);

// grpc.health.v1.Health/Check: the ServingStatus number (1 SERVING, 2 NOT_SERVING), or -1 when
// the call itself failed (e.g. unknown service name: NOT_FOUND).
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service);
// Polls until `service` reports SERVING; false on timeout.
bool WaitUntilServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

// grpc.reflection.v1alpha list_services: the full names of the services the server exposes.
std::vector<std::string> ListServices(const std::shared_ptr<grpc::Channel>& channel);

// A tiny reference snapshot (six 1 km squares, one ICB, a few postcodes), in memory. `vintage`
// is the areas layer's vintage, so tests can tell two snapshots apart.
std::shared_ptr<const ReferenceData> MakeTinyReference(const std::string& store_path,
                                                       const std::string& vintage = "test");
// The same snapshot written as a GeoPackage with the project's own writer, so server tests do
// not depend on the CLI.
void WriteTinyReference(const std::string& path, const std::string& vintage = "test");

// A test with the tiny reference written to `reference_` in its own temporary directory.
class TinyReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reference_ = dir_.File("ref.gpkg");
    WriteTinyReference(reference_);
  }
  TempDir dir_;
  std::string reference_;
};

// A larger synthetic region for load and deadline tests: an n x n grid of 1 km squares (area
// codes E01xxxxxx), one ICB over all of it, written as a GeoPackage.
void WriteGridReference(const std::string& path, int n);
// Inputs over that grid: `pcns` PCNs of `practices_per_pcn` practices; every practice has
// patients in `areas_per_practice` areas spread over the grid, so every PCN's territory is
// scattered (many parts, many findings) and validation does real work.
ValidationInput GridInput(int n, int pcns, int practices_per_pcn, int areas_per_practice);
// Inputs that exercise the tiny reference: two PCNs, three practices, an area distribution.
ValidationInput TinyInput();

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SERVER_SERVER_HARNESS_H_
