// Integration, real pcnv-server on a loopback port: the `pcnv validate --server` security flags
// (--token-file, --tls-ca, --tls-cert, --tls-key) against TLS, mutual TLS and token servers, and
// the tokens file re-read on SIGHUP (new tokens in force, a bad file keeping the old ones).
// Certificates are made by openssl (server_harness.h). Flag mistakes that need no server are in
// tests/cli/security_flags_test.cc.
#include <grpcpp/client_context.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "tests/server/server_harness.h"

namespace pcnv::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kService[] = "pcnv.v1.BoundaryValidator";
constexpr char kTokenA[] = "token-a-0123456789abcdef";
constexpr char kTokenB[] = "token-b-fedcba9876543210";

// Polls `done` every 50 ms for up to `timeout`; whether it became true.
bool Eventually(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const Clock::time_point end = Clock::now() + timeout;
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// Writes `content` beside `path` and renames it over, as an operator rotating tokens would.
void ReplaceFile(const std::string& path, const std::string& content) {
  const std::string staged = path + ".new";
  WriteFile(staged, content);
  ASSERT_EQ(std::rename(staged.c_str(), path.c_str()), 0);
}

// ---------------------------------------------------------------------------------------------
// The CLI's flags against real servers

class CliSecurityTest : public ::testing::Test {
 protected:
  // The sample region's reference store, built once for the suite with the CLI.
  static void SetUpTestSuite() {
    suite_dir_ = new TempDir();
    reference_ = suite_dir_->File("sample.gpkg");
    std::vector<std::string> argv = {PCNV_CLI, "reference", "build"};
    for (const std::string& flag : SampleLayerFlags()) argv.push_back(flag);
    argv.insert(argv.end(), {"--out", reference_});
    const CommandResult built = testing::Run(argv);
    ASSERT_EQ(built.exit_code, 0) << built.err;
  }
  static void TearDownTestSuite() {
    delete suite_dir_;
    suite_dir_ = nullptr;
  }

  void SetUp() override {
    certs_dir_ = dir_.File("certs");
    ASSERT_EQ(mkdir(certs_dir_.c_str(), 0700), 0);
    ASSERT_TRUE(MakeTestCertificates(certs_dir_, &certs_));
    WriteFile(tokens_, absl::StrCat("read cli ", kTokenA, "\n"));
    WriteFile(token_a_, absl::StrCat(kTokenA, "\n"));
    WriteFile(token_b_, absl::StrCat(kTokenB, "\n"));
  }

  // Starts pcnv-server on the sample store with `args` and waits until it serves (checked over
  // a channel trusting the test CA, presenting the client certificate when mTLS is on).
  std::unique_ptr<ServerProcess> Start(const std::vector<std::string>& args, bool tls,
                                       bool mtls = false) {
    std::vector<std::string> all = {"--reference", reference_};
    all.insert(all.end(), args.begin(), args.end());
    auto server = std::make_unique<ServerProcess>(all);
    EXPECT_GT(server->WaitForPort(), 0) << server->Stderr();
    std::shared_ptr<grpc::Channel> channel =
        !tls    ? Connect(server->target())
        : !mtls ? ConnectTls(server->target(), certs_.Pem("ca.crt"))
                : ConnectTls(server->target(), certs_.Pem("ca.crt"), certs_.Pem("client.crt"),
                             certs_.Pem("client.key"));
    EXPECT_TRUE(WaitUntilServing(channel, kService)) << server->Stderr();
    return server;
  }

  // `pcnv validate --server TARGET` on the sample with `flags`, in an environment without any
  // PCNV_* security variable plus `env` (NAME=VALUE).
  CommandResult Validate(const std::string& target, const std::vector<std::string>& flags,
                         const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {"/usr/bin/env"};
    for (const char* name : {"PCNV_TOKEN", "PCNV_TOKEN_FILE", "PCNV_TLS", "PCNV_TLS_ROOT_CERTS",
                             "PCNV_TLS_CLIENT_CERT", "PCNV_TLS_CLIENT_KEY"}) {
      argv.insert(argv.end(), {"-u", name});
    }
    argv.insert(argv.end(), env.begin(), env.end());
    const std::string sample = SampleDir();
    // clang-format off
    argv.insert(argv.end(), {
        PCNV_CLI, "validate", "--quiet",
        "--practices", sample + "/gp-reg-pat-prac-map.csv",
        "--distribution", sample + "/gp-reg-pat-prac-lsoa-all.csv",
        "--server", target, "--timeout", "30", "--out", report_});
    // clang-format on
    argv.insert(argv.end(), flags.begin(), flags.end());
    std::remove(report_.c_str());
    return testing::Run(argv);
  }

  // The sample has ERROR findings: a call that got through exits 1 and writes the report.
  void ExpectValidated(const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(ReadFile(report_).find("\"verdict\""), std::string::npos) << r.err;
  }

  static TempDir* suite_dir_;
  static std::string reference_;
  TempDir dir_;
  std::string certs_dir_;
  TestCertificates certs_;
  std::string tokens_ = dir_.File("tokens");
  std::string token_a_ = dir_.File("token-a");
  std::string token_b_ = dir_.File("token-b");
  std::string report_ = dir_.File("report.json");
};

TempDir* CliSecurityTest::suite_dir_ = nullptr;
std::string CliSecurityTest::reference_;

TEST_F(CliSecurityTest, TlsCaAndTokenFileFlags) {
  auto server = Start({"--tls-cert", certs_.File("server.crt"), "--tls-key",
                       certs_.File("server.key"), "--tokens-file", tokens_},
                      /*tls=*/true);
  const std::string target = server->target();

  ExpectValidated(Validate(target, {"--tls-ca", certs_.File("ca.crt"), "--token-file", token_a_}));

  // Plaintext to a TLS server: refused, naming the server and what to try.
  CommandResult r = Validate(target, {"--token-file", token_a_});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("pcnv server " + target + ": UNAVAILABLE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--tls-ca"), std::string::npos) << r.err;

  // A CA that did not sign the server's certificate.
  r = Validate(target, {"--tls-ca", certs_.File("rogue-ca.crt"), "--token-file", token_a_});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("UNAVAILABLE"), std::string::npos) << r.err;

  // No token, and a token the server does not know: UNAUTHENTICATED, never the token itself.
  r = Validate(target, {"--tls-ca", certs_.File("ca.crt")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("pcnv server " + target + ": UNAUTHENTICATED"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--token-file"), std::string::npos) << r.err;
  r = Validate(target, {"--tls-ca", certs_.File("ca.crt"), "--token-file", token_b_});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("UNAUTHENTICATED: unknown bearer token"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(kTokenB), std::string::npos) << r.err;

  // A missing file names the flag and the file, before any call.
  const std::string missing = dir_.File("no-such-ca.crt");
  r = Validate(target, {"--tls-ca", missing, "--token-file", token_a_});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--tls-ca: cannot read '" + missing + "'"), std::string::npos) << r.err;

  // The flags win over the variables; the variables alone still work (the old interface).
  ExpectValidated(Validate(target, {"--tls-ca", certs_.File("ca.crt"), "--token-file", token_a_},
                           {"PCNV_TLS_ROOT_CERTS=" + certs_.File("rogue-ca.crt"),
                            std::string("PCNV_TOKEN=") + kTokenB}));
  ExpectValidated(Validate(
      target, {},
      {"PCNV_TLS_ROOT_CERTS=" + certs_.File("ca.crt"), std::string("PCNV_TOKEN=") + kTokenA}));
  ExpectValidated(Validate(
      target, {}, {"PCNV_TLS_ROOT_CERTS=" + certs_.File("ca.crt"), "PCNV_TOKEN_FILE=" + token_a_}));
}

TEST_F(CliSecurityTest, MutualTlsFlags) {
  auto server = Start({"--tls-cert", certs_.File("server.crt"), "--tls-key",
                       certs_.File("server.key"), "--tls-client-ca", certs_.File("ca.crt")},
                      /*tls=*/true, /*mtls=*/true);
  const std::string target = server->target();
  const std::string ca = certs_.File("ca.crt");

  ExpectValidated(Validate(target, {"--tls-ca", ca, "--tls-cert", certs_.File("client.crt"),
                                    "--tls-key", certs_.File("client.key")}));
  ExpectValidated(
      Validate(target, {},
               {"PCNV_TLS_ROOT_CERTS=" + ca, "PCNV_TLS_CLIENT_CERT=" + certs_.File("client.crt"),
                "PCNV_TLS_CLIENT_KEY=" + certs_.File("client.key")}));

  // No client certificate, or one from an unrelated CA: the handshake fails.
  CommandResult r = Validate(target, {"--tls-ca", ca});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("UNAVAILABLE"), std::string::npos) << r.err;
  r = Validate(target, {"--tls-ca", ca, "--tls-cert", certs_.File("rogue.crt"), "--tls-key",
                        certs_.File("rogue.key")});
  EXPECT_EQ(r.exit_code, 2) << r.err;

  // A certificate without its key is a usage error before any call.
  r = Validate(target, {"--tls-ca", ca, "--tls-cert", certs_.File("client.crt")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--tls-cert needs --tls-key"), std::string::npos) << r.err;
}

// ---------------------------------------------------------------------------------------------
// SIGHUP re-reads the tokens file

grpc::Status Info(v1::BoundaryValidator::Stub& stub, const std::string& token) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  context.AddMetadata("authorization", "Bearer " + token);
  v1::ReferenceInfo info;
  return stub.GetReferenceInfo(&context, v1::GetReferenceInfoRequest(), &info);
}

grpc::Status ReloadReference(v1::BoundaryValidator::Stub& stub, const std::string& token) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  context.AddMetadata("authorization", "Bearer " + token);
  v1::ReloadReferenceResponse response;
  return stub.ReloadReference(&context, v1::ReloadReferenceRequest(), &response);
}

TEST(TokenReloadTest, SighupSwapsTheTokensAndABadFileKeepsTheOldOnes) {
  TempDir dir;
  const std::string reference = dir.File("ref.gpkg");
  WriteTinyReference(reference);
  const std::string tokens = dir.File("tokens");
  WriteFile(tokens, absl::StrCat("read portal ", kTokenA, "\n"));
  ServerProcess server({"--reference", reference, "--tokens-file", tokens, "--metrics-port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  auto channel = Connect(server.target());
  ASSERT_TRUE(WaitUntilServing(channel, kService)) << server.Stderr();
  auto stub = v1::BoundaryValidator::NewStub(channel);

  EXPECT_TRUE(Info(*stub, kTokenA).ok());
  EXPECT_EQ(Info(*stub, kTokenB).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // Rotate: B (now an admin) replaces A.
  ReplaceFile(tokens, absl::StrCat("# rotated\nadmin ops ", kTokenB, "\n"));
  server.Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return Info(*stub, kTokenB).ok(); })) << server.Stderr();
  grpc::Status status = Info(*stub, kTokenA);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  status = ReloadReference(*stub, kTokenB);  // the role came with the new file
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(absl::StrContains(
      server.Stderr(), absl::StrCat("SIGHUP: reloaded --tokens-file ", tokens, " (1 token)")))
      << server.Stderr();

  // A malformed file: B stays in force, A stays out, and stderr says why (naming the line).
  ReplaceFile(tokens, absl::StrCat("read portal ", kTokenA, "\nsuperuser ops ", kTokenB, "\n"));
  server.Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] {
    return absl::StrContains(server.Stderr(), "--tokens-file not reloaded");
  })) << server.Stderr();
  EXPECT_TRUE(Info(*stub, kTokenB).ok());
  EXPECT_EQ(Info(*stub, kTokenA).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(
      server.Stderr(), absl::StrCat("SIGHUP: --tokens-file not reloaded; the previous 1 token "
                                    "stay in force: ",
                                    tokens, ":2: role 'superuser' is neither read nor admin")))
      << server.Stderr();

  // A missing file: the same.
  ASSERT_EQ(std::remove(tokens.c_str()), 0);
  server.Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] {
    return absl::StrContains(server.Stderr(), "cannot open the tokens file");
  })) << server.Stderr();
  EXPECT_TRUE(Info(*stub, kTokenB).ok());

  const std::string metrics = HttpGet(server.MetricsPort(), "/metrics");
  EXPECT_TRUE(absl::StrContains(metrics, "\npcnv_tokens_reload_failures_total 2\n")) << metrics;
  // No token ever reaches the log.
  EXPECT_FALSE(absl::StrContains(server.Stderr(), kTokenA));
  EXPECT_FALSE(absl::StrContains(server.Stderr(), kTokenB));
}

}  // namespace
}  // namespace pcnv::testing
