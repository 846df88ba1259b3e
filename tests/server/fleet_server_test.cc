// What a replica in a fleet needs from pcnv-server (issue 13), through the real binary:
// - SIGTERM turns health (grpc.health.v1 and the metrics port's /ready) NOT_SERVING at once, new
//   connections and calls are still accepted for --drain-seconds, then the server stops; a second
//   SIGTERM ends the drain period early;
// - keepalive: the server pings idle connections every --keepalive-time-seconds and closes one
//   whose pings go unanswered (checked with a raw HTTP/2 peer that never answers); clients may
//   ping as often as --min-client-ping-interval-seconds allows;
// - --max-connection-age-seconds: long-lived connections are closed now and then (GOAWAY), so a
//   client reconnects (and, behind a balancer, may reach a new replica) without a failed call.
#include <arpa/inet.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pcnv/v1/validator.grpc.pb.h"
#include "tests/server/server_harness.h"

namespace pcnv::testing {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr char kService[] = "pcnv.v1.BoundaryValidator";
constexpr int kNotServing = 2;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

grpc::Status Info(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ReferenceInfo info;
  return v1::BoundaryValidator::NewStub(channel)->GetReferenceInfo(
      &context, v1::GetReferenceInfoRequest(), &info);
}

// A channel of its own (not shared with other channels through gRPC's global subchannel pool), so
// that it is its own TCP connection.
std::shared_ptr<grpc::Channel> OwnConnection(const std::string& target,
                                             grpc::ChannelArguments args = {}) {
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

class FleetServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reference_ = dir_.File("ref.gpkg");
    WriteTinyReference(reference_);
  }
  TempDir dir_;
  std::string reference_;
};

TEST_F(FleetServerTest, SigtermTurnsNotServingAndKeepsAcceptingForTheDrainPeriod) {
  ServerProcess server({"--reference", reference_, "--drain-seconds", "2", "--grace-seconds", "5",
                        "--metrics-port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  const int metrics = server.MetricsPort();
  Clock::time_point signalled;
  {
    auto watching = Connect(server.target());
    ASSERT_TRUE(WaitUntilServing(watching, kService)) << server.Stderr();
    EXPECT_THAT(HttpGet(metrics, "/ready"), HasSubstr("200 OK"));
    EXPECT_THAT(HttpGet(metrics, "/metrics"), HasSubstr("\npcnv_serving 1\n"));

    server.Signal(SIGTERM);
    signalled = Clock::now();
    // NOT_SERVING at once, on both services and on /ready: a balancer stops routing here.
    int status = 0;
    while (SecondsSince(signalled) < 1 && status != kNotServing) {
      status = HealthStatus(watching, kService);
    }
    EXPECT_EQ(status, kNotServing);
    EXPECT_EQ(HealthStatus(watching, ""), kNotServing);
    EXPECT_THAT(HttpGet(metrics, "/ready"), HasSubstr("503 Service Unavailable"));
    EXPECT_THAT(HttpGet(metrics, "/metrics"), HasSubstr("\npcnv_serving 0\n"));

    // Still accepting: a new connection and a call on it, and a call on the old one.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto late = OwnConnection(server.target());
    const grpc::Status accepted = Info(late);
    EXPECT_TRUE(accepted.ok()) << accepted.error_message();
    EXPECT_TRUE(Info(watching).ok());
    EXPECT_LT(SecondsSince(signalled), 1.9) << "the calls above must fall in the drain period";
  }
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
  const double stopped = SecondsSince(signalled);
  EXPECT_GE(stopped, 1.9) << "stopped before the drain period was over";
  EXPECT_LT(stopped, 4.5) << "no call was running: the drain period, then a prompt exit";
  EXPECT_THAT(server.Stderr(), HasSubstr("still accepting calls for 2 s"));
  EXPECT_THAT(server.Stderr(), HasSubstr("no longer accepting calls"));
}

TEST_F(FleetServerTest, ASecondSigtermEndsTheDrainPeriod) {
  ServerProcess server({"--reference", reference_, "--drain-seconds", "60"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(server.target()), kService)) << server.Stderr();
  server.Signal(SIGTERM);
  const Clock::time_point first = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(10)), 0) << server.Stderr();
  EXPECT_LT(SecondsSince(first), 5);
  EXPECT_THAT(server.Stderr(), HasSubstr("second signal: ending the drain period now"));
}

// A raw HTTP/2 client on a loopback TCP connection: sends the connection preface and acknowledges
// the server's SETTINGS, but never answers a PING. Records what the server does.
struct Http2Peer {
  double first_ping = -1;  // seconds after connecting; -1: none
  double goaway = -1;
  double closed = -1;
};

Http2Peer SilentPeer(int port, double watch_seconds) {
  Http2Peer seen;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ADD_FAILURE() << "cannot connect to port " << port;
    close(fd);
    return seen;
  }
  const Clock::time_point start = Clock::now();
  std::string hello = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  hello += std::string("\0\0\0\x04\0\0\0\0\0", 9);  // an empty SETTINGS frame
  send(fd, hello.data(), hello.size(), MSG_NOSIGNAL);
  std::string in;
  while (SecondsSince(start) < watch_seconds && seen.closed < 0) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      seen.closed = SecondsSince(start);
      break;
    }
    in.append(buf, n);
    // Whole frames: 3 bytes length, type, flags, 4 bytes stream id, payload.
    while (in.size() >= 9) {
      const size_t length = (static_cast<unsigned char>(in[0]) << 16) |
                            (static_cast<unsigned char>(in[1]) << 8) |
                            static_cast<unsigned char>(in[2]);
      if (in.size() < 9 + length) break;
      const int type = static_cast<unsigned char>(in[3]);
      const bool ack = (static_cast<unsigned char>(in[4]) & 1) != 0;
      if (type == 0x4 && !ack) {
        const std::string settings_ack("\0\0\0\x04\x01\0\0\0\0", 9);
        send(fd, settings_ack.data(), settings_ack.size(), MSG_NOSIGNAL);
      } else if (type == 0x6 && !ack && seen.first_ping < 0) {
        seen.first_ping = SecondsSince(start);  // and never answered
      } else if (type == 0x7 && seen.goaway < 0) {
        seen.goaway = SecondsSince(start);
      }
      in.erase(0, 9 + length);
    }
  }
  close(fd);
  return seen;
}

TEST_F(FleetServerTest, ServerPingsIdleConnectionsAndDropsPeersThatDoNotAnswer) {
  ServerProcess server({"--reference", reference_, "--keepalive-time-seconds", "1",
                        "--keepalive-timeout-seconds", "1", "--drain-seconds", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(server.target()), kService)) << server.Stderr();
  const Http2Peer peer = SilentPeer(std::stoi(server.target().substr(10)), 6);
  EXPECT_GE(peer.first_ping, 0.5) << "no keepalive ping";
  EXPECT_LT(peer.first_ping, 2.0);
  // Unanswered for --keepalive-timeout-seconds: the server gives up on the connection.
  EXPECT_GT(peer.closed, peer.first_ping) << "the connection was not closed";
  EXPECT_LT(peer.closed, peer.first_ping + 2.5);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
}

TEST_F(FleetServerTest, KeepaliveOffSendsNoPing) {
  ServerProcess server(
      {"--reference", reference_, "--keepalive-time-seconds", "0", "--drain-seconds", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(server.target()), kService)) << server.Stderr();
  const Http2Peer peer = SilentPeer(std::stoi(server.target().substr(10)), 2.5);
  EXPECT_LT(peer.first_ping, 0) << "a ping at " << peer.first_ping << " s";
  EXPECT_LT(peer.closed, 0);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
}

// Whether a client that pings every second while idle keeps its connection for `seconds`.
bool PingingClientKeepsItsConnection(const std::string& target, int seconds) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  auto channel = OwnConnection(target, args);
  EXPECT_TRUE(Info(channel).ok());
  EXPECT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
  // Idle from here on: only pings cross the connection.
  return !channel->WaitForStateChange(
      GRPC_CHANNEL_READY, std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

TEST_F(FleetServerTest, ClientsMayPingAsOftenAsTheFlagAllows) {
  ServerProcess lenient({"--reference", reference_, "--min-client-ping-interval-seconds", "1",
                         "--drain-seconds", "0"});
  ServerProcess strict({"--reference", reference_, "--min-client-ping-interval-seconds", "30",
                        "--drain-seconds", "0"});
  ASSERT_GT(lenient.WaitForPort(), 0) << lenient.Stderr();
  ASSERT_GT(strict.WaitForPort(), 0) << strict.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(lenient.target()), kService));
  ASSERT_TRUE(WaitUntilServing(Connect(strict.target()), kService));
  bool kept_lenient = false, kept_strict = true;
  std::thread a([&] { kept_lenient = PingingClientKeepsItsConnection(lenient.target(), 5); });
  std::thread b([&] { kept_strict = PingingClientKeepsItsConnection(strict.target(), 5); });
  a.join();
  b.join();
  EXPECT_TRUE(kept_lenient) << "a client pinging every 1 s was disconnected";
  // gRPC's ping abuse policy: pings more often than allowed earn GOAWAY (too_many_pings).
  EXPECT_FALSE(kept_strict) << "pings every 1 s were tolerated although 30 s are required";
  for (ServerProcess* s : {&lenient, &strict}) {
    s->Signal(SIGTERM);
    EXPECT_EQ(s->WaitExit(), 0) << s->Stderr();
  }
}

TEST_F(FleetServerTest, ConnectionsAreRecycledAfterTheirMaximumAgeWithoutAFailedCall) {
  ServerProcess server({"--reference", reference_, "--max-connection-age-seconds", "1",
                        "--max-connection-age-grace-seconds", "1", "--drain-seconds", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  {
    auto channel = OwnConnection(server.target());
    ASSERT_TRUE(WaitUntilServing(channel, kService)) << server.Stderr();
    const Clock::time_point start = Clock::now();
    int calls = 0;
    while (SecondsSince(start) < 3.5) {
      const grpc::Status s = Info(channel);
      ASSERT_TRUE(s.ok()) << "call " << calls << ": " << s.error_message();
      ++calls;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_GT(calls, 30);
  }
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
  // The call log names each call's peer (client address and port): one port per connection.
  std::set<std::string> peers;
  for (absl::string_view line : absl::StrSplit(server.Stderr(), '\n')) {
    if (!absl::StartsWith(line, "{")) continue;
    const nlohmann::json call = nlohmann::json::parse(line);
    if (call["method"] == "GetReferenceInfo") peers.insert(call["peer"].get<std::string>());
  }
  // Ages of 1 s (+-10%) over 3.5 s of calls: at least three connections, one after another.
  EXPECT_GE(peers.size(), 3u) << server.Stderr();
}

}  // namespace
}  // namespace pcnv::testing
