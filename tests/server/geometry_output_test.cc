// Integration: a real pcnv-server on the sample region writes every geometry of a reply as the
// request's options.geometry_output asks: RFC 7946 GeoJSON in WGS84 from Validate (opened by
// GDAL, and within 1 m of the default reply's EPSG:27700 WKB once OGR brings it back),
// ValidateStream's results, ValidateChange and ComputeCatchments, and a CRS it does not offer
// refused naming the field. West Sussex's real region: west_sussex_server_test.cc.
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
