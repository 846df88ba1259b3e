// Issue 4 acceptance: ValidateStream on the national inputs (the January 2022 practice map, the
// January 2021 list sizes, the ../shared/data boundaries: ICB 2022, CCG 2021, STP 2021, local
// authorities 2024, NSPL postcodes) against a real pcnv-server. The stream must carry progress
// while receiving, one result per PCN while validating (each the PCN and its findings exactly as
// the report has them), and end with a summary whose report is byte-identical (as JSON) to the
// one `pcnv validate` writes in-process from the same files.
#include <grpcpp/client_context.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>

#include "geo/io/readers.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "report/report_json.h"
#include "tests/server/server_harness.h"
#include "tests/support/test_support.h"
#include "wire/convert.h"

namespace pcnv::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

std::string JsonOf(const v1::Report& report) {
  absl::StatusOr<Report> domain = wire::ReportFromProto(report);
  EXPECT_TRUE(domain.ok()) << domain.status();
  return domain.ok() ? report::ReportToJson(*domain) : "";
}

// The inputs as `pcnv validate` reads them, with the same provenance (path, SHA-256, records).
absl::StatusOr<ValidationInput> ReadLikeTheCli(const std::string& map, const std::string& sizes) {
  ValidationInput input;
  auto memberships = io::ReadPracticeMap(map);
  if (!memberships.ok()) return memberships.status();
  auto list_sizes = io::ReadListSizes(sizes);
  if (!list_sizes.ok()) return list_sizes.status();
  input.memberships = std::move(*memberships);
  input.list_sizes = std::move(*list_sizes);
  for (const auto& [role, path, records] :
       {std::tuple{"practices", map, input.memberships.size()},
        std::tuple{"list_sizes", sizes, input.list_sizes->size()}}) {
    auto sha = io::Sha256OfPath(path);
    if (!sha.ok()) return sha.status();
    input.sources.push_back({role, path, *sha, static_cast<int64_t>(records)});
  }
  return input;
}

TEST(NationalStream, SummaryEqualsTheCliReportAndResultsStreamAsPcnsFinish) {
  const std::string data = SharedData();
  if (data.empty()) GTEST_SKIP() << "../shared/data is absent: national stream test skipped";
  const std::string ons = data + "/ons/";
  const std::string map = data + "/nhsd/gp-reg-pat-prac-map_2022-01.csv";
  const std::string sizes = data + "/nhsd/gp-reg-pat-prac-all_2021-01.csv";
  TempDir tmp;
  const std::string store = tmp.File("england.gpkg");
  // clang-format off
  const CommandResult built = pcnv::testing::Run({PCNV_CLI, "reference", "build", "--out", store,
      "--footprint", "icb=" + ons + "icb22.shp:ICB22CD",
      "--footprint", "sub-icb=" + ons + "boundaries_ccg21.geojson:ccg21_code",
      "--footprint", "stp=" + ons + "boundaries_stp21.geojson:stp21_code",
      "--footprint", "community=" + ons + "boundaries_ltla24.geojson:ltla24_code",
      "--postcodes", data + "/postcodes/nspl_2025-05"});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  const std::string cli_json = tmp.File("cli.json");
  const CommandResult cli = pcnv::testing::Run({PCNV_CLI, "validate", "--reference", store,
      "--practices", map, "--list-sizes", sizes, "--out", cli_json});
  // clang-format on
  ASSERT_TRUE(cli.exit_code == 0 || cli.exit_code == 1) << cli.out << cli.err;  // 1: FAIL verdict

  absl::StatusOr<ValidationInput> input = ReadLikeTheCli(map, sizes);
  ASSERT_TRUE(input.ok()) << input.status();
  const v1::ValidateRequest request = wire::MakeRequest(*input, ValidationOptions{});

  ServerProcess server({"--reference", store, "--port", "0"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  auto channel = Connect(server.target());
  ASSERT_TRUE(WaitUntilServing(channel, "pcnv.v1.BoundaryValidator")) << server.Stderr();
  auto stub = v1::BoundaryValidator::NewStub(channel);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
  auto stream = stub->ValidateStream(&context);
  int chunks = 0;
  auto write = [&](const v1::ValidateStreamRequest& chunk) {
    ASSERT_TRUE(stream->Write(chunk));
    ++chunks;
  };
  constexpr int kRows = 1000;  // rows per chunk, as a portal would upload them
  for (int start = 0; start < request.memberships_size(); start += kRows) {
    v1::ValidateStreamRequest chunk;
    for (int i = start; i < std::min(request.memberships_size(), start + kRows); ++i) {
      *chunk.mutable_memberships()->add_rows() = request.memberships(i);
    }
    write(chunk);
  }
  const v1::ListSizes& ls = request.list_sizes();
  for (int start = 0; start < ls.rows_size(); start += kRows) {
    v1::ValidateStreamRequest chunk;
    for (int i = start; i < std::min(ls.rows_size(), start + kRows); ++i) {
      *chunk.mutable_list_sizes()->add_rows() = ls.rows(i);
    }
    write(chunk);
  }
  {
    v1::ValidateStreamRequest chunk;
    for (const v1::SourceFile& s : request.sources()) *chunk.mutable_sources()->add_files() = s;
    write(chunk);
  }
  ASSERT_TRUE(stream->WritesDone());

  std::vector<v1::ValidateStreamResponse> events;
  v1::ValidateStreamResponse event;
  while (stream->Read(&event)) events.push_back(event);
  const grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << server.Stderr();
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_summary());
  const v1::Report& summary = events.back().summary().report();

  // The summary is the CLI's report, byte for byte.
  EXPECT_EQ(JsonOf(summary), ReadFile(cli_json));

  // Progress while receiving (one per chunk), then results between "validate 0/1" and "1/1".
  int receive = 0, results = 0;
  int validate_started = -1, validate_done = -1;
  std::map<std::string, const v1::PcnResult*> result_of;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const v1::ValidateStreamResponse& e = events[i];
    if (e.has_progress()) {
      const v1::Progress& p = e.progress();
      if (p.stage() == "receive") ++receive;
      if (p.stage() == "validate" && p.done() == 0) validate_started = static_cast<int>(i);
      if (p.stage() == "validate" && p.done() == 1) validate_done = static_cast<int>(i);
      if (p.stage() == "results") {
        EXPECT_EQ(p.done(), ++results);
        EXPECT_EQ(p.total(), summary.pcns_size());
      }
      continue;
    }
    ASSERT_TRUE(e.has_pcn_result()) << "event " << i;
    EXPECT_GT(validate_started, -1) << "a result before validation started";
    EXPECT_EQ(validate_done, -1) << "a result after validation ended";
    EXPECT_TRUE(result_of.emplace(e.pcn_result().pcn().code(), &e.pcn_result()).second)
        << "two results for " << e.pcn_result().pcn().code();
  }
  EXPECT_EQ(receive, chunks);
  EXPECT_GT(validate_done, validate_started);

  // One result per PCN, each equal to the report's PCN and its findings, in report order.
  ASSERT_EQ(static_cast<int>(result_of.size()), summary.pcns_size());
  EXPECT_GT(summary.pcns_size(), 1200);
  std::map<std::string, std::vector<const v1::Finding*>> findings_of;
  for (const v1::Finding& f : summary.findings()) {
    if (!f.pcn().empty()) findings_of[f.pcn()].push_back(&f);
  }
  int checked_findings = 0;
  for (const v1::Pcn& pcn : summary.pcns()) {
    auto it = result_of.find(pcn.code());
    ASSERT_NE(it, result_of.end()) << "no result for " << pcn.code();
    EXPECT_TRUE(MessageDifferencer::Equals(it->second->pcn(), pcn)) << pcn.code();
    const std::vector<const v1::Finding*>& want = findings_of[pcn.code()];
    ASSERT_EQ(it->second->findings_size(), static_cast<int>(want.size())) << pcn.code();
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_TRUE(MessageDifferencer::Equals(it->second->findings(static_cast<int>(i)), *want[i]))
          << pcn.code() << " finding " << i;
      ++checked_findings;
    }
  }
  std::cout << "[national stream] " << chunks << " chunks, " << events.size() << " events, "
            << result_of.size() << " PCN results with " << checked_findings << " findings; "
            << summary.findings_size() << " findings in the summary\n";
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
}

}  // namespace
}  // namespace pcnv::testing
