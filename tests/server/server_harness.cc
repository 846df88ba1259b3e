#include "tests/server/server_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/byte_buffer.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/io/reference_store.h"
#include "geo/reference.h"
#include "gtest/gtest.h"

namespace pcnv::testing {
namespace {

using Clock = std::chrono::steady_clock;

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

// Waits for the completion-queue event `tag`; its ok flag, or false on anything unexpected.
bool Await(grpc::CompletionQueue& cq, intptr_t tag) {
  void* got = nullptr;
  bool ok = false;
  if (!cq.Next(&got, &ok)) return false;
  return got == reinterpret_cast<void*>(tag) && ok;
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& args)
    : stderr_path_(dir_.File("stderr")) {
  std::vector<std::string> argv = {PCNV_SERVER};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return;
  }
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  const int err_fd = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  close(fds[1]);
  if (err_fd >= 0) close(err_fd);
  stdout_fd_ = fds[0];
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && exit_code_ < 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

int ServerProcess::WaitForPort(std::chrono::milliseconds timeout) {
  static constexpr char kPrefix[] = "pcnv-server listening on ";
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const size_t at = stdout_.find(kPrefix);
    const size_t eol = at == std::string::npos ? at : stdout_.find('\n', at);
    if (eol != std::string::npos) {
      const std::string address =
          stdout_.substr(at + sizeof kPrefix - 1, eol - at - sizeof kPrefix + 1);
      const size_t colon = address.rfind(':');
      port_ = colon == std::string::npos ? -1 : std::atoi(address.c_str() + colon + 1);
      return port_;
    }
    pollfd p{stdout_fd_, POLLIN, 0};
    const int ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (poll(&p, 1, std::max(ms, 0)) <= 0) break;
    char buf[256];
    const ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;  // EOF: the server exited before printing its port
    stdout_.append(buf, n);
  }
  return -1;
}

int ServerProcess::WaitExit(std::chrono::milliseconds timeout) {
  if (exit_code_ >= 0 || pid_ <= 0) return exit_code_;
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (r < 0 || Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ServerProcess::Signal(int sig) {
  if (pid_ > 0 && exit_code_ < 0) kill(pid_, sig);
}

std::shared_ptr<grpc::Channel> Connect(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // reports on the grid inputs exceed gRPC's 4 MiB default
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

void StopAndDelete(ServerProcess*& server) {
  if (server == nullptr) return;
  server->Signal(SIGTERM);
  server->WaitExit();
  // After a failure, the server's log says why it failed (a sanitizer's report ends it early).
  if (::testing::UnitTest::GetInstance()->failed_test_count() > 0) {
    std::cerr << "pcnv-server's log:\n" << server->Stderr();
  }
  delete server;
  server = nullptr;
}

int ServerProcess::MetricsPort() const { return PortOfLine("pcnv-server metrics on "); }
int ServerProcess::HttpPort() const { return PortOfLine("pcnv-server http on "); }

int ServerProcess::PortOfLine(const std::string& prefix) const {
  const size_t at = stdout_.find(prefix);
  if (at == std::string::npos) return -1;
  const size_t eol = stdout_.find('\n', at);
  const std::string address = stdout_.substr(at, eol - at);
  return std::atoi(address.c_str() + address.rfind(':') + 1);
}

std::shared_ptr<grpc::Channel> ConnectTls(const std::string& target, const std::string& root_pem,
                                          const std::string& client_cert_pem,
                                          const std::string& client_key_pem) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = root_pem;
  options.pem_cert_chain = client_cert_pem;
  options.pem_private_key = client_key_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(options), args);
}

bool WaitForConnected(const std::shared_ptr<grpc::Channel>& channel,
                      std::chrono::milliseconds timeout) {
  return channel->WaitForConnected(std::chrono::system_clock::now() + timeout);
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, n);
    }
  }
  close(fd);
  return out;
}

bool MakeTestCertificates(const std::string& dir, TestCertificates* out) {
  out->dir = dir;
  const std::string config = dir + "/san.cnf";
  WriteFile(config,
            "[req]\ndistinguished_name=dn\n[dn]\n"
            "[server]\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "[client]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
            "extendedKeyUsage=clientAuth\n");
  auto openssl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    const CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args[1] << ": " << r.err;
    return r.exit_code == 0;
  };
  auto ca = [&](const std::string& name) {
    return openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=pcnv test " + name, "-keyout", out->File(name + ".key"), "-out",
                    out->File(name + ".crt")});
  };
  auto leaf = [&](const std::string& name, const std::string& issuer, const std::string& cn,
                  const std::string& section) {
    return openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn, "-keyout",
                    out->File(name + ".key"), "-out", out->File(name + ".csr")}) &&
           openssl({"x509", "-req", "-in", out->File(name + ".csr"), "-CA",
                    out->File(issuer + ".crt"), "-CAkey", out->File(issuer + ".key"),
                    "-CAcreateserial", "-days", "2", "-extfile", config, "-extensions", section,
                    "-out", out->File(name + ".crt")});
  };
  return ca("ca") && ca("rogue-ca") && leaf("server", "ca", "localhost", "server") &&
         leaf("client", "ca", "portal", "client") &&
         leaf("rogue", "rogue-ca", "intruder", "client");
}

int HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  google::protobuf::UnknownFieldSet request;  // HealthCheckRequest { string service = 1; }
  if (!service.empty()) request.AddLengthDelimited(1, service);
  std::string request_bytes;
  request.SerializeToString(&request_bytes);

  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call =
      stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", ToBuffer(request_bytes), &cq);
  call->StartCall();
  grpc::ByteBuffer reply;
  grpc::Status status;
  call->Finish(&reply, &status, reinterpret_cast<void*>(1));
  const bool done = Await(cq, 1);
  cq.Shutdown();
  if (!done || !status.ok()) return -1;

  google::protobuf::UnknownFieldSet response;  // HealthCheckResponse { ServingStatus status = 1; }
  if (!response.ParseFromString(FromBuffer(reply))) return -1;
  for (int i = 0; i < response.field_count(); ++i) {
    if (response.field(i).number() == 1) return static_cast<int>(response.field(i).varint());
  }
  return 0;  // the field is absent when the status is UNKNOWN (0)
}

bool WaitUntilServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                      std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (HealthStatus(channel, service) == 1) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::vector<std::string> ListServices(const std::shared_ptr<grpc::Channel>& channel) {
  google::protobuf::UnknownFieldSet request;  // ServerReflectionRequest { list_services = 7; }
  request.AddLengthDelimited(7, "");
  std::string request_bytes;
  request.SerializeToString(&request_bytes);

  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  std::vector<std::string> names;
  grpc::ByteBuffer reply;
  grpc::Status status;
  call->StartCall(reinterpret_cast<void*>(1));
  bool ok = Await(cq, 1);
  if (ok) {
    call->Write(ToBuffer(request_bytes), reinterpret_cast<void*>(2));
    ok = Await(cq, 2);
  }
  if (ok) {
    call->WritesDone(reinterpret_cast<void*>(3));
    ok = Await(cq, 3);
  }
  if (ok) {
    call->Read(&reply, reinterpret_cast<void*>(4));
    ok = Await(cq, 4);
  }
  call->Finish(&status, reinterpret_cast<void*>(5));
  Await(cq, 5);
  cq.Shutdown();
  void* tag;
  bool drained_ok;
  while (cq.Next(&tag, &drained_ok)) {
  }
  if (!ok) return names;

  // ServerReflectionResponse { ListServiceResponse list_services_response = 6; }
  // ListServiceResponse { repeated ServiceResponse service = 1; } ServiceResponse { name = 1; }
  google::protobuf::UnknownFieldSet response;
  if (!response.ParseFromString(FromBuffer(reply))) return names;
  for (int i = 0; i < response.field_count(); ++i) {
    if (response.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    list.ParseFromString(response.field(i).length_delimited());
    for (int j = 0; j < list.field_count(); ++j) {
      if (list.field(j).number() != 1) continue;
      google::protobuf::UnknownFieldSet service;
      service.ParseFromString(list.field(j).length_delimited());
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1) names.push_back(service.field(k).length_delimited());
      }
    }
  }
  return names;
}

namespace {

Geometry Square(double x0, double y0, double size) {
  auto g = Geometry::FromWkt(absl::StrCat("POLYGON((", x0, " ", y0, ",", x0 + size, " ", y0, ",",
                                          x0 + size, " ", y0 + size, ",", x0, " ", y0 + size, ",",
                                          x0, " ", y0, "))"));
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? *std::move(g) : Geometry();
}

constexpr double kX0 = 400000, kY0 = 300000, kKm = 1000;

}  // namespace

std::shared_ptr<const ReferenceData> MakeTinyReference(const std::string& store_path,
                                                       const std::string& vintage) {
  // Areas E01000001..E01000006: a 3 x 2 grid of 1 km squares.
  std::vector<Area> areas;
  for (int i = 0; i < 6; ++i) {
    Area a;
    a.code = absl::StrCat("E0100000", i + 1);
    a.name = absl::StrCat("Area ", i + 1);
    a.geometry = Square(kX0 + (i % 3) * kKm, kY0 + (i / 3) * kKm, kKm);
    a.area_m2 = kKm * kKm;
    areas.push_back(std::move(a));
  }
  FootprintLayer icb{FootprintKind::kIcb, {}};
  icb.footprints.push_back({"E54000001", "Tiny ICB", Square(kX0, kY0, 3 * kKm)});
  std::vector<FootprintLayer> footprints;
  footprints.push_back(std::move(icb));
  absl::flat_hash_map<std::string, PostcodeEntry> postcodes;
  postcodes["TN11AA"] = {{kX0 + 500, kY0 + 500}, "E01000001"};
  postcodes["TN11AB"] = {{kX0 + 1500, kY0 + 500}, "E01000002"};
  postcodes["TN11AC"] = {{kX0 + 2500, kY0 + 1500}, "E01000006"};
  std::vector<LayerInfo> layers = {
      {"areas", "tiny-areas.geojson", std::string(64, 'a'), 6, vintage},
      {"icb", "tiny-icb.geojson", std::string(64, 'b'), 1, ""},
      {"postcodes", "tiny-postcodes.csv", std::string(64, 'c'), 3, ""},
  };
  return std::make_shared<const ReferenceData>(std::move(areas), std::move(footprints),
                                               std::move(postcodes), std::move(layers), store_path,
                                               "");
}

void WriteTinyReference(const std::string& path, const std::string& vintage) {
  absl::Status written = io::WriteReferenceStore(*MakeTinyReference(path, vintage), path);
  ASSERT_TRUE(written.ok()) << written;
}

namespace {

std::string GridAreaCode(int i) { return absl::StrFormat("E01%06d", i + 1); }

}  // namespace

void WriteGridReference(const std::string& path, int n) {
  std::vector<Area> areas;
  for (int i = 0; i < n * n; ++i) {
    Area a;
    a.code = GridAreaCode(i);
    a.name = absl::StrCat("Grid ", i + 1);
    a.geometry = Square(kX0 + (i % n) * kKm, kY0 + (i / n) * kKm, kKm);
    a.area_m2 = kKm * kKm;
    areas.push_back(std::move(a));
  }
  FootprintLayer icb{FootprintKind::kIcb, {}};
  icb.footprints.push_back({"E54000001", "Grid ICB", Square(kX0, kY0, n * kKm)});
  std::vector<FootprintLayer> footprints;
  footprints.push_back(std::move(icb));
  std::vector<LayerInfo> layers = {
      {"areas", "grid-areas.geojson", std::string(64, 'a'), n * n, "grid"},
      {"icb", "grid-icb.geojson", std::string(64, 'b'), 1, ""},
  };
  ReferenceData ref(std::move(areas), std::move(footprints), {}, std::move(layers), path, "");
  absl::Status written = io::WriteReferenceStore(ref, path);
  ASSERT_TRUE(written.ok()) << written;
}

ValidationInput GridInput(int n, int pcns, int practices_per_pcn, int areas_per_practice) {
  ValidationInput input;
  Distribution d;
  d.level = DistributionLevel::kArea;
  int row = 0;
  uint64_t state = 12345;  // a fixed LCG: the same input every run
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int>((state >> 33) % static_cast<uint64_t>(n * n));
  };
  for (int k = 0; k < pcns; ++k) {
    for (int p = 0; p < practices_per_pcn; ++p) {
      Membership m;
      m.practice_code = absl::StrFormat("P%05d", k * practices_per_pcn + p);
      m.pcn_code = absl::StrFormat("U%05d", k + 1);
      m.pcn_name = "PCN " + m.pcn_code;
      m.ons_icb_code = "E54000001";
      m.row = static_cast<int>(input.memberships.size()) + 1;
      for (int a = 0; a < areas_per_practice; ++a) {
        d.rows.push_back({m.practice_code, GridAreaCode(next()), 50 + (a % 7) * 30, ++row});
      }
      input.memberships.push_back(std::move(m));
    }
  }
  input.distribution = std::move(d);
  return input;
}

ValidationInput TinyInput() {
  ValidationInput input;
  auto member = [&](std::string practice, std::string pcn, std::string postcode, int row) {
    Membership m;
    m.practice_code = std::move(practice);
    m.practice_name = "Practice " + m.practice_code;
    m.practice_postcode = std::move(postcode);
    m.pcn_code = std::move(pcn);
    m.pcn_name = "PCN " + m.pcn_code;
    m.icb_code = "QAA";
    m.ons_icb_code = "E54000001";
    m.row = row;
    input.memberships.push_back(std::move(m));
  };
  member("A00001", "U00001", "TN11AA", 1);
  member("A00002", "U00001", "TN11AB", 2);
  member("A00003", "U00002", "TN11AC", 3);
  input.list_sizes =
      std::vector<ListSize>{{"A00001", 1200, 1}, {"A00002", 800, 2}, {"A00003", 1500, 3}};
  Distribution d;
  d.level = DistributionLevel::kArea;
  int row = 0;
  auto add = [&](std::string practice, std::string place, int64_t patients) {
    d.rows.push_back({std::move(practice), std::move(place), patients, ++row});
  };
  add("A00001", "E01000001", 700);
  add("A00001", "E01000004", 500);
  add("A00002", "E01000002", 600);
  add("A00002", "E01000005", 200);
  add("A00003", "E01000003", 900);
  add("A00003", "E01000006", 550);
  add("A00003", "NO2011", 50);
  input.distribution = std::move(d);
  input.sources = {{"practices", "tiny-map.csv", std::string(64, '1'), 3},
                   {"list_sizes", "tiny-sizes.csv", std::string(64, '2'), 3},
                   {"distribution", "tiny-lsoa.csv", std::string(64, '3'), 7}};
  return input;
}

}  // namespace pcnv::testing
