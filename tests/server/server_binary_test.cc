// Integration: the real pcnv-server binary on port 0 against a reference store. Health goes
// SERVING once the store is loaded, reflection lists the service, Validate answers with the same
// report as the engine in-process, and SIGTERM/SIGINT stop it cleanly.
#include <grpcpp/client_context.h>
#include <signal.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "geo/io/reference_store.h"
#include "geo/io/versions.h"
#include "geo/validate.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pcnv/v1/validator.grpc.pb.h"
#include "report/report_json.h"
#include "tests/server/server_harness.h"
#include "wire/convert.h"

namespace pcnv::testing {
namespace {

constexpr char kService[] = "pcnv.v1.BoundaryValidator";

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class ServerBinaryTest : public TinyReferenceTest {};

TEST_F(ServerBinaryTest, ServesHealthReflectionAndValidateThenStopsOnSigterm) {
  ServerProcess server({"--reference", reference_, "--port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stdout() << server.Stderr();
  // Everything client-side lives in this block: the channel must be gone before SIGTERM, since
  // an idle client notices the server's GOAWAY only on its next poll (up to 5 s later) and the
  // server waits for the connection to close.
  {
    auto channel = Connect(server.target());

    ASSERT_TRUE(WaitUntilServing(channel, "")) << server.Stderr();
    EXPECT_EQ(HealthStatus(channel, kService), 1);

    const std::vector<std::string> services = ListServices(channel);
    EXPECT_TRUE(Contains(services, kService)) << services.size() << " services listed";
    EXPECT_TRUE(Contains(services, "grpc.health.v1.Health"));

    // A valid request: the same report as the engine gives in-process on the same store.
    auto stub = v1::BoundaryValidator::NewStub(channel);
    const ValidationInput input = TinyInput();
    v1::ValidateResponse response;
    {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      const grpc::Status status =
          stub->Validate(&context, wire::MakeRequest(input, ValidationOptions()), &response);
      ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    }
    absl::StatusOr<Report> remote = wire::ReportFromProto(response.report());
    ASSERT_TRUE(remote.ok()) << remote.status();
    EXPECT_EQ(remote->provenance.tool.rfind("pcnv ", 0), 0u) << remote->provenance.tool;
    EXPECT_EQ(remote->provenance.libraries, io::LibraryVersions());
    absl::StatusOr<std::shared_ptr<const ReferenceData>> store = io::LoadReferenceStore(reference_);
    ASSERT_TRUE(store.ok()) << store.status();
    absl::StatusOr<Report> local = Validate(**store, input, ValidationOptions());
    ASSERT_TRUE(local.ok()) << local.status();
    local->provenance.tool = remote->provenance.tool;
    local->provenance.libraries = io::LibraryVersions();
    EXPECT_EQ(report::ReportToJson(*remote), report::ReportToJson(*local));

    // A bad request: INVALID_ARGUMENT naming the field and row, straight through the wire.
    {
      v1::ValidateRequest request = wire::MakeRequest(input, ValidationOptions());
      request.mutable_distribution()->mutable_rows(4)->set_patients(-4);
      grpc::ClientContext context;
      const grpc::Status status = stub->Validate(&context, request, &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(status.error_message(),
                "distribution.rows[4].patients: -4 is negative (source row 5)");
    }
  }

  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();

  // One JSON line per call (method, status, latency, sizes, request id) and nothing
  // patient-level in the log.
  const std::string log = server.Stderr();
  std::vector<nlohmann::json> calls;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StartsWith(line, "{")) calls.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(calls.size(), 2u) << log;
  for (const nlohmann::json& call : calls) {
    EXPECT_EQ(call["method"], "Validate");
    for (const char* key : {"ts", "latency_ms", "request_bytes", "response_bytes", "request_id",
                            "peer", "principal"}) {
      EXPECT_TRUE(call.contains(key)) << key << " missing in " << call.dump();
    }
    EXPECT_GT(call["request_bytes"].get<int64_t>(), 0);
  }
  EXPECT_EQ(calls[0]["code"], "OK");
  EXPECT_GT(calls[0]["response_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(calls[1]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(calls[1]["error"], "distribution.rows[4].patients: -4 is negative (source row 5)");
  EXPECT_EQ(log.find("A00001"), std::string::npos) << log;
  EXPECT_EQ(log.find("E01000001"), std::string::npos) << log;
}

TEST_F(ServerBinaryTest, SigintAlsoStopsCleanly) {
  ServerProcess server({"--reference", reference_});  // --port defaults to 0
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(server.target()), kService)) << server.Stderr();
  server.Signal(SIGINT);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
}

TEST_F(ServerBinaryTest, UnreadableReferenceExitsWithAnErrorAfterBinding) {
  const std::string bad = dir_.File("not-a-store.gpkg");
  WriteFile(bad, "this is not a GeoPackage\n");
  ServerProcess server({"--reference", bad, "--port", "0"});
  EXPECT_GT(server.WaitForPort(), 0);  // the port comes first, the load after
  EXPECT_EQ(server.WaitExit(), 1) << server.Stderr();
  EXPECT_NE(server.Stderr().find("cannot load reference"), std::string::npos) << server.Stderr();
}

TEST_F(ServerBinaryTest, MissingReferenceIsAUsageError) {
  ServerProcess server({"--port", "0"});
  EXPECT_EQ(server.WaitExit(), 2) << server.Stderr();
  ServerProcess absent({"--reference", dir_.File("absent.gpkg")});
  EXPECT_EQ(absent.WaitExit(), 2) << absent.Stderr();
}

}  // namespace
}  // namespace pcnv::testing
