// TokenTable::Reload (SIGHUP in pcnv-server): a good file replaces the tokens at once, a missing
// or malformed one leaves them as they were and says why without a token, and lookups running
// on other threads during reloads always see one whole table, never a mix or a freed one.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/auth.h"
#include "tests/support/test_support.h"

namespace pcnv::server {
namespace {

using testing::TempDir;
using testing::WriteFile;

constexpr char kTokenA[] = "token-a-0123456789abcdef";
constexpr char kTokenB[] = "token-b-fedcba9876543210";

std::string Bearer(const char* token) { return std::string("Bearer ") + token; }

TEST(TokenTableReload, SwapsOnSuccessAndKeepsTheOldTableOnFailure) {
  TempDir dir;
  const std::string path = dir.File("tokens");
  WriteFile(path, absl::StrCat("read portal ", kTokenA, "\n"));
  absl::StatusOr<TokenTable> loaded = TokenTable::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  TokenTable table = *std::move(loaded);
  EXPECT_TRUE(table.Authenticate(Bearer(kTokenA)).ok());

  WriteFile(path, absl::StrCat("admin ops ", kTokenB, "\nread portal2 ", kTokenA, "\n"));
  ASSERT_TRUE(table.Reload(path).ok());
  EXPECT_EQ(table.size(), 2u);
  absl::StatusOr<Principal> b = table.Authenticate(Bearer(kTokenB));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->name, "ops");
  EXPECT_EQ(b->role, Role::kAdmin);
  EXPECT_EQ(table.Authenticate(Bearer(kTokenA))->name, "portal2");

  // The second line is bad: nothing of the file is taken, not even its good first line.
  WriteFile(path, absl::StrCat("read new ", kTokenA, "\nread x ", kTokenB, " extra\n"));
  absl::Status failed = table.Reload(path);
  EXPECT_EQ(failed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(failed.message(), path + ":2: expected `ROLE NAME TOKEN`");
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.Authenticate(Bearer(kTokenA))->name, "portal2");
  EXPECT_EQ(table.Authenticate(Bearer(kTokenB))->name, "ops");

  WriteFile(path, "# all tokens revoked\n");
  EXPECT_FALSE(table.Reload(path).ok());  // an empty table is refused, not installed
  EXPECT_TRUE(table.Authenticate(Bearer(kTokenB)).ok());

  failed = table.Reload(dir.File("missing"));
  EXPECT_EQ(failed.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(failed.message(), "cannot open the tokens file"));
  EXPECT_TRUE(table.Authenticate(Bearer(kTokenB)).ok());

  // Through the const pointer the service holds.
  const TokenTable* seen_by_service = &table;
  EXPECT_TRUE(Authorize(seen_by_service, Bearer(kTokenB), Role::kAdmin, "ReloadReference").ok());
}

TEST(TokenTableReload, LookupsDuringReloadsSeeOneWholeTable) {
  TempDir dir;
  // Two files: in one only A is known (as "a", read), in the other only B (as "b", admin).
  const std::string only_a = dir.File("a"), only_b = dir.File("b");
  WriteFile(only_a, absl::StrCat("read a ", kTokenA, "\n"));
  WriteFile(only_b, absl::StrCat("admin b ", kTokenB, "\n"));
  absl::StatusOr<TokenTable> loaded = TokenTable::Load(only_a);
  ASSERT_TRUE(loaded.ok());
  TokenTable table = *std::move(loaded);

  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0}, lookups{0};
  // Each lookup finds its token with exactly the principal of the file it came from, or does not
  // find it at all.
  auto check = [&](const char* token, const char* name, Role role) {
    absl::StatusOr<Principal> p = table.Authenticate(Bearer(token));
    if (p.ok() ? (p->name != name || p->role != role)
               : p.status().code() != absl::StatusCode::kUnauthenticated) {
      ++wrong;
    }
    ++lookups;
  };
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        check(kTokenA, "a", Role::kRead);
        check(kTokenB, "b", Role::kAdmin);
      }
    });
  }
  // Reload until the readers have done plenty of lookups (they may start late), ending on only_a.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int i = 0; i < 400 || (lookups < 5000 && std::chrono::steady_clock::now() < give_up); ++i) {
    ASSERT_TRUE(table.Reload(i % 2 == 0 ? only_b : only_a).ok());
  }
  ASSERT_TRUE(table.Reload(only_a).ok());
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_GE(lookups, 5000);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.Authenticate(Bearer(kTokenA)).ok());
}

}  // namespace
}  // namespace pcnv::server
