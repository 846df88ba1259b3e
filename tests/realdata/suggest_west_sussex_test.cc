// Issue 16 acceptance on a real region with declared boundaries: West Sussex 2022 (20 PCNs, their
// declared polygons, 507 LSOAs), with the synthetic distribution of west_sussex_input.h (each
// PCN's January 2022 population spread evenly over the LSOAs the county's lookup gives it, and
// over its practices). Every suggestion is then verified independently of the search: its moves
// applied to the memberships and the whole configuration validated again from scratch (every
// PCN, not the search's neighbourhood): the targeted finding is gone and no ERROR is new.
// The national run of the same check goes through the CLI: bench/suggest_verify.sh.
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "geo/engine.h"
#include "geo/io/readers.h"
#include "geo/io/reference_store.h"
#include "geo/suggest.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/realdata/realdata_util.h"
#include "tests/realdata/west_sussex_input.h"
#include "tests/support/test_support.h"

namespace pcnv::realdata {
namespace {

std::string Dir() { return WestSussexDir(); }

std::multiset<std::string> Errors(const Report& r) {
  std::multiset<std::string> out;
  for (const Finding& f : r.findings) {
    if (f.severity == Severity::kError && !f.waiver) {
      out.insert(f.rule + " " + f.pcn + " " + f.practice);
    }
  }
  return out;
}

TEST(SuggestWestSussexTest, EverySuggestionVerifiedByAFullRevalidation) {
  PCNV_REQUIRE_REAL_DATA();
  io::ReferenceSources src;
  src.areas =
      io::LayerSpec{Dir() + "/lsoa_pcn_des_west_sussex.geojson", "LSOA11CD", "LSOA11NM", ""};
  auto ref = io::BuildReference(src);
  ASSERT_TRUE(ref.ok()) << ref.status();
  std::vector<DeclaredBoundary> declared = WestSussexDeclared();
  ASSERT_EQ(declared.size(), 20u);
  std::set<std::string> pcns;
  for (const DeclaredBoundary& d : declared) pcns.insert(d.pcn_code);
  ValidationInput input = MakeWestSussexInput(pcns).input;
  input.declared = declared;
  const Engine engine(*ref);
  ValidationOptions options;
  options.other_catchment_geometry = false;
  auto base = engine.Validate(input, options);
  ASSERT_TRUE(base.ok()) << base.status();

  Stopwatch watch;
  auto result = Suggest(engine, input, options, *base, SuggestOptions{});
  ASSERT_TRUE(result.ok()) << result.status();
  const double seconds = watch.Seconds();

  std::map<std::string, int> targets, with_verified;
  std::set<std::string> verified;
  const std::multiset<std::string> before = Errors(*base);
  for (const Suggestion& s : result->suggestions) {
    auto after = engine.Validate(ApplySuggestion(input, s), options);
    ASSERT_TRUE(after.ok()) << after.status();
    bool ok = true;
    const std::multiset<std::string> now = Errors(*after);
    for (const std::string& e : now) {
      if (now.count(e) > before.count(e)) {
        ok = false;
        ADD_FAILURE() << s.id << " adds the ERROR " << e;
      }
    }
    for (const FindingKey& k : s.resolves) {
      for (const Finding& f : after->findings) {
        if (f.rule == k.rule && f.pcn == k.pcn && !f.waiver) {
          ok = false;
          ADD_FAILURE() << s.id << " leaves " << f.rule << " " << f.pcn << ": " << f.message;
        }
      }
    }
    if (ok) verified.insert(s.id);
  }
  for (const SuggestTarget& t : result->targets) {
    const std::string rule = t.finding.rule.starts_with("NEST") ? "NEST" : t.finding.rule;
    targets[rule]++;
    for (const std::string& id : t.suggestions) {
      if (verified.contains(id)) {
        with_verified[rule]++;
        break;
      }
    }
  }
  std::cout << "[west sussex suggest] " << result->targets.size() << " targeted findings, "
            << result->suggestions.size() << " suggestions, " << verified.size() << " verified; "
            << result->candidates_evaluated + result->candidates_screened << " candidates in "
            << seconds << " s\n";
  for (const auto& [rule, n] : targets) {
    std::cout << "  " << rule << ": " << n << " findings, " << with_verified[rule]
              << " with a verified suggestion\n";
  }
  EXPECT_EQ(verified.size(), result->suggestions.size());
  // The county's small PCNs (POP001) have neighbours to gain from: at least one is fixable.
  EXPECT_GT(with_verified["POP001"] + with_verified["POP002"], 0);

  // The territory screen only spares re-validations: every candidate re-validated gives the
  // same suggestions (geo/suggest_screen.h).
  SuggestOptions unscreened;
  unscreened.screen = false;
  auto all = Suggest(engine, input, options, *base, unscreened);
  ASSERT_TRUE(all.ok()) << all.status();
  std::cout << "  screen: " << result->candidates_screened << " ruled out, "
            << result->candidates_evaluated << " re-validated; without it "
            << all->candidates_evaluated << " re-validated\n";
  ASSERT_EQ(all->suggestions.size(), result->suggestions.size());
  for (size_t i = 0; i < all->suggestions.size(); ++i) {
    EXPECT_EQ(all->suggestions[i].id, result->suggestions[i].id);
    EXPECT_EQ(all->suggestions[i].added, result->suggestions[i].added);
  }
  for (size_t i = 0; i < all->targets.size() && i < result->targets.size(); ++i) {
    EXPECT_EQ(all->targets[i].suggestions, result->targets[i].suggestions);
  }
}

}  // namespace
}  // namespace pcnv::realdata
