#include "tests/server/sample_server.h"

#include <signal.h>

#include <chrono>
#include <filesystem>

#include "geo/io/readers.h"
#include "wire/convert.h"

namespace pcnv::testing {

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  return context;
}

TempDir* SampleServer::tmp_ = nullptr;
ServerProcess* SampleServer::server_ = nullptr;
std::shared_ptr<grpc::Channel>* SampleServer::channel_ = nullptr;
v1::ValidateRequest* SampleServer::request_ = nullptr;

void SampleServer::SetUpTestSuite() {
  const std::string sample = SampleDir();
  ASSERT_TRUE(std::filesystem::exists(sample + "/areas.geojson")) << "no sample in " << sample;
  tmp_ = new TempDir;
  const std::string reference = tmp_->File("ref.gpkg");
  std::vector<std::string> build = {PCNV_CLI, "reference", "build", "--out", reference};
  for (const std::string& flag : pcnv::testing::SampleLayerFlags()) build.push_back(flag);
  const CommandResult built = pcnv::testing::Run(build);
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;

  ValidationInput input;
  auto memberships = io::ReadPracticeMap(sample + "/gp-reg-pat-prac-map.csv");
  auto list_sizes = io::ReadListSizes(sample + "/gp-reg-pat-prac-all.csv");
  auto distribution = io::ReadDistribution(sample + "/gp-reg-pat-prac-lsoa-all.csv");
  ASSERT_TRUE(memberships.ok() && list_sizes.ok() && distribution.ok());
  input.memberships = *memberships;
  input.list_sizes = *list_sizes;
  input.distribution = *distribution;
  request_ = new v1::ValidateRequest(wire::MakeRequest(input, ValidationOptions{}));

  server_ = new ServerProcess({"--reference", reference, "--port", "0"});
  ASSERT_GT(server_->WaitForPort(), 0) << server_->Stderr();
  channel_ = new std::shared_ptr<grpc::Channel>(Connect(server_->target()));
  ASSERT_TRUE(WaitUntilServing(*channel_, kService)) << server_->Stderr();
}

void SampleServer::TearDownTestSuite() {
  delete channel_;
  StopAndDelete(server_);
  delete request_;
  delete tmp_;
}

}  // namespace pcnv::testing
