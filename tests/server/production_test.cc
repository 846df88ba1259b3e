// Integration: the production behaviour of the real pcnv-server binary on a loopback port.
// Reference snapshots (GetReferenceInfo, ReloadReference, SIGHUP, failed reloads), limits
// (RESOURCE_EXHAUSTED at each, BadRequest field violations), deadlines and cancellation, bearer
// tokens and roles, TLS and mutual TLS with certificates made here by openssl, and metrics.
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pcnv/v1/validator.grpc.pb.h"
#include "server/limits.h"
#include "tests/server/server_harness.h"
#include "wire/convert.h"

namespace pcnv::testing {
namespace {

using Clock = std::chrono::steady_clock;
using v1::BoundaryValidator;

constexpr char kService[] = "pcnv.v1.BoundaryValidator";

// A running server with a channel and stub; the channel is dropped before the process ends.
struct Running {
  explicit Running(const std::vector<std::string>& args) : server(args) {
    port = server.WaitForPort();
    EXPECT_GT(port, 0) << server.Stderr();
  }
  void Connect() {
    channel = testing::Connect(server.target());
    ASSERT_TRUE(WaitUntilServing(channel, kService)) << server.Stderr();
    stub = BoundaryValidator::NewStub(channel);
  }
  ServerProcess server;
  int port = -1;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<BoundaryValidator::Stub> stub;
};

std::unique_ptr<grpc::ClientContext> Context(
    const std::string& token = "", std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

grpc::Status Validate(BoundaryValidator::Stub& stub, const v1::ValidateRequest& request,
                      const std::string& token = "") {
  v1::ValidateResponse response;
  return stub.Validate(Context(token).get(), request, &response);
}

grpc::Status Info(BoundaryValidator::Stub& stub, v1::ReferenceInfo* info,
                  const std::string& token = "") {
  return stub.GetReferenceInfo(Context(token).get(), v1::GetReferenceInfoRequest(), info);
}

grpc::Status Reload(BoundaryValidator::Stub& stub, v1::ReloadReferenceResponse* response,
                    const std::string& token = "") {
  return stub.ReloadReference(Context(token).get(), v1::ReloadReferenceRequest(), response);
}

google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details())) << status.error_message();
  return details;
}

template <typename T>
std::optional<T> Detail(const grpc::Status& status) {
  const google::rpc::Status details = Details(status);
  for (const google::protobuf::Any& any : details.details()) {
    T detail;
    if (any.UnpackTo(&detail)) return detail;
  }
  return std::nullopt;
}

std::string Vintage(const v1::ReferenceInfo& info) {
  for (const v1::ReferenceLayer& l : info.layers()) {
    if (l.name() == "areas") return l.vintage();
  }
  return "";
}

// Writes a new store beside `path` and renames it over, as an operator would.
void ReplaceReference(const std::string& path, const std::string& vintage) {
  const std::string staged = path + ".new.gpkg";
  WriteTinyReference(staged, vintage);
  ASSERT_EQ(std::rename(staged.c_str(), path.c_str()), 0);
}

// The JSON call-log lines of a server's stderr.
std::vector<nlohmann::json> CallLog(const ServerProcess& server) {
  std::vector<nlohmann::json> calls;
  for (absl::string_view line : absl::StrSplit(server.Stderr(), '\n')) {
    if (absl::StartsWith(line, "{")) calls.push_back(nlohmann::json::parse(line));
  }
  return calls;
}

class ProductionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reference_ = dir_.File("ref.gpkg");
    WriteTinyReference(reference_, "v1");
  }
  TempDir dir_;
  std::string reference_;
};

// ---------------------------------------------------------------------------------------------
// Reference snapshots

TEST_F(ProductionTest, GetReferenceInfoThenReloadAndSighupSwapTheSnapshot) {
  Running r({"--reference", reference_});
  r.Connect();
  v1::ReferenceInfo info;
  ASSERT_TRUE(Info(*r.stub, &info).ok());
  EXPECT_EQ(info.path(), reference_);
  EXPECT_EQ(info.sha256().size(), 64u);
  EXPECT_EQ(info.areas(), 6);
  EXPECT_EQ(info.postcodes(), 3);
  EXPECT_EQ(info.generation(), 1);
  EXPECT_EQ(Vintage(info), "v1");
  EXPECT_EQ(info.layers_size(), 3);
  EXPECT_GT(info.loaded_at().seconds(), 1'600'000'000);
  EXPECT_GE(info.load_seconds(), 0);
  EXPECT_FALSE(info.has_last_failed_reload());

  ReplaceReference(reference_, "v2");
  v1::ReloadReferenceResponse reloaded;
  const grpc::Status status = Reload(*r.stub, &reloaded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reloaded.previous().generation(), 1);
  EXPECT_EQ(Vintage(reloaded.previous()), "v1");
  EXPECT_EQ(reloaded.current().generation(), 2);
  EXPECT_EQ(Vintage(reloaded.current()), "v2");
  EXPECT_NE(reloaded.current().sha256(), reloaded.previous().sha256());
  // Validations now run on the new snapshot: provenance says so.
  {
    v1::ValidateResponse response;
    ASSERT_TRUE(r.stub
                    ->Validate(Context().get(), wire::MakeRequest(TinyInput(), ValidationOptions()),
                               &response)
                    .ok());
    EXPECT_EQ(response.report().provenance().reference_sha256(), reloaded.current().sha256());
  }

  // SIGHUP does the same.
  ReplaceReference(reference_, "v3");
  r.server.Signal(SIGHUP);
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    ASSERT_TRUE(Info(*r.stub, &info).ok());
    if (info.generation() == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(info.generation(), 3) << r.server.Stderr();
  EXPECT_EQ(Vintage(info), "v3");
}

TEST_F(ProductionTest, FailedReloadKeepsServingTheOldSnapshotWhileCallsContinue) {
  Running r({"--reference", reference_});
  r.Connect();
  v1::ReferenceInfo before;
  ASSERT_TRUE(Info(*r.stub, &before).ok());

  // Calls keep running on another channel for the whole test; every one must succeed.
  std::atomic<bool> stop{false};
  std::atomic<int> ok_calls{0}, failed_calls{0};
  std::thread caller([&] {
    auto stub = BoundaryValidator::NewStub(testing::Connect(r.server.target()));
    const v1::ValidateRequest request = wire::MakeRequest(TinyInput(), ValidationOptions());
    while (!stop) {
      v1::ValidateResponse response;
      const grpc::Status s = stub->Validate(Context().get(), request, &response);
      (s.ok() && response.report().provenance().reference_sha256() == before.sha256()
           ? ok_calls
           : failed_calls)++;
    }
  });

  // A corrupt store: the reload fails, says why, and the old snapshot keeps serving.
  WriteFile(reference_, "this is not a GeoPackage\n");
  v1::ReloadReferenceResponse reloaded;
  grpc::Status status = Reload(*r.stub, &reloaded);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("still serving snapshot generation 1"), std::string::npos)
      << status.error_message();
  std::optional<google::rpc::ErrorInfo> error_info = Detail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(error_info.has_value());
  EXPECT_EQ(error_info->reason(), "RELOAD_FAILED");
  v1::ReferenceInfo after;
  ASSERT_TRUE(Info(*r.stub, &after).ok());
  EXPECT_EQ(after.generation(), 1);
  EXPECT_EQ(after.sha256(), before.sha256());
  ASSERT_TRUE(after.has_last_failed_reload());
  EXPECT_FALSE(after.last_failed_reload().error().empty());

  // A missing store: the same, by RPC and by SIGHUP.
  ASSERT_EQ(std::remove(reference_.c_str()), 0);
  status = Reload(*r.stub, &reloaded);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  r.server.Signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(HealthStatus(r.channel, kService), 1);
  ASSERT_TRUE(Info(*r.stub, &after).ok());
  EXPECT_EQ(after.generation(), 1);

  stop = true;
  caller.join();
  EXPECT_GT(ok_calls.load(), 0);
  EXPECT_EQ(failed_calls.load(), 0);

  // Put a good store back: the next reload succeeds and clears the failure.
  WriteTinyReference(reference_, "v2");
  ASSERT_TRUE(Reload(*r.stub, &reloaded).ok());
  EXPECT_EQ(reloaded.current().generation(), 2);
  EXPECT_FALSE(reloaded.current().has_last_failed_reload());
  EXPECT_NE(r.server.Stderr().find("SIGHUP: reference reload failed"), std::string::npos)
      << r.server.Stderr();
}

// ---------------------------------------------------------------------------------------------
// Changes

TEST_F(ProductionTest, ValidateChangeMarksNewFixedAndUnchangedFindings) {
  Running r({"--reference", reference_});
  r.Connect();
  const ValidationInput base = TinyInput();
  v1::ValidateChangeRequest request;
  *request.mutable_base() = wire::MakeRequest(base, ValidationOptions());
  *request.mutable_candidate() = wire::MakeRequest(base, ValidationOptions());

  // No change: every finding unchanged, nothing regressed.
  v1::ValidateChangeResponse same;
  grpc::Status status = r.stub->ValidateChange(Context().get(), request, &same);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(same.findings_size(), 0);
  EXPECT_EQ(same.findings_size(), same.candidate().findings_size());
  for (const v1::ChangedFinding& f : same.findings()) {
    EXPECT_EQ(f.status(), v1::CHANGE_STATUS_UNCHANGED) << f.finding().rule();
  }
  EXPECT_EQ(same.new_findings(), 0);
  EXPECT_EQ(same.fixed(), 0);
  EXPECT_FALSE(same.regressed());

  // The edit: practice A00003 leaves U00002 for U00001. U00002's findings are fixed; U00001's
  // population changes; the merged PCN is new territory.
  request.mutable_candidate()->mutable_memberships(2)->set_pcn_code("U00001");
  v1::ValidateChangeResponse changed;
  status = r.stub->ValidateChange(Context().get(), request, &changed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(changed.base_summary().pcns(), 2);
  EXPECT_EQ(changed.candidate().summary().pcns(), 1);
  int fixed = 0, current = 0;
  for (const v1::ChangedFinding& f : changed.findings()) {
    if (f.status() == v1::CHANGE_STATUS_FIXED) {
      ++fixed;
      EXPECT_EQ(f.finding().pcn(), "U00002") << f.finding().message();
      EXPECT_FALSE(f.failing());
    } else {
      ++current;
    }
  }
  EXPECT_GT(fixed, 0);
  EXPECT_EQ(fixed, changed.fixed());
  EXPECT_EQ(current, changed.candidate().findings_size());
  EXPECT_EQ(changed.new_findings() + changed.unchanged(), current);

  // A bad side is named in the field path.
  request.mutable_base()->mutable_distribution()->mutable_rows(0)->set_patients(-1);
  status = r.stub->ValidateChange(Context().get(), request, &changed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::optional<google::rpc::BadRequest> bad = Detail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field_violations(0).field(), "base.distribution.rows[0].patients");
  EXPECT_EQ(status.error_message(),
            "base.distribution.rows[0].patients: -1 is negative (source row 1)");
}

// A portal's loop: Validate once, then send only the edited configuration with the id of the
// previous report; each answer names the next base. Ids are bound to the caller, and a base made
// with other options or on another snapshot is refused rather than compared.
TEST_F(ProductionTest, ValidateChangeAgainstAStoredBaseReport) {
  const std::string tokens = dir_.File("tokens");
  WriteFile(tokens,
            "read portal-a token-a-0123456789abcdef\nread portal-b token-b-0123456789abcdef\n"
            "admin ops token-admin-0123456789abcdef\n");
  Running r({"--reference", reference_, "--tokens-file", tokens});
  r.Connect();
  const std::string a = "token-a-0123456789abcdef", b = "token-b-0123456789abcdef";
  const ValidationInput input = TinyInput();
  const v1::ValidateRequest base = wire::MakeRequest(input, ValidationOptions());
  v1::ValidateResponse first;
  ASSERT_TRUE(r.stub->Validate(Context(a).get(), base, &first).ok());
  ASSERT_EQ(first.report_id().size(), 34u) << first.report_id();  // "r-" + 32 hex digits

  // The same edit as above, once against the configuration and once against the stored report:
  // the same answer, and the stored base was not validated again.
  v1::ValidateChangeRequest by_config;
  *by_config.mutable_base() = base;
  *by_config.mutable_candidate() = base;
  by_config.mutable_candidate()->mutable_memberships(2)->set_pcn_code("U00001");
  v1::ValidateChangeRequest by_id = by_config;
  by_id.set_base_report_id(first.report_id());
  ASSERT_FALSE(by_id.has_base());
  v1::ValidateChangeResponse want, got;
  grpc::Status status = r.stub->ValidateChange(Context(a).get(), by_config, &want);
  ASSERT_TRUE(status.ok()) << status.error_message();
  status = r.stub->ValidateChange(Context(a).get(), by_id, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(got.fixed(), 0);
  EXPECT_EQ(got.fixed(), want.fixed());
  EXPECT_EQ(got.new_findings(), want.new_findings());
  EXPECT_EQ(got.unchanged(), want.unchanged());
  ASSERT_EQ(got.findings_size(), want.findings_size());
  for (int i = 0; i < got.findings_size(); ++i) {
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(got.findings(i), want.findings(i)))
        << i;
  }
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(got.base_summary(), want.base_summary()));
  ASSERT_FALSE(got.candidate_report_id().empty());
  EXPECT_NE(got.candidate_report_id(), first.report_id());

  // Chained: the candidate's report is the next base; no edit, nothing new or fixed.
  v1::ValidateChangeRequest next;
  next.set_base_report_id(got.candidate_report_id());
  *next.mutable_candidate() = by_id.candidate();
  v1::ValidateChangeResponse again;
  status = r.stub->ValidateChange(Context(a).get(), next, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(again.new_findings(), 0);
  EXPECT_EQ(again.fixed(), 0);
  EXPECT_EQ(again.unchanged(), again.candidate().findings_size());

  auto reason = [](const grpc::Status& s) {
    std::optional<google::rpc::ErrorInfo> info = Detail<google::rpc::ErrorInfo>(s);
    return info ? info->reason() : std::string("(no ErrorInfo)");
  };
  // Another caller cannot use it, nor can anyone use an id the server never made.
  status = r.stub->ValidateChange(Context(b).get(), by_id, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_EQ(reason(status), "BASE_REPORT_NOT_FOUND");
  by_id.set_base_report_id("r-00000000000000000000000000000000");
  status = r.stub->ValidateChange(Context(a).get(), by_id, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("send the base configuration"), std::string::npos)
      << status.error_message();

  // Other options than the base's: refused, naming the option.
  by_id.set_base_report_id(first.report_id());
  by_id.mutable_candidate()->mutable_options()->set_share_threshold(0.2);
  status = r.stub->ValidateChange(Context(a).get(), by_id, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_EQ(reason(status), "BASE_REPORT_OPTIONS_DIFFER");
  EXPECT_NE(status.error_message().find("share_threshold"), std::string::npos)
      << status.error_message();

  // After a reload onto different reference data the stored base is stale.
  by_id.mutable_candidate()->clear_options();
  ReplaceReference(reference_, "v2");
  v1::ReloadReferenceResponse reloaded;
  ASSERT_TRUE(Reload(*r.stub, &reloaded, "token-admin-0123456789abcdef").ok());
  status = r.stub->ValidateChange(Context(a).get(), by_id, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_EQ(reason(status), "BASE_REPORT_STALE");

  // Neither side given.
  v1::ValidateChangeRequest neither;
  *neither.mutable_candidate() = base;
  status = r.stub->ValidateChange(Context(a).get(), neither, &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
}

// ---------------------------------------------------------------------------------------------
// Limits, deadlines and cancellation

// A grid region where one Validate takes ~2 s on this machine: long enough to interrupt. A
// bridge distance makes contiguity measure distances between the parts of GEOS unions, the
// slowest path (territories from rings alone are too quick to interrupt).
class SlowCallTest : public ::testing::Test {
 protected:
  static constexpr int kGrid = 80;
  void SetUp() override {
    grid_ = dir_.File("grid.gpkg");
    WriteGridReference(grid_, kGrid);
    ValidationOptions options;
    options.ruleset.contiguity.bridge_distance_m = 1;
    request_ = wire::MakeRequest(GridInput(kGrid, 300, 4, 60), options);
  }
  // The server's own log line for the first call with this code.
  static std::optional<nlohmann::json> Logged(const ServerProcess& server,
                                              const std::string& code) {
    for (const nlohmann::json& call : CallLog(server)) {
      if (call["code"] == code) return call;
    }
    return std::nullopt;
  }
  TempDir dir_;
  std::string grid_;
  v1::ValidateRequest request_;
};

TEST_F(SlowCallTest, DeadlineStopsTheEnginePromptly) {
  Running r({"--reference", grid_});
  r.Connect();
  constexpr auto kDeadline = std::chrono::milliseconds(400);
  v1::ValidateResponse response;
  const auto start = Clock::now();
  const grpc::Status status = r.stub->Validate(Context("", kDeadline).get(), request_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(Clock::now() - start, 2 * kDeadline);
  // The server stopped its own work within 2x the deadline too (its log says how long it ran),
  // and says so with DEADLINE_EXCEEDED.
  std::optional<nlohmann::json> logged;
  for (int i = 0; i < 100 && !logged; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    logged = Logged(r.server, "DEADLINE_EXCEEDED");
  }
  ASSERT_TRUE(logged.has_value()) << r.server.Stderr();
  EXPECT_LT((*logged)["latency_ms"].get<double>(), 2.0 * kDeadline.count()) << logged->dump();
  std::fprintf(stderr, "deadline %lld ms: the server stopped after %.1f ms\n",
               static_cast<long long>(kDeadline.count()), (*logged)["latency_ms"].get<double>());
  EXPECT_NE((*logged)["error"].get<std::string>().find("validation interrupted"),
            std::string::npos);
}

TEST_F(SlowCallTest, ClientCancellationStopsTheWorkAndFreesTheSlot) {
  Running r({"--reference", grid_, "--max-concurrent-heavy-calls", "1"});
  r.Connect();
  grpc::ClientContext context;
  v1::ValidateResponse response;
  std::atomic<bool> done{false};
  grpc::Status status;
  r.stub->async()->Validate(&context, &request_, &response, [&](grpc::Status s) {
    status = std::move(s);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto cancelled_at = Clock::now();
  context.TryCancel();
  while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  // The server noticed at its next checkpoint: the slot is free again well before the ~2 s the
  // whole validation would take, so a small call gets in.
  grpc::Status next;
  while (true) {
    next = Validate(*r.stub, wire::MakeRequest(GridInput(kGrid, 1, 1, 1), ValidationOptions()));
    if (next.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED ||
        Clock::now() - cancelled_at > std::chrono::seconds(5)) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(next.ok()) << next.error_message();
  EXPECT_LT(Clock::now() - cancelled_at, std::chrono::milliseconds(1000));
  // The slot is released just before the call's log line is written: wait for the line.
  std::optional<nlohmann::json> logged;
  for (int i = 0; i < 100 && !logged; ++i) {
    logged = Logged(r.server, "CANCELLED");
    if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(logged.has_value()) << r.server.Stderr();
  EXPECT_LT((*logged)["latency_ms"].get<double>(), 1300) << logged->dump();
  std::fprintf(stderr, "cancelled after ~300 ms: the server stopped after %.1f ms\n",
               (*logged)["latency_ms"].get<double>());
}

TEST_F(SlowCallTest, HeavyCallsPastTheLimitAreRefusedNotQueued) {
  Running r({"--reference", grid_, "--max-concurrent-heavy-calls", "1"});
  r.Connect();
  grpc::ClientContext context;
  v1::ValidateResponse response;
  std::atomic<bool> done{false};
  grpc::Status first;
  r.stub->async()->Validate(&context, &request_, &response, [&](grpc::Status s) {
    first = std::move(s);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the first is running
  const auto start = Clock::now();
  const grpc::Status second =
      Validate(*r.stub, wire::MakeRequest(GridInput(kGrid, 1, 1, 1), ValidationOptions()));
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));  // refused, not queued
  EXPECT_EQ(second.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << second.error_message();
  EXPECT_NE(second.error_message().find("server busy"), std::string::npos);
  std::optional<google::rpc::ErrorInfo> info = Detail<google::rpc::ErrorInfo>(second);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "SERVER_BUSY");
  EXPECT_TRUE(Detail<google::rpc::QuotaFailure>(second).has_value());
  // Light calls are never refused for it.
  v1::ReferenceInfo reference;
  EXPECT_TRUE(Info(*r.stub, &reference).ok());
  while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(first.ok()) << first.error_message();
}

TEST_F(SlowCallTest, SigtermDrainsAnInFlightCall) {
  Running r({"--reference", grid_, "--grace-seconds", "30"});
  {
    r.Connect();
    grpc::ClientContext context;
    v1::ValidateResponse response;
    std::atomic<bool> done{false};
    grpc::Status status;
    r.stub->async()->Validate(&context, &request_, &response, [&](grpc::Status s) {
      status = std::move(s);
      done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    r.server.Signal(SIGTERM);
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.report().pcns_size(), 300);
    r.stub.reset();
    r.channel.reset();
  }
  // Once the call is done the server exits promptly, not after the 30 s grace period. 15 s, not
  // less: under ThreadSanitizer the exit after a 9 MB response once took 5.0 s.
  const auto drained = Clock::now();
  EXPECT_EQ(r.server.WaitExit(std::chrono::seconds(15)), 0) << r.server.Stderr();
  std::fprintf(
      stderr, "exited %lld ms after the call finished\n",
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - drained).count()));
  EXPECT_NE(r.server.Stderr().find("SIGTERM received; draining"), std::string::npos);
}

// A declared boundary: a polygon with `vertices` points on a circle around the tiny region.
v1::DeclaredBoundary Boundary(const std::string& pcn, int vertices) {
  std::string wkt = "POLYGON((";
  for (int i = 0; i <= vertices - 1; ++i) {
    const double a = 2 * M_PI * (i % (vertices - 1)) / (vertices - 1);
    absl::StrAppend(&wkt, i ? "," : "", 401500 + 1000 * std::cos(a), " ",
                    301000 + 1000 * std::sin(a));
  }
  wkt += "))";
  absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
  EXPECT_TRUE(g.ok()) << g.status();
  v1::DeclaredBoundary b;
  b.set_pcn_code(pcn);
  wire::ToProto(*g, b.mutable_geometry());
  return b;
}

TEST_F(ProductionTest, EachRequestLimitIsResourceExhaustedNamingIt) {
  Running r({"--reference", reference_, "--max-rows", "13", "--max-features", "2",
             "--max-vertices-per-geometry", "20", "--max-request-bytes", "65536"});
  r.Connect();
  v1::ValidateRequest request = wire::MakeRequest(TinyInput(), ValidationOptions());
  *request.mutable_declared()->add_boundaries() = Boundary("U00001", 20);
  *request.mutable_declared()->add_boundaries() = Boundary("U00002", 12);
  ASSERT_TRUE(Validate(*r.stub, request).ok());  // exactly at every limit

  struct Case {
    const char* name;
    std::function<void(v1::ValidateRequest&)> grow;
    const char* reason;
    const char* subject;
  };
  const Case cases[] = {
      {"rows", [](v1::ValidateRequest& q) { *q.add_memberships() = q.memberships(0); },
       "TOO_MANY_ROWS", "request"},
      {"features",
       [](v1::ValidateRequest& q) { *q.mutable_declared()->add_boundaries() = Boundary("U1", 5); },
       "TOO_MANY_FEATURES", "declared.boundaries"},
      {"vertices",
       [](v1::ValidateRequest& q) {
         *q.mutable_declared()->mutable_boundaries(1) = Boundary("U2", 21);
       },
       "TOO_MANY_VERTICES", "declared.boundaries[1].geometry"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::ValidateRequest bigger = request;
    c.grow(bigger);
    const grpc::Status status = Validate(*r.stub, bigger);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_NE(status.error_message().find("over the server's limit"), std::string::npos)
        << status.error_message();
    std::optional<google::rpc::ErrorInfo> info = Detail<google::rpc::ErrorInfo>(status);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->reason(), c.reason);
    std::optional<google::rpc::QuotaFailure> quota = Detail<google::rpc::QuotaFailure>(status);
    ASSERT_TRUE(quota.has_value());
    EXPECT_EQ(quota->violations(0).subject(), c.subject);
  }

  // Request bytes: gRPC itself refuses before anything is parsed.
  v1::ValidateRequest huge = request;
  huge.mutable_memberships(0)->set_practice_name(std::string(70'000, 'x'));
  EXPECT_EQ(Validate(*r.stub, huge).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(ProductionTest, BadInputIsInvalidArgumentWithAFieldViolation) {
  Running r({"--reference", reference_});
  r.Connect();
  const v1::ValidateRequest good = wire::MakeRequest(TinyInput(), ValidationOptions());
  struct Case {
    const char* field;
    std::function<void(v1::ValidateRequest&)> spoil;
  };
  const Case cases[] = {
      {"distribution.rows[4].patients",
       [](v1::ValidateRequest& q) { q.mutable_distribution()->mutable_rows(4)->set_patients(-4); }},
      {"memberships[1].practice_code",
       [](v1::ValidateRequest& q) { q.mutable_memberships(1)->clear_practice_code(); }},
      {"distribution.level",
       [](v1::ValidateRequest& q) {
         q.mutable_distribution()->set_level(v1::DistributionLevel(9));
       }},
      {"declared.boundaries[0].geometry",
       [](v1::ValidateRequest& q) {
         v1::DeclaredBoundary* b = q.mutable_declared()->add_boundaries();
         b->set_pcn_code("U00001");
         b->mutable_geometry()->set_wkb("not wkb");
         b->mutable_geometry()->set_srid(27700);
       }},
      {"declared.boundaries[0].geometry.srid",
       [](v1::ValidateRequest& q) {
         *q.mutable_declared()->add_boundaries() = Boundary("U00001", 8);
         q.mutable_declared()->mutable_boundaries(0)->mutable_geometry()->set_srid(4326);
       }},
      {"memberships[0].location.x",
       [](v1::ValidateRequest& q) { q.mutable_memberships(0)->mutable_location()->set_x(NAN); }},
      {"share_threshold",  // refused by the engine, not the converter
       [](v1::ValidateRequest& q) { q.mutable_options()->set_share_threshold(2); }},
      {"memberships", [](v1::ValidateRequest& q) { q.clear_memberships(); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    v1::ValidateRequest bad = good;
    c.spoil(bad);
    const grpc::Status status = Validate(*r.stub, bad);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    std::optional<google::rpc::BadRequest> violations = Detail<google::rpc::BadRequest>(status);
    ASSERT_TRUE(violations.has_value()) << status.error_message();
    ASSERT_EQ(violations->field_violations_size(), 1);
    EXPECT_TRUE(absl::StartsWith(violations->field_violations(0).field(), c.field))
        << violations->field_violations(0).field();
    EXPECT_FALSE(violations->field_violations(0).description().empty());
    EXPECT_EQ(status.error_message(), absl::StrCat(violations->field_violations(0).field(), ": ",
                                                   violations->field_violations(0).description()));
  }
}

// ---------------------------------------------------------------------------------------------
// Security

constexpr char kReadToken[] = "read-token-0123456789abcdef";
constexpr char kAdminToken[] = "admin-token-0123456789abcdef";

TEST_F(ProductionTest, BearerTokensAndRoles) {
  const std::string tokens = dir_.File("tokens");
  // The admin token is given by its SHA-256 (echo -n TOKEN | sha256sum), as an operator would.
  const CommandResult digest = testing::Run(
      {"/bin/sh", "-c", std::string("printf %s ") + kAdminToken + " | sha256sum | cut -c1-64"});
  ASSERT_EQ(digest.exit_code, 0);
  WriteFile(tokens,
            absl::StrCat("# role name token\nread portal ", kReadToken,
                         "\nadmin ops sha256:", absl::StripAsciiWhitespace(digest.out), "\n"));
  Running r({"--reference", reference_, "--tokens-file", tokens});
  r.Connect();  // health needs no token
  const v1::ValidateRequest request = wire::MakeRequest(TinyInput(), ValidationOptions());

  grpc::Status status = Validate(*r.stub, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  status = Validate(*r.stub, request, "not-a-token-at-all-000000");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  v1::ReferenceInfo info;
  EXPECT_EQ(Info(*r.stub, &info).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  {
    auto context = Context();
    context->AddMetadata("authorization", std::string("Basic ") + kReadToken);
    v1::ValidateResponse response;
    EXPECT_EQ(r.stub->Validate(context.get(), request, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }

  EXPECT_TRUE(Validate(*r.stub, request, kReadToken).ok());
  EXPECT_TRUE(Info(*r.stub, &info, kReadToken).ok());
  v1::ReloadReferenceResponse reloaded;
  status = Reload(*r.stub, &reloaded, kReadToken);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_EQ(status.error_message(), "ReloadReference needs the admin role; this token has read");

  EXPECT_TRUE(Validate(*r.stub, request, kAdminToken).ok());
  status = Reload(*r.stub, &reloaded, kAdminToken);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reloaded.current().generation(), 2);

  // The log names the caller, never the token.
  const std::string log = r.server.Stderr();
  EXPECT_EQ(log.find(kReadToken), std::string::npos);
  EXPECT_EQ(log.find(kAdminToken), std::string::npos);
  bool saw_portal = false;
  for (const nlohmann::json& call : CallLog(r.server)) saw_portal |= call["principal"] == "portal";
  EXPECT_TRUE(saw_portal) << log;
}

TEST_F(ProductionTest, BadTokensFileIsAUsageError) {
  const std::string tokens = dir_.File("tokens");
  WriteFile(tokens, "superuser someone 0123456789abcdef0123\n");
  ServerProcess server({"--reference", reference_, "--tokens-file", tokens});
  EXPECT_EQ(server.WaitExit(), 2);
  EXPECT_NE(server.Stderr().find("tokens:1: role 'superuser' is neither read nor admin"),
            std::string::npos)
      << server.Stderr();
  EXPECT_EQ(server.Stderr().find("0123456789abcdef0123"), std::string::npos);
}

class TlsTest : public ProductionTest {
 protected:
  void SetUp() override {
    ProductionTest::SetUp();
    certs_dir_ = dir_.File("certs");
    ASSERT_EQ(mkdir(certs_dir_.c_str(), 0700), 0);
    ASSERT_TRUE(MakeTestCertificates(certs_dir_, &certs_));
  }
  // Validate over `channel`; its status.
  grpc::Status CallOver(const std::shared_ptr<grpc::Channel>& channel) {
    auto stub = BoundaryValidator::NewStub(channel);
    v1::ValidateResponse response;
    return stub->Validate(Context("", std::chrono::seconds(10)).get(),
                          wire::MakeRequest(TinyInput(), ValidationOptions()), &response);
  }
  std::string certs_dir_;
  TestCertificates certs_;
};

TEST_F(TlsTest, ServerCertificate) {
  Running r({"--reference", reference_, "--tls-cert", certs_.File("server.crt"), "--tls-key",
             certs_.File("server.key")});
  auto tls = ConnectTls(r.server.target(), certs_.Pem("ca.crt"));
  ASSERT_TRUE(WaitForConnected(tls)) << r.server.Stderr();
  ASSERT_TRUE(WaitUntilServing(tls, kService));
  const grpc::Status status = CallOver(tls);
  EXPECT_TRUE(status.ok()) << status.error_message();

  // A client that trusts another CA, and a plaintext client, never get through.
  EXPECT_FALSE(WaitForConnected(ConnectTls(r.server.target(), certs_.Pem("rogue-ca.crt")),
                                std::chrono::seconds(2)));
  EXPECT_EQ(CallOver(ConnectTls(r.server.target(), certs_.Pem("rogue-ca.crt"))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CallOver(testing::Connect(r.server.target())).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTls) {
  Running r({"--reference", reference_, "--tls-cert", certs_.File("server.crt"), "--tls-key",
             certs_.File("server.key"), "--tls-client-ca", certs_.File("ca.crt")});
  auto mtls = ConnectTls(r.server.target(), certs_.Pem("ca.crt"), certs_.Pem("client.crt"),
                         certs_.Pem("client.key"));
  ASSERT_TRUE(WaitForConnected(mtls)) << r.server.Stderr();
  ASSERT_TRUE(WaitUntilServing(mtls, kService));
  const grpc::Status status = CallOver(mtls);
  EXPECT_TRUE(status.ok()) << status.error_message();

  // No client certificate, or one from another CA: the handshake fails.
  EXPECT_NE(CallOver(ConnectTls(r.server.target(), certs_.Pem("ca.crt"))).error_code(),
            grpc::StatusCode::OK);
  EXPECT_NE(CallOver(ConnectTls(r.server.target(), certs_.Pem("ca.crt"), certs_.Pem("rogue.crt"),
                                certs_.Pem("rogue.key")))
                .error_code(),
            grpc::StatusCode::OK);
}

// `pcnv validate --server` against a TLS + token server, with the security settings from the
// environment (clients/remote), on the sample region.
TEST_F(TlsTest, CliOverTlsWithAToken) {
  const std::string sample = SampleDir();
  const std::string reference = dir_.File("sample.gpkg");
  // clang-format off
  const CommandResult built = testing::Run({
      PCNV_CLI, "reference", "build",
      "--areas", sample + "/areas.geojson:code",
      "--footprint", "icb=" + sample + "/icb.geojson:code",
      "--postcodes", sample + "/postcodes.csv",
      "--out", reference});
  // clang-format on
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const std::string tokens = dir_.File("tokens");
  WriteFile(tokens, absl::StrCat("read cli ", kReadToken, "\n"));
  Running r({"--reference", reference, "--tls-cert", certs_.File("server.crt"), "--tls-key",
             certs_.File("server.key"), "--tokens-file", tokens});
  ASSERT_TRUE(WaitUntilServing(ConnectTls(r.server.target(), certs_.Pem("ca.crt")), kService));

  auto validate = [&](std::vector<std::string> env) {
    std::vector<std::string> argv = {"/usr/bin/env"};
    argv.insert(argv.end(), env.begin(), env.end());
    // clang-format off
    argv.insert(argv.end(), {
        PCNV_CLI, "validate", "--reference", reference,
        "--practices", sample + "/gp-reg-pat-prac-map.csv",
        "--distribution", sample + "/gp-reg-pat-prac-lsoa-all.csv",
        "--server", r.server.target(), "--out", dir_.File("report.json")});
    // clang-format on
    return testing::Run(argv);
  };
  const std::string roots = "PCNV_TLS_ROOT_CERTS=" + certs_.File("ca.crt");
  const CommandResult ok = validate({roots, std::string("PCNV_TOKEN=") + kReadToken});
  EXPECT_EQ(ok.exit_code, 1) << ok.err;  // the sample has ERROR findings
  EXPECT_NE(ReadFile(dir_.File("report.json")).find("\"verdict\""), std::string::npos);
  const CommandResult no_token = validate({roots});
  EXPECT_EQ(no_token.exit_code, 2);
  EXPECT_NE(no_token.err.find("authorization"), std::string::npos) << no_token.err;
  const CommandResult plaintext = validate({std::string("PCNV_TOKEN=") + kReadToken});
  EXPECT_EQ(plaintext.exit_code, 2) << plaintext.err;
}

TEST_F(TlsTest, TlsFlagsGoTogether) {
  ServerProcess server({"--reference", reference_, "--tls-cert", certs_.File("server.crt")});
  EXPECT_EQ(server.WaitExit(), 2) << server.Stderr();
}

// ---------------------------------------------------------------------------------------------
// Observability

TEST_F(ProductionTest, PrometheusMetricsAndRequestIds) {
  Running r({"--reference", reference_, "--metrics-port", "0"});
  const int metrics_port = r.server.MetricsPort();
  ASSERT_GT(metrics_port, 0) << r.server.Stdout();
  r.Connect();
  // A caller's request id is used and echoed back; without one the server makes one up.
  {
    auto context = Context();
    context->AddMetadata("x-request-id", "portal-req-42");
    v1::ValidateResponse response;
    ASSERT_TRUE(r.stub
                    ->Validate(context.get(), wire::MakeRequest(TinyInput(), ValidationOptions()),
                               &response)
                    .ok());
    auto echoed = context->GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(echoed, context->GetServerInitialMetadata().end());
    EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "portal-req-42");
  }
  v1::ValidateRequest bad = wire::MakeRequest(TinyInput(), ValidationOptions());
  bad.mutable_distribution()->mutable_rows(0)->set_patients(-1);
  EXPECT_FALSE(Validate(*r.stub, bad).ok());

  const std::string page = HttpGet(metrics_port, "/metrics");
  ASSERT_TRUE(absl::StartsWith(page, "HTTP/1.1 200 OK")) << page;
  EXPECT_NE(page.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  for (const char* line : {
           // prometheus-cpp writes labels in name order
           "pcnv_calls_total{code=\"OK\",method=\"Validate\"} 1\n",
           "pcnv_calls_total{code=\"INVALID_ARGUMENT\",method=\"Validate\"} 1\n",
           "pcnv_call_duration_seconds_count{method=\"Validate\"} 2\n",
           "pcnv_call_duration_seconds_bucket{method=\"Validate\",le=\"+Inf\"} 2\n",
           "pcnv_calls_in_flight{method=\"Validate\"} 0\n",
           "pcnv_findings_total{rule=\"POP001\",severity=\"ERROR\"} 2\n",
           "pcnv_reference_snapshot_generation 1\n",
           "pcnv_reference_reload_failures_total 0\n",
           "pcnv_heavy_calls_capacity 32\n",
       }) {
    EXPECT_NE(page.find(line), std::string::npos) << line << "\n" << page;
  }
  EXPECT_NE(page.find("pcnv_reference_snapshot_age_seconds "), std::string::npos);
  EXPECT_NE(page.find("pcnv_request_bytes_total{method=\"Validate\"} "), std::string::npos);
  EXPECT_TRUE(absl::StartsWith(HttpGet(metrics_port, "/other"), "HTTP/1.1 404"));

  bool saw_id = false;
  for (const nlohmann::json& call : CallLog(r.server))
    saw_id |= call["request_id"] == "portal-req-42";
  EXPECT_TRUE(saw_id) << r.server.Stderr();
}

}  // namespace
}  // namespace pcnv::testing
