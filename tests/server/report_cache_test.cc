// server/report_cache.h: reports kept for ValidateChange's base_report_id are bound to their
// owner and bounded by count, bytes and age, oldest first.
#include "server/report_cache.h"

#include "gtest/gtest.h"

namespace pcnv::server {
namespace {

std::shared_ptr<const Report> ReportWithPcns(int pcns) {
  auto r = std::make_shared<Report>();
  r->summary.pcns = pcns;
  return r;
}

TEST(ReportCache, KeepsReportsForTheirOwnerOnly) {
  ReportCache cache(ReportCacheLimits{});
  const std::string id = cache.Put("portal", ReportWithPcns(3), 100);
  ASSERT_EQ(id.size(), 34u);
  EXPECT_EQ(id.substr(0, 2), "r-");
  absl::StatusOr<std::shared_ptr<const Report>> got = cache.Get(id, "portal");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)->summary.pcns, 3);
  EXPECT_EQ(cache.Get(id, "someone-else").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(cache.Get("r-unknown", "portal").status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(cache.Put("portal", ReportWithPcns(1), 100), id);  // fresh ids
}

TEST(ReportCache, EvictsTheOldestPastTheCountOrByteLimit) {
  ReportCache by_count(ReportCacheLimits{.max_entries = 2});
  const std::string first = by_count.Put("p", ReportWithPcns(1), 10);
  const std::string second = by_count.Put("p", ReportWithPcns(2), 10);
  const std::string third = by_count.Put("p", ReportWithPcns(3), 10);
  EXPECT_EQ(by_count.size(), 2);
  EXPECT_FALSE(by_count.Get(first, "p").ok());
  EXPECT_TRUE(by_count.Get(second, "p").ok());
  EXPECT_TRUE(by_count.Get(third, "p").ok());

  ReportCache by_bytes(ReportCacheLimits{.max_entries = 10, .max_bytes = 100});
  const std::string a = by_bytes.Put("p", ReportWithPcns(1), 60);
  const std::string b = by_bytes.Put("p", ReportWithPcns(2), 40);  // exactly at the limit
  EXPECT_TRUE(by_bytes.Get(a, "p").ok());
  const std::string c = by_bytes.Put("p", ReportWithPcns(3), 1);  // pushes a out
  EXPECT_FALSE(by_bytes.Get(a, "p").ok());
  EXPECT_TRUE(by_bytes.Get(b, "p").ok());
  EXPECT_TRUE(by_bytes.Get(c, "p").ok());
  EXPECT_EQ(by_bytes.Put("p", ReportWithPcns(4), 101), "");  // too big to keep at all
  EXPECT_TRUE(by_bytes.Get(b, "p").ok());                    // and it evicted nothing
}

TEST(ReportCache, ForgetsReportsOlderThanTheTtl) {
  ReportCache cache(ReportCacheLimits{.ttl = absl::Minutes(10)});
  const absl::Time t0 = absl::FromUnixSeconds(1'000'000);
  const std::string id = cache.Put("p", ReportWithPcns(1), 10, t0);
  EXPECT_TRUE(cache.Get(id, "p", t0 + absl::Minutes(9)).ok());
  absl::Status expired = cache.Get(id, "p", t0 + absl::Minutes(10)).status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(expired.message().find("kept for 10m"), absl::string_view::npos) << expired;
  EXPECT_EQ(cache.size(), 0);
}

TEST(ReportCache, ZeroEntriesTurnsItOff) {
  ReportCache off(ReportCacheLimits{.max_entries = 0});
  EXPECT_EQ(off.Put("p", ReportWithPcns(1), 1), "");
  EXPECT_EQ(off.size(), 0);
}

}  // namespace
}  // namespace pcnv::server
