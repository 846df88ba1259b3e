// A real region through a real server: West Sussex's 2022 PCNs on its 507 real LSOA polygons
// (the input tests/realdata builds), served over gRPC and over the HTTP/JSON listener. The
// territories come back as RFC 7946 GeoJSON within 1 m of their EPSG:27700 selves, and
// `curl -d @request.json .../v1/validate` returns the report gRPC Validate returns. Fix
// suggestions streamed by SuggestFixes for the region with its declared boundaries are each
// verified by the server itself: the configuration with the change applied, validated whole.
#include <grpcpp/client_context.h>
#include <signal.h>

#include <set>
#include <string>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "tests/realdata/west_sussex_input.h"
#include "tests/server/geojson_check.h"
#include "tests/server/sample_server.h"
#include "tests/server/server_harness.h"
#include "tests/support/test_support.h"
#include "wire/convert.h"
#include "wire/suggest.h"

namespace pcnv::testing {
namespace {

class WestSussexServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (SharedData().empty()) return;
    const std::string dir = realdata::WestSussexDir();
    tmp_ = new TempDir;
    const std::string reference = tmp_->File("ref.gpkg");
    const CommandResult built = pcnv::testing::Run(
        {PCNV_CLI, "reference", "build", "--areas",
         dir + "/lsoa_pcn_des_west_sussex.geojson:LSOA11CD", "--out", reference});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    const std::set<std::string> pcns = realdata::WestSussexPcns();
    ASSERT_EQ(pcns.size(), 20u);
    request_ = new v1::ValidateRequest(
        wire::MakeRequest(realdata::MakeWestSussexInput(pcns).input, ValidationOptions{}));
    server_ = new ServerProcess({"--reference", reference, "--port", "0", "--http-port", "0"});
    ASSERT_GT(server_->WaitForPort(), 0) << server_->Stderr();
    ASSERT_TRUE(WaitUntilServing(Connect(server_->target()), kService)) << server_->Stderr();
  }
  static void TearDownTestSuite() {
    StopAndDelete(server_);
    delete request_;
    delete tmp_;
  }
  void SetUp() override {
    if (SharedData().empty()) GTEST_SKIP() << "real data folder ../shared/data is absent";
  }
  static v1::ValidateResponse Validate(const v1::ValidateRequest& request) {
    v1::ValidateResponse response;
    const grpc::Status status = v1::BoundaryValidator::NewStub(Connect(server_->target()))
                                    ->Validate(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static TempDir* tmp_;
  static ServerProcess* server_;
  static v1::ValidateRequest* request_;
};
TempDir* WestSussexServer::tmp_ = nullptr;
ServerProcess* WestSussexServer::server_ = nullptr;
v1::ValidateRequest* WestSussexServer::request_ = nullptr;

TEST_F(WestSussexServer, TerritoriesAsGeoJsonRoundTripWithinAMetre) {
  const v1::ValidateResponse plain = Validate(*request_);
  v1::ValidateRequest request = *request_;
  request.mutable_options()->mutable_geometry_output()->set_encoding(v1::GEOMETRY_ENCODING_GEOJSON);
  request.mutable_options()->mutable_geometry_output()->set_srid(4326);
  const v1::ValidateResponse web = Validate(request);
  EXPECT_EQ(
      ExpectTerritoriesRoundTrip(web.report(), plain.report(), tmp_->File("west_sussex.geojson")),
      20);
}

TEST_F(WestSussexServer, CurlOverHttpReturnsTheGrpcReport) {
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*request_, &json).ok());
  WriteFile(tmp_->File("request.json"), json);
  const std::string url =
      "http://127.0.0.1:" + std::to_string(server_->HttpPort()) + "/v1/validate";
  const CommandResult curl =
      pcnv::testing::Run({"/usr/bin/curl", "--silent", "--show-error", "--fail-with-body", "-X",
                          "POST", url, "-d", "@" + tmp_->File("request.json")});
  ASSERT_EQ(curl.exit_code, 0) << curl.out << curl.err;
  v1::ValidateResponse over_http;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(curl.out, &over_http).ok())
      << curl.out.substr(0, 300);
  const v1::ValidateResponse over_grpc = Validate(*request_);
  ASSERT_GT(over_grpc.report().pcns_size(), 0);
  // The same report, field for field, whichever door it came through (the ids differ: two calls).
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(over_http.report(), over_grpc.report()));
  EXPECT_FALSE(over_http.report_id().empty());
}

// Unwaived ERROR findings by (rule, PCN, practice), with their counts.
std::multiset<std::string> Errors(const v1::Report& report) {
  std::multiset<std::string> out;
  for (const v1::Finding& f : report.findings()) {
    if (f.severity() == v1::SEVERITY_ERROR && !f.has_waiver()) {
      out.insert(f.rule() + " " + f.pcn() + " " + f.practice());
    }
  }
  return out;
}

TEST_F(WestSussexServer, EverySuggestionStreamedIsVerifiedByTheServer) {
  realdata::WestSussexInput ws = realdata::MakeWestSussexInput(realdata::WestSussexPcns());
  ws.input.declared = realdata::WestSussexDeclared();
  ASSERT_EQ(ws.input.declared->size(), 20u);
  const v1::SuggestFixesRequest request = wire::MakeSuggestRequest(ws.input, {}, {});
  grpc::ClientContext context;
  auto stub = v1::BoundaryValidator::NewStub(Connect(server_->target()));
  auto reader = stub->SuggestFixes(&context, request);
  std::vector<Suggestion> suggestions;
  std::vector<int> targets;  // per targeted finding, its suggestions
  v1::SuggestFixesResponse item;
  while (reader->Read(&item)) {
    if (item.has_suggestion()) {
      auto s = wire::SuggestionFromProto(item.suggestion());
      ASSERT_TRUE(s.ok()) << s.status();
      suggestions.push_back(*std::move(s));
    } else if (item.has_target()) {
      targets.push_back(item.target().suggestions_size());
    }
  }
  const grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(suggestions.empty());

  const std::multiset<std::string> before =
      Errors(Validate(wire::MakeRequest(ws.input, {})).report());
  for (const Suggestion& s : suggestions) {
    const v1::Report after = Validate(wire::MakeRequest(ApplySuggestion(ws.input, s), {})).report();
    const std::multiset<std::string> now = Errors(after);
    for (const std::string& e : now) {
      EXPECT_LE(now.count(e), before.count(e)) << s.id << " adds the ERROR " << e;
    }
    for (const FindingKey& k : s.resolves) {
      for (const v1::Finding& f : after.findings()) {
        EXPECT_FALSE(f.rule() == k.rule && f.pcn() == k.pcn && !f.has_waiver())
            << s.id << " leaves " << f.rule() << " " << f.pcn();
      }
    }
  }
  int with = 0;
  for (int n : targets) with += n > 0 ? 1 : 0;
  std::cout << "[west sussex SuggestFixes] " << targets.size() << " targeted findings, " << with
            << " with suggestions, " << suggestions.size() << " suggestions verified\n";
}

}  // namespace
}  // namespace pcnv::testing
