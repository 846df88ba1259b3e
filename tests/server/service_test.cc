// The service in-process: status codes through the funnel, provenance from the front door, and
// the same report as calling the engine directly.
#include "server/service.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_context.h>

#include <memory>

#include "geo/io/versions.h"
#include "geo/validate.h"
#include "gtest/gtest.h"
#include "report/report_json.h"
#include "tests/server/server_harness.h"
#include "wire/convert.h"

namespace pcnv::server {
namespace {

// Validate through an in-process gRPC server: the service serves it on the callback API, which
// only a server drives.
grpc::Status Call(BoundaryValidatorService& service, const v1::ValidateRequest& request,
                  v1::ValidateResponse* response) {
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  std::unique_ptr<v1::BoundaryValidator::Stub> stub =
      v1::BoundaryValidator::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
  grpc::ClientContext context;
  const grpc::Status status = stub->Validate(&context, request, response);
  server->Shutdown();
  return status;
}

TEST(Service, WithoutReferenceIsFailedPrecondition) {
  BoundaryValidatorService service("pcnv test");
  v1::ValidateResponse response;
  const grpc::Status status =
      Call(service, wire::MakeRequest(testing::TinyInput(), ValidationOptions()), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("not loaded"), std::string::npos);
}

TEST(Service, BadRequestIsInvalidArgumentNamingTheField) {
  BoundaryValidatorService service("pcnv test");
  service.SetReference(testing::MakeTinyReference("tiny.gpkg"));
  v1::ValidateRequest request = wire::MakeRequest(testing::TinyInput(), ValidationOptions());
  request.mutable_distribution()->mutable_rows(2)->set_patients(-4);
  v1::ValidateResponse response;
  const grpc::Status status = Call(service, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "distribution.rows[2].patients: -4 is negative (source row 3)");
}

TEST(Service, ReportMatchesTheEngineInProcess) {
  std::shared_ptr<const ReferenceData> reference = testing::MakeTinyReference("tiny.gpkg");
  BoundaryValidatorService service("pcnv test");
  service.SetReference(reference);
  const ValidationInput input = testing::TinyInput();
  v1::ValidateResponse response;
  const grpc::Status status =
      Call(service, wire::MakeRequest(input, ValidationOptions()), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  absl::StatusOr<Report> remote = wire::ReportFromProto(response.report());
  ASSERT_TRUE(remote.ok()) << remote.status();
  EXPECT_EQ(remote->provenance.tool, "pcnv test");
  EXPECT_EQ(remote->provenance.libraries, io::LibraryVersions());

  absl::StatusOr<Report> local = Validate(*reference, input, ValidationOptions());
  ASSERT_TRUE(local.ok()) << local.status();
  local->provenance.tool = "pcnv test";
  local->provenance.libraries = io::LibraryVersions();
  EXPECT_EQ(report::ReportToJson(*remote), report::ReportToJson(*local));
  ASSERT_EQ(remote->pcns.size(), local->pcns.size());
  for (size_t i = 0; i < local->pcns.size(); ++i) {  // not in the JSON, but on the wire
    EXPECT_EQ(remote->pcns[i].territory_geometry.ToWkb(),
              local->pcns[i].territory_geometry.ToWkb());
    EXPECT_EQ(remote->pcns[i].share_catchment_geometry.ToWkb(),
              local->pcns[i].share_catchment_geometry.ToWkb());
  }
  ASSERT_EQ(remote->practices.size(), local->practices.size());
  for (size_t i = 0; i < local->practices.size(); ++i) {
    EXPECT_EQ(remote->practices[i].code, local->practices[i].code);
    EXPECT_EQ(remote->practices[i].location.has_value(), local->practices[i].location.has_value());
  }
}

TEST(Service, ReloadSwapsTheSnapshotForLaterCalls) {
  BoundaryValidatorService service("pcnv test");
  service.SetReference(testing::MakeTinyReference("first.gpkg"));
  std::shared_ptr<const ReferenceData> held = service.reference();
  service.SetReference(testing::MakeTinyReference("second.gpkg"));
  // A call that took the first snapshot still holds it; new calls see the second.
  EXPECT_EQ(held->store_path(), "first.gpkg");
  EXPECT_EQ(service.reference()->store_path(), "second.gpkg");
  v1::ValidateResponse response;
  const grpc::Status status =
      Call(service, wire::MakeRequest(testing::TinyInput(), ValidationOptions()), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.report().provenance().reference_path(), "second.gpkg");
}

}  // namespace
}  // namespace pcnv::server
