// End to end: `pcnv validate` in-process and `pcnv validate --server` against a real pcnv-server
// (one Validate call, and the ValidateStream RPC with --stream) write byte-identical JSON reports
// and exit with the same code, on the generated sample region.
#include <signal.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "tests/server/server_harness.h"
#include "tests/support/test_support.h"

namespace pcnv::testing {
namespace {

TEST(SameReport, InProcessAndServerReportsAreIdentical) {
  const std::string sample = SampleDir();
  ASSERT_TRUE(std::filesystem::exists(sample + "/areas.geojson"))
      << "sample region missing in " << sample << " (built by the pcnv_sample target)";
  TempDir tmp;
  const std::string reference = tmp.File("ref.gpkg");

  // (a) Build the reference store with the CLI. (Flag/value pairs kept one per line.)
  std::vector<std::string> build = {PCNV_CLI, "reference", "build", "--out", reference};
  for (const std::string& flag : pcnv::testing::SampleLayerFlags()) build.push_back(flag);
  const CommandResult built = pcnv::testing::Run(build);
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;

  // (b) Serve it. The server gets the very same path string as the in-process run, because the
  // report's provenance records it.
  ServerProcess server({"--reference", reference, "--port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  ASSERT_TRUE(WaitUntilServing(Connect(server.target()), "")) << server.Stderr();

  // (c) Validate both ways.
  // clang-format off
  const std::vector<std::string> common = {
      PCNV_CLI, "validate", "--reference", reference,
      "--practices", sample + "/gp-reg-pat-prac-map.csv",
      "--list-sizes", sample + "/gp-reg-pat-prac-all.csv",
      "--distribution", sample + "/gp-reg-pat-prac-lsoa-all.csv",
      "--practice-register", sample + "/epraccur.csv"};
  // clang-format on
  std::vector<std::string> local_args = common;
  local_args.insert(local_args.end(), {"--out", tmp.File("A.json")});
  std::vector<std::string> remote_args = common;
  remote_args.insert(remote_args.end(), {"--server", server.target(), "--out", tmp.File("B.json")});
  // And streamed (ValidateStream); wire/stream_test checks the chunking of bigger inputs.
  std::vector<std::string> stream_args = common;
  stream_args.insert(stream_args.end(),
                     {"--server", server.target(), "--stream", "--out", tmp.File("C.json")});
  const CommandResult local = pcnv::testing::Run(local_args);
  const CommandResult remote = pcnv::testing::Run(remote_args);
  const CommandResult streamed = pcnv::testing::Run(stream_args);

  // (d) Same bytes, same exit code; the sample has ERROR findings, so both exit 1.
  EXPECT_EQ(local.exit_code, 1) << local.err;
  EXPECT_EQ(remote.exit_code, local.exit_code) << remote.err;
  const std::string a = ReadFile(tmp.File("A.json"));
  const std::string b = ReadFile(tmp.File("B.json"));
  ASSERT_FALSE(a.empty()) << local.err;
  EXPECT_TRUE(a == b) << "reports differ; in-process " << a.size() << " bytes, via server "
                      << b.size() << " bytes (PCNV_KEEP_TEMP=1 keeps " << tmp.path() << ")";
  EXPECT_EQ(streamed.exit_code, local.exit_code) << streamed.err;
  const std::string c = ReadFile(tmp.File("C.json"));
  EXPECT_TRUE(a == c) << "reports differ; in-process " << a.size() << " bytes, streamed "
                      << c.size() << " bytes (PCNV_KEEP_TEMP=1 keeps " << tmp.path() << ")";

  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
}

}  // namespace
}  // namespace pcnv::testing
