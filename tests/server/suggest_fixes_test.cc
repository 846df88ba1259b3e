// SuggestFixes end to end: `pcnv suggest` in-process and `pcnv suggest --server` against a real
// pcnv-server on a real port write byte-identical suggestions JSON on the generated sample
// region (so every streamed field survives the wire); the search stops at the client's deadline;
// bad constraints are INVALID_ARGUMENT naming the field.
#include <grpcpp/client_context.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pcnv/v1/validator.grpc.pb.h"
#include "tests/server/server_harness.h"
#include "tests/support/test_support.h"

namespace pcnv::testing {
namespace {

class SuggestFixesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sample_ = SampleDir();
    ASSERT_TRUE(std::filesystem::exists(sample_ + "/areas.geojson"))
        << "sample region missing in " << sample_ << " (built by the pcnv_sample target)";
    reference_ = tmp_.File("ref.gpkg");
    std::vector<std::string> build = {PCNV_CLI, "reference", "build", "--out", reference_};
    for (const std::string& flag : SampleLayerFlags()) build.push_back(flag);
    const CommandResult built = pcnv::testing::Run(build);
    ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  }

  // `pcnv suggest` on the sample, writing `out`, with `extra` flags.
  CommandResult Suggest(const std::string& out, const std::vector<std::string>& extra) {
    // clang-format off
    std::vector<std::string> args = {
        PCNV_CLI, "suggest", "--reference", reference_,
        "--practices", sample_ + "/gp-reg-pat-prac-map.csv",
        "--list-sizes", sample_ + "/gp-reg-pat-prac-all.csv",
        "--distribution", sample_ + "/gp-reg-pat-prac-lsoa-all.csv",
        "--practice-register", sample_ + "/epraccur.csv",
        "--out", out, "--quiet"};
    // clang-format on
    args.insert(args.end(), extra.begin(), extra.end());
    return pcnv::testing::Run(args);
  }

  TempDir tmp_;
  std::string sample_;
  std::string reference_;
};

TEST_F(SuggestFixesTest, ThroughTheServerTheSameSuggestionsAsInProcess) {
  ServerProcess server({"--reference", reference_, "--port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(server.target()), "")) << server.Stderr();

  // The sample's small PCN (U90007) can only be fixed across its sub-ICB boundary.
  const std::vector<std::string> constraints = {"--allow-cross-sub-icb", "--max-practices", "2",
                                                "--lock-code", "Z00001"};
  const CommandResult local = Suggest(tmp_.File("A.json"), constraints);
  ASSERT_EQ(local.exit_code, 0) << local.err;
  std::vector<std::string> remote_args = constraints;
  remote_args.insert(remote_args.end(), {"--server", server.target()});
  const CommandResult remote = Suggest(tmp_.File("B.json"), remote_args);
  ASSERT_EQ(remote.exit_code, 0) << remote.err;

  const std::string a = ReadFile(tmp_.File("A.json"));
  const std::string b = ReadFile(tmp_.File("B.json"));
  const auto j = nlohmann::json::parse(a);
  ASSERT_GT(j["suggestions"].size(), 0u) << "the sample has failing PCNs with fixes";
  EXPECT_EQ(j["constraints"]["max_practices"], 2);
  EXPECT_TRUE(a == b) << "suggestions differ; in-process " << a.size() << " bytes, via server "
                      << b.size() << " bytes (PCNV_KEEP_TEMP=1 keeps " << tmp_.path() << ")";

  // The call is in the server's log as a SuggestFixes call that succeeded.
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
  int ok_calls = 0;
  for (absl::string_view line : absl::StrSplit(server.Stderr(), '\n')) {
    if (!absl::StrContains(line, "\"method\":\"SuggestFixes\"")) continue;
    ok_calls += nlohmann::json::parse(line)["code"] == "OK" ? 1 : 0;
  }
  EXPECT_EQ(ok_calls, 1) << server.Stderr();
}

TEST_F(SuggestFixesTest, TheSearchStopsAtTheClientsDeadline) {
  // The whole search on the sample, unhurried, for its length: every candidate re-validated
  // (--no-screen), or the search would end before any deadline a test can set.
  const std::vector<std::string> long_search = {"--allow-cross-sub-icb", "--max-candidates", "400",
                                                "--no-screen"};
  const auto started = std::chrono::steady_clock::now();
  const CommandResult full = Suggest(tmp_.File("full.json"), long_search);
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const double full_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  ServerProcess server({"--reference", reference_, "--port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(server.target()), "")) << server.Stderr();
  // The sample's whole search takes about 0.7 s in all (0.8 s on CI's machine), of which the
  // base validation is a few tens of milliseconds: a 0.15 s deadline falls inside the search.
  const double timeout_s = 0.15;
  ASSERT_GT(full_s, 2 * timeout_s) << "the search must outlast the deadline for this test";
  std::vector<std::string> cut_args = long_search;
  cut_args.insert(cut_args.end(),
                  {"--server", server.target(), "--timeout", std::to_string(timeout_s)});
  const CommandResult cut = Suggest(tmp_.File("cut.json"), cut_args);
  EXPECT_EQ(cut.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(cut.err, "DEADLINE_EXCEEDED")) << cut.err;
  EXPECT_FALSE(std::filesystem::exists(tmp_.File("cut.json")));

  // The server's handler returned soon after the deadline: the search stopped, it did not run
  // on to the end with nobody waiting.
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
  bool logged = false;
  for (absl::string_view line : absl::StrSplit(server.Stderr(), '\n')) {
    if (!absl::StrContains(line, "\"method\":\"SuggestFixes\"")) continue;
    const auto call = nlohmann::json::parse(line);
    EXPECT_EQ(call["code"], "DEADLINE_EXCEEDED") << line;
    EXPECT_LT(call["latency_ms"].get<double>(), 1000 * (timeout_s + 0.5)) << line;
    logged = true;
  }
  EXPECT_TRUE(logged) << server.Stderr();
}

TEST_F(SuggestFixesTest, BadConstraintsAreInvalidArgumentNamingTheField) {
  ServerProcess server({"--reference", reference_, "--port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  auto channel = Connect(server.target());
  ASSERT_TRUE(WaitUntilServing(channel, "")) << server.Stderr();
  auto stub = v1::BoundaryValidator::NewStub(channel);
  auto field_of = [&](const v1::SuggestFixesRequest& request, grpc::Status* status) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto reader = stub->SuggestFixes(&context, request);
    v1::SuggestFixesResponse item;
    while (reader->Read(&item)) {
    }
    *status = reader->Finish();
    google::rpc::Status details;
    google::rpc::BadRequest bad;
    if (!details.ParseFromString(status->error_details())) return std::string();
    for (const google::protobuf::Any& any : details.details()) {
      if (any.UnpackTo(&bad) && bad.field_violations_size() > 0) {
        return bad.field_violations(0).field();
      }
    }
    return std::string();
  };
  v1::SuggestFixesRequest negative;
  negative.set_max_per_finding(-1);
  grpc::Status status;
  EXPECT_EQ(field_of(negative, &status), "max_per_finding");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  v1::SuggestFixesRequest empty_lock;
  empty_lock.add_locked_pcns("U90001");
  empty_lock.add_locked_pcns("");
  EXPECT_EQ(field_of(empty_lock, &status), "locked_pcns[1]");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
}

}  // namespace
}  // namespace pcnv::testing
