// A test fixture: the generated sample region served by a real pcnv-server process (one per test
// suite), and the sample's inputs as a unary ValidateRequest.
#ifndef PCNV_TESTS_SERVER_SAMPLE_SERVER_H_
#define PCNV_TESTS_SERVER_SAMPLE_SERVER_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>

#include "gtest/gtest.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "tests/server/server_harness.h"
#include "tests/support/test_support.h"

namespace pcnv::testing {

inline constexpr char kService[] = "pcnv.v1.BoundaryValidator";

// A client context with a generous deadline (the sample validates in well under a second).
std::unique_ptr<grpc::ClientContext> Context();

class SampleServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  std::unique_ptr<v1::BoundaryValidator::Stub> Stub() {
    return v1::BoundaryValidator::NewStub(*channel_);
  }

  static TempDir* tmp_;
  static ServerProcess* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  static v1::ValidateRequest* request_;
};

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SERVER_SAMPLE_SERVER_H_
