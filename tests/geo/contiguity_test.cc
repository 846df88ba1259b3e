// AnalyseContiguity when GEOS cannot join a component's areas: the component keeps its areas
// with no geometry, and nothing downstream hands that null to GEOS. Found by the chaos run
// (docs/RELIABILITY.md): a client's deadline stopped the union of a territory's irregular areas
// mid-way, and measuring the gap from the null part to the main one killed the server (SIGSEGV
// in GEOS's prepared distance).
#include "geo/contiguity.h"

#include <memory>
#include <vector>

#include "geo/reference.h"
#include "geo/stop_token.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"

namespace pcnv {
namespace {

// A0 alone; A1 and A2 overlap, so their rings cannot be joined and GEOS's overlay unions them:
// the step a stopped token interrupts.
std::shared_ptr<const ReferenceData> TwoGroups() {
  return std::make_shared<const ReferenceData>(
      testing::AreasFromWkt({"POLYGON((0 0,1000 0,1000 1000,0 1000,0 0))",
                             "POLYGON((5000 0,6000 0,6000 1000,5000 1000,5000 0))",
                             "POLYGON((5500 0,6500 0,6500 1000,5500 1000,5500 0))"}),
      std::vector<FootprintLayer>{}, absl::flat_hash_map<std::string, PostcodeEntry>{},
      std::vector<LayerInfo>{}, "fixture", "");
}

// The analysis with every GEOS interruption point on this thread stopping at once.
ContiguityResult AnalyseStopped(const ReferenceData& ref, std::function<int64_t(int)> patients) {
  const StopToken token([] { return true; });
  const ScopedStopToken scope(&token);
  return AnalyseContiguity(ref, {0, 1, 2}, patients, ContiguityOptions{});
}

int NullComponents(const ContiguityResult& r) {
  int n = 0;
  for (const Component& c : r.components) n += c.geometry.is_null() ? 1 : 0;
  return n;
}

TEST(ContiguityStopped, AnUnjoinedPartIsNotMeasured) {
  auto ref = TwoGroups();
  // A0 has the most patients: the overlapping pair is the second component, its union stopped.
  ContiguityResult r = AnalyseStopped(*ref, [](int a) { return a == 0 ? 100 : 1; });
  ASSERT_EQ(r.components.size(), 2u);
  ASSERT_EQ(NullComponents(r), 1) << "GEOS was not interrupted: the fixture tests nothing";
  EXPECT_FALSE(r.components[0].geometry.is_null());
  EXPECT_EQ(r.components[1].areas, (std::vector<int>{1, 2}));
  EXPECT_EQ(r.components[1].gap_to_main_m, 0);
}

TEST(ContiguityStopped, AnUnjoinedMainPartIsNotPrepared) {
  auto ref = TwoGroups();
  // The overlapping pair has the most patients: the main component has no geometry.
  ContiguityResult r = AnalyseStopped(*ref, [](int a) { return a == 0 ? 1 : 100; });
  ASSERT_EQ(r.components.size(), 2u);
  ASSERT_TRUE(r.components[0].geometry.is_null())
      << "GEOS was not interrupted: the fixture tests nothing";
  EXPECT_EQ(r.components[0].areas, (std::vector<int>{1, 2}));
  EXPECT_EQ(r.components[1].gap_to_main_m, 0);
  EXPECT_TRUE(r.holes.empty());
}

TEST(ContiguityStopped, WithoutTheStopTheSameAreasAreMeasured) {
  auto ref = TwoGroups();
  ContiguityResult r =
      AnalyseContiguity(*ref, {0, 1, 2}, [](int a) { return a == 0 ? 100 : 1; }, {});
  ASSERT_EQ(r.components.size(), 2u);
  EXPECT_EQ(NullComponents(r), 0);
  EXPECT_DOUBLE_EQ(r.components[1].gap_to_main_m, 4000);
}

}  // namespace
}  // namespace pcnv
