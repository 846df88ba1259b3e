// Integration: pcnv-server's HTTP/JSON listener (--http-port) on the sample region, called as a
// browser or script would with cpp-httplib's client. The same report as gRPC Validate; bearer
// tokens from the Authorization header; X-Request-Timeout and ?timeout= as deadlines; errors as
// google.rpc.Status JSON with the mapped HTTP status; a server limit as 429; the streaming RPCs
// as NDJSON; CORS for the configured origin only; and every RPC at its annotated route.
#include <httplib.h>
#include <signal.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pcnv/v1/validator.grpc.pb.h"
#include "server/http_routes.h"
#include "tests/server/sample_server.h"
#include "tests/server/server_harness.h"
#include "tests/support/test_support.h"

namespace pcnv::testing {
namespace {

using nlohmann::json;

constexpr char kReadToken[] = "http-read-token-0123456789abcdef";
constexpr char kAdminToken[] = "http-admin-token-0123456789abcdef";
constexpr char kPortal[] = "https://portal.example.nhs.uk";

std::string Json(const google::protobuf::Message& m) {
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out).ok());
  return out;
}

// The sample's reference, served with tokens and the HTTP listener by a second server process.
class HttpApi : public SampleServer {
 protected:
  static void SetUpTestSuite() {
    SampleServer::SetUpTestSuite();
    WriteFile(tmp_->File("tokens"),
              std::string("read portal ") + kReadToken + "\nadmin ops " + kAdminToken + "\n");
    http_ =
        new ServerProcess({"--reference", tmp_->File("ref.gpkg"), "--port", "0", "--http-port", "0",
                           "--tokens-file", tmp_->File("tokens"), "--http-cors-origin", kPortal});
    ASSERT_GT(http_->WaitForPort(), 0) << http_->Stderr();
    ASSERT_GT(http_->HttpPort(), 0) << http_->Stdout();
    ASSERT_TRUE(WaitUntilServing(Connect(http_->target()), kService)) << http_->Stderr();
  }
  static void TearDownTestSuite() {
    StopAndDelete(http_);
    SampleServer::TearDownTestSuite();
  }
  static httplib::Client Client() {
    httplib::Client client("127.0.0.1", http_->HttpPort());
    client.set_read_timeout(120, 0);
    return client;
  }
  static httplib::Headers Bearer(const char* token = kReadToken) {
    return {{"Authorization", std::string("Bearer ") + token}};
  }
  // The google.rpc.Status of a failed call's body.
  static json StatusOf(const httplib::Result& r) {
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    return json::parse(r->body, nullptr, false);
  }

  static ServerProcess* http_;
};
ServerProcess* HttpApi::http_ = nullptr;

TEST_F(HttpApi, ValidateReturnsTheReportGrpcReturns) {
  httplib::Result r = Client().Post("/v1/validate", Bearer(), Json(*request_), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  v1::ValidateResponse over_http;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r->body, &over_http).ok());
  // lowerCamelCase field names, as proto3's JSON mapping has them.
  EXPECT_NE(r->body.find("\"reportId\""), std::string::npos);

  auto context = Context();
  context->AddMetadata("authorization", std::string("Bearer ") + kReadToken);
  v1::ValidateResponse over_grpc;
  const grpc::Status status = v1::BoundaryValidator::NewStub(Connect(http_->target()))
                                  ->Validate(context.get(), *request_, &over_grpc);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GT(over_grpc.report().findings_size(), 0);
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(over_http.report(), over_grpc.report()));
}

TEST_F(HttpApi, BearerTokensAsOverGrpc) {
  httplib::Result none = Client().Get("/v1/reference");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(StatusOf(none)["code"], 16);  // UNAUTHENTICATED

  httplib::Result read = Client().Get("/v1/reference", Bearer());
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;
  EXPECT_EQ(json::parse(read->body)["areas"], "476");  // int64 is a string in proto3 JSON

  httplib::Result reload_as_reader = Client().Post("/v1/reference:reload", Bearer(), "{}", "");
  ASSERT_TRUE(reload_as_reader);
  EXPECT_EQ(reload_as_reader->status, 403);
  EXPECT_EQ(StatusOf(reload_as_reader)["code"], 7);  // PERMISSION_DENIED

  httplib::Result reload = Client().Post("/v1/reference:reload", Bearer(kAdminToken), "", "");
  ASSERT_TRUE(reload);
  EXPECT_EQ(reload->status, 200) << reload->body;
  EXPECT_TRUE(json::parse(reload->body).contains("current"));
}

TEST_F(HttpApi, DeadlinesFromTheHeaderOrTheQuery) {
  httplib::Headers headers = Bearer();
  headers.emplace("X-Request-Timeout", "1n");
  httplib::Result header = Client().Post("/v1/validate", headers, Json(*request_), "");
  ASSERT_TRUE(header);
  EXPECT_EQ(header->status, 504);
  EXPECT_EQ(StatusOf(header)["code"], 4);  // DEADLINE_EXCEEDED

  httplib::Result query = Client().Post("/v1/validate?timeout=1u", Bearer(), Json(*request_), "");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 504);

  httplib::Result ample = Client().Post("/v1/validate?timeout=2M", Bearer(), Json(*request_), "");
  ASSERT_TRUE(ample);
  EXPECT_EQ(ample->status, 200);

  headers = Bearer();
  headers.emplace("X-Request-Timeout", "soon");
  httplib::Result bad = Client().Post("/v1/validate", headers, Json(*request_), "");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(StatusOf(bad)["message"].get<std::string>().find("X-Request-Timeout soon"),
            std::string::npos)
      << bad->body;
}

TEST_F(HttpApi, ErrorsAreStatusJsonNamingTheField) {
  v1::ValidateRequest request = *request_;
  request.mutable_distribution()->mutable_rows(2)->set_patients(-4);
  httplib::Result r = Client().Post("/v1/validate", Bearer(), Json(request), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  const json status = StatusOf(r);
  EXPECT_EQ(status["code"], 3);
  ASSERT_EQ(status["details"].size(), 1u) << r->body;
  EXPECT_EQ(status["details"][0]["@type"], "type.googleapis.com/google.rpc.BadRequest");
  EXPECT_EQ(status["details"][0]["fieldViolations"][0]["field"], "distribution.rows[2].patients");

  httplib::Result typo = Client().Post("/v1/validate", Bearer(), R"({"membershipz": []})", "");
  ASSERT_TRUE(typo);
  EXPECT_EQ(typo->status, 400);
  EXPECT_NE(StatusOf(typo)["message"].get<std::string>().find("membershipz"), std::string::npos)
      << typo->body;

  httplib::Result not_json = Client().Post("/v1/validate", Bearer(), "memberships=1", "");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);

  httplib::Result nowhere = Client().Get("/v1/validate", Bearer());  // POST only
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->status, 404);
  EXPECT_EQ(StatusOf(nowhere)["code"], 5);
}

TEST_F(HttpApi, AServerLimitIsTooManyRequestsWithItsReason) {
  ServerProcess small({"--reference", tmp_->File("ref.gpkg"), "--port", "0", "--http-port", "0",
                       "--max-rows", "100"});
  ASSERT_GT(small.WaitForPort(), 0) << small.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(small.target()), kService)) << small.Stderr();
  httplib::Client client("127.0.0.1", small.HttpPort());
  httplib::Result r = client.Post("/v1/validate", Json(*request_), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  const json status = StatusOf(r);
  EXPECT_EQ(status["code"], 8);  // RESOURCE_EXHAUSTED
  bool reason = false;
  for (const json& d : status["details"]) reason |= d.value("reason", "") == "TOO_MANY_ROWS";
  EXPECT_TRUE(reason) << r->body;
  small.Signal(SIGTERM);
  EXPECT_EQ(small.WaitExit(), 0);
}

std::vector<json> Lines(const std::string& body) {
  std::vector<json> out;
  for (absl::string_view line : absl::StrSplit(body, '\n', absl::SkipEmpty())) {
    out.push_back(json::parse(line));
  }
  return out;
}

TEST_F(HttpApi, ABodyOverTheLimitIs413WithOrWithoutItsLength) {
  // --max-request-bytes 100000: the HTTP listener takes bodies up to 4 times that.
  ServerProcess small({"--reference", tmp_->File("ref.gpkg"), "--port", "0", "--http-port", "0",
                       "--max-request-bytes", "100000"});
  ASSERT_GT(small.WaitForPort(), 0) << small.Stderr();
  httplib::Client client("127.0.0.1", small.HttpPort());
  const std::string big(500000, ' ');  // JSON whitespace
  httplib::Result sized = client.Post("/v1/validate", big, "application/json");
  ASSERT_TRUE(sized);
  EXPECT_EQ(sized->status, 413);
  // Chunked (no Content-Length): httplib itself does not count it.
  const std::string piece(50000, ' ');
  httplib::Result chunked = client.Post(
      "/v1/validate",
      [&piece](size_t offset, httplib::DataSink& sink) {
        if (offset < 500000) return sink.write(piece.data(), piece.size());
        sink.done();
        return true;
      },
      "application/json");
  ASSERT_TRUE(chunked) << httplib::to_string(chunked.error());
  EXPECT_EQ(chunked->status, 413);
  EXPECT_EQ(StatusOf(chunked)["code"], 8);  // RESOURCE_EXHAUSTED
  EXPECT_NE(StatusOf(chunked)["message"].get<std::string>().find("larger than 400000 bytes"),
            std::string::npos)
      << chunked->body;
  small.Signal(SIGTERM);
  EXPECT_EQ(small.WaitExit(), 0);
}

TEST_F(HttpApi, StreamingRpcsAreNewlineDelimitedJson) {
  v1::ComputeCatchmentsRequest catchments;
  *catchments.mutable_input() = *request_;
  httplib::Result r = Client().Post("/v1/catchments", Bearer(), Json(catchments), "");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/x-ndjson");
  const std::vector<json> pcns = Lines(r->body);
  EXPECT_GT(pcns.size(), 5u);
  for (const json& pcn : pcns) EXPECT_TRUE(pcn.contains("pcnCode")) << pcn.dump();

  // ValidateStream: the chunks as lines in, the events as lines out, the report last.
  std::string body;
  v1::ValidateStreamRequest chunk;
  *chunk.mutable_memberships()->mutable_rows() = request_->memberships();
  body += Json(chunk) + "\n";
  chunk.Clear();
  *chunk.mutable_list_sizes() = request_->list_sizes();
  body += Json(chunk) + "\n\n";  // blank lines are skipped
  chunk.Clear();
  *chunk.mutable_distribution() = request_->distribution();
  body += Json(chunk) + "\n";
  r = Client().Post("/v1/validate:stream", Bearer(), body, "application/x-ndjson");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  const std::vector<json> events = Lines(r->body);
  ASSERT_GT(events.size(), 3u);
  EXPECT_TRUE(events.front().contains("progress"));
  EXPECT_TRUE(events.back().contains("summary")) << events.back().dump().substr(0, 200);

  // A refusal after the first line: the stream ends with an error line.
  chunk.Clear();
  *chunk.mutable_distribution() = request_->distribution();
  chunk.mutable_distribution()->mutable_rows(2)->set_patients(-4);
  v1::ValidateStreamRequest first;
  *first.mutable_memberships()->mutable_rows() = request_->memberships();
  const std::string bad_body = Json(first) + "\n" + Json(chunk) + "\n";
  r = Client().Post("/v1/validate:stream", Bearer(), bad_body, "");
  ASSERT_TRUE(r);
  const std::vector<json> bad_events = Lines(r->body);
  ASSERT_FALSE(bad_events.empty()) << r->body;
  EXPECT_EQ(r->status, 200);  // sent before the refusal
  EXPECT_TRUE(bad_events.front().contains("progress")) << r->body;
  ASSERT_TRUE(bad_events.back().contains("error")) << r->body;
  EXPECT_EQ(bad_events.back()["error"]["code"], 3);
  EXPECT_EQ(bad_events.back()["error"]["details"][0]["fieldViolations"][0]["field"],
            "distribution.rows[2].patients");

  // Refused before any event: an HTTP error, not a stream.
  r = Client().Post("/v1/validate:stream", Bearer(), Json(v1::ValidateStreamRequest()), "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(StatusOf(r)["details"][0]["fieldViolations"][0]["field"], "chunk");
}

TEST_F(HttpApi, CorsForTheConfiguredOriginOnly) {
  httplib::Headers preflight = {{"Origin", kPortal},
                                {"Access-Control-Request-Method", "POST"},
                                {"Access-Control-Request-Headers", "authorization,content-type"}};
  httplib::Result ok = Client().Options("/v1/validate", preflight);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  EXPECT_EQ(ok->get_header_value("Access-Control-Allow-Origin"), kPortal);
  EXPECT_NE(ok->get_header_value("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);

  httplib::Headers other = {{"Origin", "https://elsewhere.example.com"}};
  httplib::Result refused = Client().Options("/v1/validate", other);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->has_header("Access-Control-Allow-Origin"));

  httplib::Headers call = Bearer();
  call.emplace("Origin", kPortal);
  httplib::Result r = Client().Get("/v1/reference", call);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), kPortal);
}

TEST(HttpRoutes, EveryRpcHasItsAnnotatedRoute) {
  absl::StatusOr<std::vector<server::HttpRoute>> routes =
      server::HttpRoutes(*google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::BoundaryValidator::service_full_name()));
  ASSERT_TRUE(routes.ok()) << routes.status();
  std::map<std::string, std::string> by_method;
  for (const server::HttpRoute& r : *routes) by_method[r.method->name()] = r.verb + " " + r.path;
  EXPECT_EQ(by_method, (std::map<std::string, std::string>{
                           {"Validate", "POST /v1/validate"},
                           {"ValidateChange", "POST /v1/validate:change"},
                           {"ValidateStream", "POST /v1/validate:stream"},
                           {"ComputeCatchments", "POST /v1/catchments"},
                           {"SuggestFixes", "POST /v1/suggestions"},
                           {"GetReferenceInfo", "GET /v1/reference"},
                           {"ReloadReference", "POST /v1/reference:reload"},
                       }));
}

}  // namespace
}  // namespace pcnv::testing
