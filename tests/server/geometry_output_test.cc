// Integration: a real pcnv-server writes every geometry of a reply as the request's
// options.geometry_output asks: RFC 7946 GeoJSON in WGS84 from Validate (opened by GDAL, and
// within 1 m of the default reply's EPSG:27700 WKB once OGR brings it back) on the sample region
// and on West Sussex's real LSOAs, ValidateStream's results, ValidateChange and
// ComputeCatchments, and a CRS it does not offer refused naming the field.
#include <grpcpp/client_context.h>

#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/geometry.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pcnv/v1/validator.grpc.pb.h"
#include "tests/realdata/west_sussex_input.h"
#include "tests/server/geojson_check.h"
#include "tests/server/sample_server.h"
#include "tests/support/test_support.h"
#include "wire/convert.h"

namespace pcnv::testing {
namespace {

using nlohmann::json;

void AskFor(v1::ValidationOptions* options, v1::GeometryEncoding encoding, int srid) {
  options->mutable_geometry_output()->set_encoding(encoding);
  options->mutable_geometry_output()->set_srid(srid);
}

// A GeoJSON geometry in WGS84 somewhere in England.
void ExpectWgs84GeoJson(const v1::Geometry& g, const std::string& what) {
  EXPECT_EQ(g.srid(), 4326) << what;
  EXPECT_TRUE(g.wkb().empty()) << what;
  const json parsed = json::parse(g.geojson(), nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(parsed.is_discarded()) << what << ": " << g.geojson().substr(0, 200);
  EXPECT_TRUE(parsed["type"] == "Polygon" || parsed["type"] == "MultiPolygon") << what;
  const json* first = &parsed["coordinates"];
  while (first->is_array() && (*first)[0].is_array()) first = &(*first)[0];
  ASSERT_EQ(first->size(), 2u) << what;
  EXPECT_GT((*first)[0].get<double>(), -6.5) << what;  // longitude
  EXPECT_LT((*first)[0].get<double>(), 2.0) << what;
  EXPECT_GT((*first)[1].get<double>(), 49.8) << what;  // latitude
  EXPECT_LT((*first)[1].get<double>(), 55.9) << what;
}

// Every territory of `web` (GeoJSON, EPSG:4326) against the same PCN's in `plain` (WKB,
// EPSG:27700): GDAL opens them as one RFC 7946 document, and each comes back to EPSG:27700 within
// 1 m of where it was (6 decimal places of a degree are about 0.1 m). The number checked.
int ExpectTerritoriesRoundTrip(const v1::Report& web, const v1::Report& plain,
                               const std::string& path) {
  EXPECT_EQ(web.pcns_size(), plain.pcns_size());
  std::vector<std::string> features;
  double worst = 0;
  for (int k = 0; k < web.pcns_size() && k < plain.pcns_size(); ++k) {
    const v1::Pcn& p = web.pcns(k);
    EXPECT_EQ(p.has_territory_geometry(), plain.pcns(k).has_territory_geometry()) << p.code();
    if (!p.has_territory_geometry()) continue;
    ExpectWgs84GeoJson(p.territory_geometry(), p.code());
    features.push_back(absl::StrCat(R"({"type": "Feature", "properties": {"code": ")", p.code(),
                                    R"("}, "geometry": )", p.territory_geometry().geojson(), "}"));
    const double d = RoundTripDistance(p.territory_geometry().geojson(),
                                       plain.pcns(k).territory_geometry().wkb());
    EXPECT_GE(d, 0) << p.code();
    EXPECT_LT(d, 1.0) << p.code();
    worst = std::max(worst, d);
  }
  EXPECT_EQ(FeaturesGdalReads(path, features), static_cast<int>(features.size()));
  std::cout << "[geometry output] " << features.size() << " territories, furthest vertex " << worst
            << " m from its EPSG:27700 position\n";
  return static_cast<int>(features.size());
}

TEST_F(SampleServer, ValidateWritesGeoJsonInWgs84ThatGdalReadsBackInPlace) {
  auto stub = Stub();
  v1::ValidateResponse plain;
  ASSERT_TRUE(stub->Validate(Context().get(), *request_, &plain).ok());
  v1::ValidateRequest request = *request_;
  AskFor(request.mutable_options(), v1::GEOMETRY_ENCODING_GEOJSON, 4326);
  v1::ValidateResponse web;
  const grpc::Status status = stub->Validate(Context().get(), request, &web);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_GT(
      ExpectTerritoriesRoundTrip(web.report(), plain.report(), tmp_->File("territories.geojson")),
      5);
  for (const v1::Practice& practice : web.report().practices()) {
    if (!practice.has_location()) continue;
    EXPECT_GT(practice.location().x(), -6.5) << practice.code();  // longitude, not easting
    EXPECT_LT(practice.location().y(), 55.9) << practice.code();  // latitude, not northing
  }
}

// A real region: West Sussex's 2022 PCNs on its 507 real LSOA polygons (tests/realdata), served
// by a real server and returned as GeoJSON.
TEST(GeometryOutputRealRegion, WestSussexTerritoriesRoundTripWithinAMetre) {
  if (SharedData().empty()) GTEST_SKIP() << "real data folder ../shared/data is absent";
  const std::string dir = realdata::WestSussexDir();
  TempDir tmp;
  const std::string reference = tmp.File("ref.gpkg");
  const CommandResult built =
      pcnv::testing::Run({PCNV_CLI, "reference", "build", "--areas",
                          dir + "/lsoa_pcn_des_west_sussex.geojson:LSOA11CD", "--out", reference});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  std::set<std::string> pcns;
  for (const auto& [pcn, lsoas] : realdata::MakeWestSussexInput({}).lsoas_of_pcn) pcns.insert(pcn);
  ASSERT_EQ(pcns.size(), 20u);
  v1::ValidateRequest request =
      wire::MakeRequest(realdata::MakeWestSussexInput(pcns).input, ValidationOptions{});

  ServerProcess server({"--reference", reference, "--port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  auto channel = Connect(server.target());
  ASSERT_TRUE(WaitUntilServing(channel, kService)) << server.Stderr();
  auto stub = v1::BoundaryValidator::NewStub(channel);
  v1::ValidateResponse plain;
  grpc::Status status = stub->Validate(Context().get(), request, &plain);
  ASSERT_TRUE(status.ok()) << status.error_message();
  AskFor(request.mutable_options(), v1::GEOMETRY_ENCODING_GEOJSON, 4326);
  v1::ValidateResponse web;
  status = stub->Validate(Context().get(), request, &web);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(
      ExpectTerritoriesRoundTrip(web.report(), plain.report(), tmp.File("west_sussex.geojson")),
      20);
}

TEST_F(SampleServer, ValidateStreamAndValidateChangeEncodeTheirResults) {
  auto stub = Stub();
  v1::ValidateRequest request = *request_;
  AskFor(request.mutable_options(), v1::GEOMETRY_ENCODING_GEOJSON, 4326);

  auto context = Context();
  auto stream = stub->ValidateStream(context.get());
  v1::ValidateStreamRequest chunk;
  *chunk.mutable_options() = request.options();
  ASSERT_TRUE(stream->Write(chunk));
  chunk.Clear();
  *chunk.mutable_memberships()->mutable_rows() = request.memberships();
  ASSERT_TRUE(stream->Write(chunk));
  chunk.Clear();
  *chunk.mutable_distribution() = request.distribution();
  ASSERT_TRUE(stream->Write(chunk));
  ASSERT_TRUE(stream->WritesDone());
  int results = 0;
  v1::ValidateStreamResponse event;
  v1::Report summary;
  while (stream->Read(&event)) {
    if (event.has_pcn_result() && event.pcn_result().pcn().has_territory_geometry()) {
      ++results;
      ExpectWgs84GeoJson(event.pcn_result().pcn().territory_geometry(),
                         event.pcn_result().pcn().code());
    }
    if (event.has_summary()) summary = event.summary().report();
  }
  const grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(results, 5);
  ASSERT_GT(summary.pcns_size(), 0);
  ExpectWgs84GeoJson(summary.pcns(0).territory_geometry(), "summary");

  v1::ValidateChangeRequest change;
  *change.mutable_base() = *request_;
  *change.mutable_candidate() = request;
  v1::ValidateChangeResponse changed;
  const grpc::Status change_status = stub->ValidateChange(Context().get(), change, &changed);
  ASSERT_TRUE(change_status.ok()) << change_status.error_message();
  ExpectWgs84GeoJson(changed.candidate().pcns(0).territory_geometry(), "candidate");
}

TEST_F(SampleServer, ComputeCatchmentsWritesWkbInWgs84) {
  auto stub = Stub();
  v1::ComputeCatchmentsRequest request;
  *request.mutable_input() = *request_;
  AskFor(request.mutable_input()->mutable_options(), v1::GEOMETRY_ENCODING_WKB, 4326);
  auto context = Context();
  auto reader = stub->ComputeCatchments(context.get(), request);
  int geometries = 0;
  v1::PcnCatchments message;
  while (reader->Read(&message)) {
    for (const v1::Geometry* g :
         {&message.territory_geometry(), &message.share_catchment_geometry()}) {
      if (g->wkb().empty()) continue;
      ++geometries;
      EXPECT_EQ(g->srid(), 4326) << message.pcn_code();
      absl::StatusOr<Geometry> parsed = Geometry::FromWkb(g->wkb());
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      EXPECT_LT(parsed->Area(), 1.0) << message.pcn_code();  // square degrees
    }
  }
  const grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(geometries, 10);
}

TEST_F(SampleServer, ACrsNotOfferedIsRefusedNamingTheField) {
  auto stub = Stub();
  v1::ValidateRequest request = *request_;
  AskFor(request.mutable_options(), v1::GEOMETRY_ENCODING_GEOJSON, 3857);
  v1::ValidateResponse response;
  grpc::Status status = stub->Validate(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("options.geometry_output.srid: 3857 is not offered", 0),
            0u)
      << status.error_message();

  v1::ComputeCatchmentsRequest catchments;
  *catchments.mutable_input() = request;
  auto context = Context();
  auto reader = stub->ComputeCatchments(context.get(), catchments);
  v1::PcnCatchments message;
  EXPECT_FALSE(reader->Read(&message));
  status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("input.options.geometry_output.srid"), std::string::npos)
      << status.error_message();
}

}  // namespace
}  // namespace pcnv::testing
