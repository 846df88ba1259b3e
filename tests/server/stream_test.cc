// Integration: the streaming RPCs of the real pcnv-server on the generated sample region.
// ValidateStream fed in chunks ends with the same report as the unary Validate (compared as
// JSON reports), after progress and one result per PCN; ComputeCatchments sends one message per
// PCN with a consistent, small-number-suppressed share table.
#include <grpcpp/client_context.h>
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "geo/io/readers.h"
#include "gtest/gtest.h"
#include "pcnv/v1/validator.grpc.pb.h"
#include "report/report_json.h"
#include "tests/server/sample_server.h"
#include "tests/server/server_harness.h"
#include "tests/support/subtraction_attack.h"
#include "tests/support/test_support.h"
#include "wire/convert.h"

namespace pcnv::testing {
namespace {

std::string JsonOf(const v1::Report& report) {
  absl::StatusOr<Report> domain = wire::ReportFromProto(report);
  EXPECT_TRUE(domain.ok()) << domain.status();
  return domain.ok() ? report::ReportToJson(*domain) : "";
}

TEST_F(SampleServer, ValidateStreamEndsWithTheUnaryReport) {
  auto stub = Stub();
  v1::ValidateResponse unary;
  const grpc::Status unary_status = stub->Validate(Context().get(), *request_, &unary);
  ASSERT_TRUE(unary_status.ok()) << unary_status.error_message();

  auto context = Context();
  auto stream = stub->ValidateStream(context.get());
  const v1::ValidateRequest& r = *request_;
  int chunks = 0;
  auto write = [&](const v1::ValidateStreamRequest& chunk) {
    ASSERT_TRUE(stream->Write(chunk));
    ++chunks;
  };
  {
    v1::ValidateStreamRequest options;
    *options.mutable_options() = r.options();
    write(options);
  }
  // Memberships in three chunks, list sizes in two, the distribution in chunks of 1000 rows.
  const int m = r.memberships_size();
  for (int start = 0; start < m; start += (m + 2) / 3) {
    v1::ValidateStreamRequest chunk;
    for (int i = start; i < std::min(m, start + (m + 2) / 3); ++i) {
      *chunk.mutable_memberships()->add_rows() = r.memberships(i);
    }
    write(chunk);
  }
  const int l = r.list_sizes().rows_size();
  for (int start : {0, l / 2}) {
    v1::ValidateStreamRequest chunk;
    chunk.mutable_list_sizes();
    for (int i = start; i < (start == 0 ? l / 2 : l); ++i) {
      *chunk.mutable_list_sizes()->add_rows() = r.list_sizes().rows(i);
    }
    write(chunk);
  }
  const int d = r.distribution().rows_size();
  for (int start = 0; start < d; start += 1000) {
    v1::ValidateStreamRequest chunk;
    chunk.mutable_distribution()->set_level(r.distribution().level());
    for (int i = start; i < std::min(d, start + 1000); ++i) {
      *chunk.mutable_distribution()->add_rows() = r.distribution().rows(i);
    }
    write(chunk);
  }
  {
    v1::ValidateStreamRequest end;
    end.mutable_end();
    write(end);
  }
  ASSERT_TRUE(stream->WritesDone());
  ASSERT_GT(chunks, 6);

  std::vector<v1::ValidateStreamResponse> events;
  v1::ValidateStreamResponse event;
  while (stream->Read(&event)) events.push_back(event);
  const grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << server_->Stderr();

  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_summary());
  const v1::Report& streamed = events.back().summary().report();
  EXPECT_EQ(JsonOf(streamed), JsonOf(unary.report()));

  int receive = 0, validate = 0, results = 0;
  std::vector<std::string> result_pcns;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const v1::ValidateStreamResponse& e = events[i];
    ASSERT_FALSE(e.has_summary()) << "summary before the end, at event " << i;
    if (e.has_progress()) {
      const std::string& stage = e.progress().stage();
      receive += stage == "receive";
      validate += stage == "validate";
      // Results go out while the engine runs: after "validate 0/1", before "validate 1/1".
      if (stage == "validate") EXPECT_EQ(e.progress().done(), validate == 1 ? 0 : 1);
      if (stage == "results") {
        EXPECT_EQ(validate, 1) << "a result outside the validate stage";
        ++results;
        EXPECT_EQ(e.progress().total(), streamed.pcns_size());
        EXPECT_EQ(e.progress().done(), results);
      }
    } else {
      ASSERT_TRUE(e.has_pcn_result());
      result_pcns.push_back(e.pcn_result().pcn().code());
      for (const v1::Finding& f : e.pcn_result().findings()) {
        EXPECT_EQ(f.pcn(), e.pcn_result().pcn().code());
      }
    }
  }
  EXPECT_EQ(receive, chunks);  // one per chunk, the end marker included
  EXPECT_EQ(validate, 2);
  EXPECT_EQ(results, streamed.pcns_size());
  std::vector<std::string> report_pcns;
  for (const v1::Pcn& p : streamed.pcns()) report_pcns.push_back(p.code());
  // One per PCN, in the order the PCNs finished (not necessarily the report's).
  std::sort(result_pcns.begin(), result_pcns.end());
  EXPECT_EQ(result_pcns, report_pcns);
  EXPECT_GT(report_pcns.size(), 1u);
}

TEST_F(SampleServer, ValidateStreamRefusesBadChunks) {
  auto stub = Stub();
  {  // two options chunks
    auto context = Context();
    auto stream = stub->ValidateStream(context.get());
    v1::ValidateStreamRequest options;
    options.mutable_options();
    stream->Write(options);
    stream->Write(options);
    stream->WritesDone();
    v1::ValidateStreamResponse event;
    while (stream->Read(&event)) {
    }
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("options"), std::string::npos);
  }
  {  // distribution levels that disagree
    auto context = Context();
    auto stream = stub->ValidateStream(context.get());
    v1::ValidateStreamRequest chunk;
    chunk.mutable_distribution()->set_level(v1::DISTRIBUTION_LEVEL_AREA);
    stream->Write(chunk);
    chunk.mutable_distribution()->set_level(v1::DISTRIBUTION_LEVEL_POSTCODE);
    stream->Write(chunk);
    stream->WritesDone();
    v1::ValidateStreamResponse event;
    while (stream->Read(&event)) {
    }
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("distribution.level"), std::string::npos);
  }
}

TEST_F(SampleServer, ComputeCatchmentsOneMessagePerPcnWithSuppressedTable) {
  // The sample's counts are all large: give the first practice 3 patients in an area where its
  // PCN has none, so that one cell of the table must be suppressed.
  v1::ValidateRequest input = *request_;
  const std::string practice = input.memberships(0).practice_code();
  const std::string pcn = input.memberships(0).pcn_code();
  std::set<std::string> practices_of_pcn;
  for (const v1::Membership& m : input.memberships()) {
    if (m.pcn_code() == pcn) practices_of_pcn.insert(m.practice_code());
  }
  std::set<std::string> areas_of_pcn;
  for (const v1::DistributionRow& row : input.distribution().rows()) {
    if (practices_of_pcn.count(row.practice_code())) areas_of_pcn.insert(row.place());
  }
  std::string other_area;
  for (const v1::DistributionRow& row : input.distribution().rows()) {
    if (!areas_of_pcn.count(row.place()) && row.place().rfind("E01", 0) == 0) {
      other_area = row.place();
      break;
    }
  }
  ASSERT_FALSE(other_area.empty());
  v1::DistributionRow* small = input.mutable_distribution()->add_rows();
  small->set_practice_code(practice);
  small->set_place(other_area);
  small->set_patients(3);
  small->set_row(input.distribution().rows_size());

  auto stub = Stub();
  v1::ValidateResponse unary;
  ASSERT_TRUE(stub->Validate(Context().get(), input, &unary).ok());

  v1::ComputeCatchmentsRequest request;
  *request.mutable_input() = input;
  request.set_share_threshold(0.05);
  auto context = Context();
  auto reader = stub->ComputeCatchments(context.get(), request);
  std::vector<v1::PcnCatchments> pcns;
  v1::PcnCatchments message;
  while (reader->Read(&message)) pcns.push_back(message);
  const grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();

  // The truth, for the attacker below: the same call asking for unsuppressed output.
  v1::ComputeCatchmentsRequest open_request = request;
  open_request.mutable_input()->mutable_options()->set_unsuppressed(true);
  auto open_context = Context();
  auto open_reader = stub->ComputeCatchments(open_context.get(), open_request);
  std::vector<v1::PcnCatchments> truth;
  while (open_reader->Read(&message)) truth.push_back(message);
  ASSERT_TRUE(open_reader->Finish().ok());
  ASSERT_EQ(truth.size(), pcns.size());

  ASSERT_EQ(pcns.size(), static_cast<size_t>(unary.report().pcns_size()));
  int small_cells = 0, withheld = 0, shown = 0;
  // The attacker's table: every cell, each PCN's row (its population is published), each area's
  // column where N(a) is published, with the outside group's count there taken as known.
  std::vector<testing::AttackCell> cells;
  std::vector<testing::AttackLine> lines;
  std::map<std::string, std::vector<int>> column;
  std::map<std::string, int64_t> column_rest;  // N(a) minus the PCNs' cells: the outside group
  std::set<std::string> total_withheld;
  for (size_t k = 0; k < pcns.size(); ++k) {
    const v1::PcnCatchments& c = pcns[k];
    const v1::Pcn& p = unary.report().pcns(static_cast<int>(k));
    EXPECT_EQ(c.pcn_code(), p.code());
    ASSERT_EQ(c.areas_size(), truth[k].areas_size());
    // The report's checks ran on the majority territory: the same areas.
    EXPECT_EQ(c.territory_areas(), p.territory().areas()) << c.pcn_code();
    EXPECT_EQ(c.has_territory_geometry(), c.territory_areas() > 0);
    EXPECT_EQ(c.has_share_catchment_geometry(), c.share_catchment_areas() > 0);
    if (c.has_territory_geometry()) EXPECT_EQ(c.territory_geometry().srid(), 27700);
    int in_territory = 0, in_share = 0;
    std::set<std::string> codes;
    testing::AttackLine row;
    for (int i = 0; i < c.areas_size(); ++i) {
      const v1::AreaShare& a = c.areas(i);
      const v1::AreaShare& t = truth[k].areas(i);
      ASSERT_EQ(a.area_code(), t.area_code());
      EXPECT_FALSE(t.patients_suppressed());
      const int64_t n = std::stoll(t.patients());
      EXPECT_TRUE(codes.insert(a.area_code()).second) << "area twice: " << a.area_code();
      in_territory += a.in_territory();
      in_share += a.in_share_catchment();
      if (a.area_total_suppressed()) {
        EXPECT_FALSE(a.has_area_total());
        total_withheld.insert(a.area_code());
      } else {
        EXPECT_EQ(a.area_total(), t.area_total());
      }
      if (n < 5) {
        ++small_cells;
        EXPECT_TRUE(a.patients_suppressed());
        EXPECT_EQ(a.patients(), "<5");
      } else if (a.patients_suppressed()) {
        ++withheld;
        EXPECT_EQ(a.patients(), "withheld");
      } else {
        ++shown;
        EXPECT_EQ(std::stoll(a.patients()), n);
      }
      if (a.patients_suppressed() || a.area_total_suppressed()) {
        EXPECT_FALSE(a.has_share());
      } else {
        ASSERT_TRUE(a.has_share());
        EXPECT_NEAR(a.share(), static_cast<double>(n) / a.area_total(), 1e-12);
        EXPECT_EQ(a.in_share_catchment(), a.share() >= c.share_threshold());
      }
      row.cells.push_back(static_cast<int>(cells.size()));
      column[a.area_code()].push_back(static_cast<int>(cells.size()));
      column_rest.try_emplace(a.area_code(), t.area_total());
      column_rest[a.area_code()] -= n;
      cells.push_back({n, !a.patients_suppressed()});
    }
    lines.push_back(row);
    EXPECT_EQ(in_territory, c.territory_areas());
    EXPECT_EQ(in_share, c.share_catchment_areas());
  }
  for (auto& [area, col] : column) {
    if (total_withheld.count(area)) continue;
    testing::AttackLine line{col};
    line.cells.push_back(static_cast<int>(cells.size()));
    cells.push_back({column_rest[area], true});
    lines.push_back(line);
  }
  for (int c : testing::RecoveredBySubtraction(cells, lines)) {
    if (cells[c].truth < 5) ADD_FAILURE() << "a count of " << cells[c].truth << " recovered";
  }
  EXPECT_GT(shown, 0);
  EXPECT_GE(small_cells, 1);  // the 3 patients added above, at least
  EXPECT_GE(withheld, 1);     // secondary suppression protects them

  // No distribution: INVALID_ARGUMENT naming the field.
  request.mutable_input()->clear_distribution();
  auto context2 = Context();
  auto refused = stub->ComputeCatchments(context2.get(), request);
  while (refused->Read(&message)) {
  }
  const grpc::Status no_distribution = refused->Finish();
  EXPECT_EQ(no_distribution.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(no_distribution.error_message().find("input.distribution"), std::string::npos);
}

}  // namespace
}  // namespace pcnv::testing

namespace pcnv::testing {
namespace {

TEST(ValidateStreamLimits, RunningRowTotalIsRefusedAsChunksArrive) {
  TempDir tmp;
  WriteTinyReference(tmp.File("ref.gpkg"));
  ServerProcess server({"--reference", tmp.File("ref.gpkg"), "--port", "0", "--max-rows", "10"});
  ASSERT_GT(server.WaitForPort(), 0) << server.Stderr();
  auto channel = Connect(server.target());
  ASSERT_TRUE(WaitUntilServing(channel, kService)) << server.Stderr();
  auto stub = v1::BoundaryValidator::NewStub(channel);

  auto context = Context();
  auto stream = stub->ValidateStream(context.get());
  v1::ValidateStreamRequest chunk;
  for (int i = 0; i < 6; ++i) {
    v1::Membership* m = chunk.mutable_memberships()->add_rows();
    m->set_practice_code("P" + std::to_string(i));
    m->set_pcn_code("U00001");
  }
  // 6 rows fit; 12 do not. The server refuses at the second chunk, before the stream ends.
  EXPECT_TRUE(stream->Write(chunk));
  stream->Write(chunk);
  v1::ValidateStreamResponse event;
  int summaries = 0;
  while (stream->Read(&event)) summaries += event.has_summary();
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find("--max-rows"), std::string::npos);
  EXPECT_EQ(summaries, 0);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitExit(), 0) << server.Stderr();
}

}  // namespace
}  // namespace pcnv::testing
