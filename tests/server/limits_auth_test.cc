// In-process units of the production layer: WKB vertex counting, the heavy-call semaphore, the
// engine gate, the tokens file and roles, and reference snapshots swapping (or not) on reload.
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "geo/geometry.h"
#include "gtest/gtest.h"
#include "server/auth.h"
#include "server/limits.h"
#include "server/snapshots.h"
#include "tests/server/server_harness.h"

namespace pcnv::server {
namespace {

std::string Wkb(const std::string& wkt) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? g->ToWkb() : "";
}

TEST(CountWkbVertices, CountsEveryRingAndPart) {
  EXPECT_EQ(CountWkbVertices(Wkb("POINT(1 2)")), 1);
  EXPECT_EQ(CountWkbVertices(Wkb("LINESTRING(0 0,1 1,2 0)")), 3);
  EXPECT_EQ(CountWkbVertices(Wkb("POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1))")), 9);
  EXPECT_EQ(CountWkbVertices(Wkb("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 6,5 5)))")), 9);
  EXPECT_EQ(CountWkbVertices(Wkb("GEOMETRYCOLLECTION(POINT(0 0),LINESTRING(0 0,1 1))")), 3);
}

TEST(CountWkbVertices, RefusesWhatIsNotWkb) {
  const std::string square = Wkb("POLYGON((0 0,4 0,4 4,0 4,0 0))");
  EXPECT_EQ(CountWkbVertices(""), -1);
  EXPECT_EQ(CountWkbVertices("not wkb"), -1);
  EXPECT_EQ(CountWkbVertices(square.substr(0, square.size() - 1)), -1);  // truncated
  EXPECT_EQ(CountWkbVertices(square + "x"), -1);                         // trailing bytes
  // A ring count claiming billions of rings in a few bytes.
  std::string lying = square.substr(0, 5) + std::string("\xff\xff\xff\x7f", 4);
  EXPECT_EQ(CountWkbVertices(lying), -1);
}

TEST(HeavyCallSlots, RefusesPastCapacityAndReleases) {
  HeavyCallSlots slots(2);
  {
    HeavyCallSlots::Slot a = slots.TryAcquire();
    HeavyCallSlots::Slot b = slots.TryAcquire();
    HeavyCallSlots::Slot c = slots.TryAcquire();
    EXPECT_TRUE(a.ok());
    EXPECT_TRUE(b.ok());
    EXPECT_FALSE(c.ok());
    EXPECT_EQ(slots.in_use(), 2);
  }
  EXPECT_EQ(slots.in_use(), 0);
  HeavyCallSlots unlimited(0);
  HeavyCallSlots::Slot a = unlimited.TryAcquire();
  HeavyCallSlots::Slot b = unlimited.TryAcquire();
  EXPECT_TRUE(a.ok() && b.ok());
}

TEST(EngineGate, TurnsInArrivalOrderAndGivingUpLeavesTheQueue) {
  EngineGate gate(1);
  std::optional<EngineGate::Pass> first = gate.Enter(nullptr);
  ASSERT_TRUE(first.has_value());
  // Three callers queue behind the first, 30 ms apart in arrival; each records its turn.
  std::mutex mu;
  std::vector<int> order;
  std::atomic<bool> impatient_gave_up{false};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&, i] {
      std::optional<EngineGate::Pass> turn = gate.Enter(nullptr);
      ASSERT_TRUE(turn.has_value());
      const std::lock_guard<std::mutex> lock(mu);
      order.push_back(i);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // arrive in order
  }
  // An impatient caller arrives last and gives up while still queued: it leaves the queue and
  // holds nobody up.
  std::thread impatient([&] {
    const auto start = std::chrono::steady_clock::now();
    std::optional<EngineGate::Pass> turn = gate.Enter(
        [&] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(50); });
    impatient_gave_up = !turn.has_value();
  });
  impatient.join();
  EXPECT_TRUE(impatient_gave_up);
  {
    const std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(order.empty());  // nobody passes while the first holds the only turn
  }
  first.reset();
  for (std::thread& t : waiters) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));

  // Capacity 0: no waiting at all.
  EngineGate open(0);
  std::optional<EngineGate::Pass> a = open.Enter(nullptr);
  std::optional<EngineGate::Pass> b = open.Enter(nullptr);
  EXPECT_TRUE(a.has_value() && b.has_value());
}

TEST(TokenTable, RolesAndErrors) {
  absl::StatusOr<TokenTable> table = TokenTable::Parse(
      "# comment\n\nread portal 0123456789abcdef-read\n"
      "admin ops sha256:" +
          std::string("6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b") + "\n",
      "tokens");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->size(), 2u);

  absl::StatusOr<Principal> p = table->Authenticate("Bearer 0123456789abcdef-read");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "portal");
  EXPECT_EQ(p->role, Role::kRead);
  p = table->Authenticate("bearer 1");  // sha256("1") above; scheme is case-insensitive
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, Role::kAdmin);
  EXPECT_EQ(table->Authenticate("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(table->Authenticate("Bearer nope").status().code(), absl::StatusCode::kUnauthenticated);

  EXPECT_EQ(
      Authorize(&*table, "Bearer 0123456789abcdef-read", Role::kAdmin, "Reload").status().code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Authorize(&*table, "Bearer 1", Role::kAdmin, "Reload").ok());
  EXPECT_TRUE(Authorize(nullptr, "", Role::kAdmin, "Reload").ok());  // auth off

  for (const char* bad :
       {"read onlytwo\n", "root x 0123456789abcdef0\n", "read x short\n", "admin x sha256:abc\n",
        "", "# only a comment\n", "read a 0123456789abcdef0\nread b 0123456789abcdef0\n"}) {
    EXPECT_FALSE(TokenTable::Parse(bad, "tokens").ok()) << bad;
  }
}

TEST(ReferenceSnapshots, FailedLoadKeepsTheOldSnapshotAndSaysWhy) {
  int loads = 0;
  ReferenceSnapshots snapshots(
      [&](const std::string& path) -> absl::StatusOr<std::shared_ptr<const ReferenceData>> {
        ++loads;
        if (path == "bad") return absl::DataLossError("bad: not a GeoPackage");
        return testing::MakeTinyReference(path);
      });
  EXPECT_EQ(snapshots.Current(), nullptr);
  ASSERT_TRUE(snapshots.Load("good").ok());
  std::shared_ptr<const Snapshot> first = snapshots.Current();
  EXPECT_EQ(first->generation, 1);

  absl::StatusOr<std::shared_ptr<const Snapshot>> failed = snapshots.Load("bad");
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(failed.status().message(),
            "reference reload failed; still serving snapshot generation 1 (good): bad: not a "
            "GeoPackage");
  EXPECT_EQ(snapshots.Current(), first);
  ASSERT_TRUE(snapshots.LastFailure().has_value());

  // A reader holding the old snapshot keeps it alive across a successful swap.
  ASSERT_TRUE(snapshots.Load("good2").ok());
  EXPECT_EQ(snapshots.Current()->generation, 2);
  EXPECT_EQ(first->data->store_path(), "good");
  EXPECT_FALSE(snapshots.LastFailure().has_value());
  EXPECT_EQ(loads, 3);
}

}  // namespace
}  // namespace pcnv::server
