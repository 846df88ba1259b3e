// The slow-client guard (server/slow_clients.h) on a real httplib listener (server/
// http_listener.h) with a short grace: a client dripping its request is cut, one sending at a
// fair rate for longer than the grace is not, a request being served is never judged however
// long it runs, and many dripping connections from one address leave the listener answering.
#include "server/slow_clients.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/http_listener.h"

namespace pcnv::server {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class SlowClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SlowClientLimits limits;
    limits.grace = absl::Seconds(1);
    limits.period = absl::Milliseconds(100);
    limits.min_bytes_per_second = 500;
    limits.max_waiting_per_address = 2;
    guard_ = std::make_shared<SlowClientGuard>(limits);
    auto server = std::make_unique<httplib::Server>();
    server->Get("/quick", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    // As the HTTP gateway's handlers do: the body is read in the handler, then it is served.
    server->Post("/upload", [this](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& read) {
      size_t bytes = 0;
      if (!read([&](const char*, size_t n) {
            bytes += n;
            return true;
          })) {
        return;
      }
      guard_->Serving(req.remote_addr, req.remote_port);
      res.set_content(std::to_string(bytes), "text/plain");
    });
    server->Get("/long", [this](const httplib::Request& req, httplib::Response& res) {
      guard_->Serving(req.remote_addr, req.remote_port);
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // 2.5 graces
      res.set_content("done", "text/plain");
    });
    auto listener = HttpListener::Start(std::move(server), "127.0.0.1", 0, "test", guard_, 4);
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
  }

  // A connected socket to the listener, with `first` sent.
  int Connect(const std::string& first) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(listener_->port()));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    EXPECT_EQ(send(fd, first.data(), first.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(first.size()));
    return fd;
  }

  // Whether the server closed `fd` (it reads end of file or a reset) within `seconds`.
  static bool ClosedWithin(int fd, double seconds) {
    timeval tv{static_cast<time_t>(seconds), static_cast<suseconds_t>(seconds * 1e6) % 1000000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buffer[256];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

  std::shared_ptr<SlowClientGuard> guard_;
  std::unique_ptr<HttpListener> listener_;
};

TEST_F(SlowClientsTest, AClientDrippingItsHeadersIsCutAfterTheGrace) {
  const auto start = Clock::now();
  const int fd = Connect("GET /quick HTTP/1.1\r\nHost: x\r\n");
  // A header line every 300 ms: each read succeeds within httplib's 5 s, forever.
  std::thread drip([fd] {
    for (int i = 0; i < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      if (send(fd, "X-a: b\r\n", 8, MSG_NOSIGNAL) < 0) return;
    }
  });
  EXPECT_TRUE(ClosedWithin(fd, 5));
  EXPECT_GE(SecondsSince(start), 0.9);  // not before the grace
  EXPECT_LT(SecondsSince(start), 3.0);
  drip.join();
  close(fd);
  EXPECT_GE(guard_->closed(), 1);
}

TEST_F(SlowClientsTest, AnUploadAtAFairRateOutlastingTheGraceIsServed) {
  // 5,000 bytes a second (ten times the floor) for about 2.5 s.
  const int kBytes = 12500;
  const int fd =
      Connect("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kBytes) +
              "\r\nConnection: close\r\n\r\n");
  for (int sent = 0; sent < kBytes; sent += 500) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(send(fd, std::string(500, 'x').data(), 500, MSG_NOSIGNAL), 500);
  }
  std::string reply;
  char buffer[4096];
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) reply.append(buffer, n);
  close(fd);
  EXPECT_NE(reply.find("200 OK"), std::string::npos) << reply;
  EXPECT_NE(reply.find(std::to_string(kBytes)), std::string::npos) << reply;
  EXPECT_EQ(guard_->closed(), 0);
}

TEST_F(SlowClientsTest, ARequestBeingServedIsNeverJudged) {
  httplib::Client client("127.0.0.1", listener_->port());
  client.set_read_timeout(10, 0);
  const auto start = Clock::now();
  httplib::Result r = client.Get("/long");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->body, "done");
  EXPECT_GE(SecondsSince(start), 2.4);
  EXPECT_EQ(guard_->closed(), 0);
}

TEST_F(SlowClientsTest, ManyDrippingConnectionsFromOneAddressLeaveTheListenerAnswering) {
  // Ten connections that never finish their headers, against 4 pool threads: without the
  // guard every later request waits for ever.
  std::vector<int> fds;
  for (int i = 0; i < 10; ++i) fds.push_back(Connect("GET /quick HTTP/1.1\r\nHost: x\r\n"));
  std::atomic<bool> stop{false};
  std::thread drip([&] {
    while (!stop) {
      for (int fd : fds) send(fd, "X-a: b\r\n", 8, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  httplib::Client client("127.0.0.1", listener_->port());
  client.set_read_timeout(10, 0);
  const auto start = Clock::now();
  httplib::Result r = client.Get("/quick");
  const double seconds = SecondsSince(start);
  stop = true;
  drip.join();
  for (int fd : fds) close(fd);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->body, "ok");
  // The excess over 2 waiting connections go at once (two periods old), not after the grace.
  EXPECT_LT(seconds, 1.0);
  EXPECT_GE(guard_->closed(), 8);
}

}  // namespace
}  // namespace pcnv::server
