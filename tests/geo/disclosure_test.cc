// Small-number disclosure control (geo/disclosure.h): the wording, one finding's values and
// message, and the share table of ComputeCatchments against the subtraction attacker.
#include "geo/disclosure.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "geo/catchments_api.h"
#include "gtest/gtest.h"
#include "tests/geo/geo_fixtures.h"
#include "tests/support/subtraction_attack.h"

namespace pcnv {
namespace {

const DisclosurePolicy kNhs;  // <5
const DisclosurePolicy kOff{.suppress_below = 0};

TEST(PatientsPhraseTest, SaysFewerThanInsteadOfASmallCount) {
  EXPECT_EQ(PatientsPhrase(0, kNhs), "0 patients");
  EXPECT_EQ(PatientsPhrase(1, kNhs), "fewer than 5 patients");
  EXPECT_EQ(PatientsPhrase(4, kNhs), "fewer than 5 patients");
  EXPECT_EQ(PatientsPhrase(5, kNhs), "5 patients");
  EXPECT_EQ(PatientsPhrase(24100, kNhs), "24,100 patients");
  EXPECT_EQ(PatientsPhrase(1, kOff), "1 patient");
  EXPECT_EQ(PatientsPhrase(9, DisclosurePolicy{.suppress_below = 10}), "fewer than 10 patients");
  EXPECT_EQ(DisclosurePolicy{.suppress_below = 10}.SuppressedText(), "<10");
}

TEST(ProtectLineTest, AddsTheSmallestPublishedCellWhenOneCellHides) {
  DisclosureCell a{3, true}, b{40, false}, c{12, false}, zero{0, false};
  std::vector<DisclosureCell*> line{&a, &b, &c, &zero};
  EXPECT_TRUE(ProtectLine(line));
  EXPECT_TRUE(c.suppressed);  // 12 < 40; zero discloses no one and hides nothing
  EXPECT_FALSE(b.suppressed);
  EXPECT_FALSE(ProtectLine(line));  // two unknowns summing to 15: safe
}

TEST(ProtectLineTest, UnknownsThatCanOnlyAllBeOneAreNotEnough) {
  DisclosureCell a{1, true}, b{1, true}, c{80, false};
  std::vector<DisclosureCell*> line{&a, &b, &c};
  EXPECT_TRUE(ProtectLine(line));
  EXPECT_TRUE(c.suppressed);
}

Finding Dat001() {
  Finding f;
  f.rule = "DAT001";
  f.message =
      "43 distribution rows (43 patients) cannot be placed in any area: 3 with unknown area "
      "codes (fewer than 5 patients), 40 with unknown postcodes (40 patients).";
  f.values = {{"rows", int64_t{43}},
              {"patients", int64_t{43}},
              {"unknown_area_code_patients", int64_t{3}},
              {"unknown_postcode_patients", int64_t{40}}};
  return f;
}

TEST(SuppressFindingTest, SmallCountAndTheCountThatWouldGiveItAway) {
  Finding f = Dat001();
  SuppressFinding(f, kNhs);
  EXPECT_EQ(std::get<std::string>(f.values.at("unknown_area_code_patients")), "<5");
  // 43 - 40 would give the 3 back, so the 40 goes too, from the values and the message.
  EXPECT_EQ(std::get<std::string>(f.values.at("unknown_postcode_patients")), "withheld");
  EXPECT_EQ(std::get<int64_t>(f.values.at("patients")), 43);
  EXPECT_EQ(f.message,
            "43 distribution rows (43 patients) cannot be placed in any area: 3 with unknown area "
            "codes (fewer than 5 patients), withheld with unknown postcodes (withheld patients).");
  EXPECT_EQ(std::get<int64_t>(f.values.at("rows")), 43);  // rows are not patients
  const Finding once = f;
  SuppressFinding(f, kNhs);  // idempotent: the engine applies it to streamed copies as well
  EXPECT_EQ(f.values, once.values);
  EXPECT_EQ(f.message, once.message);
}

TEST(SuppressFindingTest, ListSizeDifferenceAndShareGoWithASmallListSize) {
  Finding f;
  f.rule = "POP003";
  f.message = "declares a list size of 3 but its distribution rows total 1,203 (+1,200, 40000.0%)";
  f.values = {{"list_size", int64_t{3}},
              {"distribution_total", int64_t{1203}},
              {"difference", int64_t{1200}},
              {"relative_difference", 400.0},
              {"tolerance", 0.01}};
  SuppressFinding(f, kNhs);
  EXPECT_EQ(std::get<std::string>(f.values.at("list_size")), "<5");
  EXPECT_EQ(std::get<std::string>(f.values.at("difference")), "withheld");
  EXPECT_EQ(std::get<std::string>(f.values.at("relative_difference")), "withheld");
  EXPECT_EQ(std::get<int64_t>(f.values.at("distribution_total")), 1203);
  EXPECT_DOUBLE_EQ(std::get<double>(f.values.at("tolerance")), 0.01);
  // "1,200" goes; "1,203" is another number and stays.
  EXPECT_EQ(f.message,
            "declares a list size of 3 but its distribution rows total 1,203 (+withheld, "
            "40000.0%)");
}

TEST(SuppressFindingTest, AMessageThatStillStatesASmallCountIsReworded) {
  Finding f;
  f.message = "a part of 1 area holding 3 patients; 1 patient elsewhere; 13 patients, 3 areas";
  f.values = {{"patients", int64_t{3}}, {"other_patients", int64_t{1}}};
  SuppressFinding(f, kNhs);
  EXPECT_EQ(f.message,
            "a part of 1 area holding fewer than 5 patients; fewer than 5 patients elsewhere; 13 "
            "patients, 3 areas");
}

TEST(SuppressFindingTest, NothingSmallNothingChanges) {
  Finding f = Dat001();
  f.values["unknown_area_code_patients"] = int64_t{5};
  const Finding before = f;
  SuppressFinding(f, kNhs);
  EXPECT_EQ(f.values, before.values);
  Finding g = Dat001();
  SuppressFinding(g, kOff);
  EXPECT_EQ(g.values, Dat001().values);
}

// A random table with many small cells: n(k,a) for 6 PCNs and the outside group over 30 areas.
struct RandomTable {
  ValidationInput input;
  std::vector<testing::AreaSpec> areas;
};

RandomTable MakeRandomTable(unsigned seed) {
  std::mt19937 rng(seed);
  RandomTable t;
  for (int a = 0; a < 30; ++a) t.areas.push_back({absl::StrCat("E0100", 1000 + a), a % 6, a / 6});
  for (int k = 0; k < 6; ++k) {
    for (int p = 0; p < 2; ++p) {
      t.input.memberships.push_back(
          {.practice_code = absl::StrCat("P", k, p), .pcn_code = absl::StrCat("U1000", k)});
    }
  }
  t.input.memberships.push_back({.practice_code = "Q1", .pcn_code = "U"});  // outside
  Distribution d{.level = DistributionLevel::kArea};
  std::uniform_int_distribution<int> pick_area(0, 29), size(0, 9), kind(0, 2);
  int row = 1;
  for (const Membership& m : t.input.memberships) {
    for (int i = 0; i < 8; ++i) {
      // A third small (1-4), the rest 5-400.
      const int64_t n = kind(rng) == 0 ? 1 + size(rng) % 4 : 5 + size(rng) * 44;
      d.rows.push_back({m.practice_code, t.areas[pick_area(rng)].code, n, row++});
    }
  }
  t.input.distribution = d;
  return t;
}

// What ComputeCatchments publishes, as the attacker's table: each PCN's cells, the outside
// group's (assumed known: the cautious case), N(a) where published and each PCN's population.
std::set<int> AttackCatchments(const CatchmentSet& set, int area_count, const Distribution& d,
                               const ValidationInput& in, bool primary_only,
                               const DisclosurePolicy& policy, int* small_cells) {
  std::vector<testing::AttackCell> cells;
  std::vector<std::vector<int>> column(area_count);
  std::vector<bool> column_total(area_count, true);
  std::vector<testing::AttackLine> lines;
  *small_cells = 0;
  for (int k = 0; k < set.pcn_count(); ++k) {
    testing::AttackLine row;
    for (const AreaShareRow& r : set.Get(k).areas) {
      const bool hidden = primary_only ? policy.IsSmall(r.patients) : r.patients_suppressed;
      *small_cells += policy.IsSmall(r.patients);
      row.cells.push_back(static_cast<int>(cells.size()));
      column[r.area].push_back(static_cast<int>(cells.size()));
      cells.push_back({r.patients, !hidden});
      if (r.total_suppressed && !primary_only) column_total[r.area] = false;
    }
    lines.push_back(row);
  }
  std::map<std::string, int> area_index;
  for (int a = 0; a < area_count; ++a) area_index[absl::StrCat("E0100", 1000 + a)] = a;
  std::vector<int64_t> outside(area_count, 0);
  for (const DistributionRow& r : d.rows) {
    if (r.practice_code == "Q1") outside[area_index.at(r.place)] += r.patients;
  }
  for (int a = 0; a < area_count; ++a) {
    if (!column_total[a] || column[a].empty()) continue;
    testing::AttackLine col{column[a]};
    col.cells.push_back(static_cast<int>(cells.size()));
    cells.push_back({outside[a], true});
    lines.push_back(col);
  }
  (void)in;
  std::set<int> small_recovered;
  for (int c : testing::RecoveredBySubtraction(cells, lines)) {
    if (policy.IsSmall(cells[c].truth)) small_recovered.insert(c);
  }
  return small_recovered;
}

TEST(CatchmentDisclosureTest, NoSubtractionRecoversASmallCount) {
  int attacks_that_beat_primary_only = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    const RandomTable t = MakeRandomTable(seed);
    auto ref = testing::MakeReference(t.areas);
    absl::StatusOr<CatchmentSet> set = CatchmentSet::Build(*ref, t.input, 0.05, kNhs);
    ASSERT_TRUE(set.ok()) << set.status();
    int small = 0;
    const std::set<int> recovered =
        AttackCatchments(*set, 30, *t.input.distribution, t.input, false, kNhs, &small);
    EXPECT_GT(small, 0) << "seed " << seed << ": the table must have small cells to protect";
    EXPECT_TRUE(recovered.empty())
        << "seed " << seed << ": " << recovered.size() << " small counts recovered by subtraction";
    // The same attack on primary suppression alone: the attacker must win somewhere, or this
    // test could not fail.
    attacks_that_beat_primary_only +=
        !AttackCatchments(*set, 30, *t.input.distribution, t.input, true, kNhs, &small).empty();
    // Every suppressed cell's share is withheld, and so is every share in a column whose
    // total is withheld.
    for (int k = 0; k < set->pcn_count(); ++k) {
      for (const AreaShareRow& r : set->Get(k).areas) {
        if (r.patients_suppressed || r.total_suppressed) EXPECT_TRUE(r.share_withheld);
        if (kNhs.IsSmall(r.patients)) EXPECT_TRUE(r.patients_suppressed);
      }
    }
  }
  EXPECT_GT(attacks_that_beat_primary_only, 10);
}

TEST(CatchmentDisclosureTest, UnsuppressedPublishesEverything) {
  const RandomTable t = MakeRandomTable(7);
  auto ref = testing::MakeReference(t.areas);
  absl::StatusOr<CatchmentSet> set = CatchmentSet::Build(*ref, t.input, 0.05, kOff);
  ASSERT_TRUE(set.ok());
  for (int k = 0; k < set->pcn_count(); ++k) {
    for (const AreaShareRow& r : set->Get(k).areas) {
      EXPECT_FALSE(r.patients_suppressed || r.total_suppressed || r.share_withheld);
    }
  }
}

}  // namespace
}  // namespace pcnv
