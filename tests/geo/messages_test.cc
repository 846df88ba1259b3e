// Every finding message's exact wording (geo/rules/messages.h) at its edge cases: zero, one,
// a corner contact, a share below 0.1%, a value exactly at or just past its threshold, small
// patient counts (disclosure control), empty names and a waived POP001. And the formats they
// are built from (geo/format.h). Each message function of the catalogue appears here.
#include "geo/rules/messages.h"

#include "geo/format.h"
#include "geo/waivers.h"
#include "gtest/gtest.h"

namespace pcnv {
namespace {

const DisclosurePolicy kPolicy;  // the NHS convention: 1-4 patients are "fewer than 5"
const DisclosurePolicy kOff{.suppress_below = 0};

// --- formats ---------------------------------------------------------------------------------

TEST(FormatTest, CountsTakeTheRightNumber) {
  EXPECT_EQ(Count(0, "area"), "0 areas");
  EXPECT_EQ(Count(1, "area"), "1 area");
  EXPECT_EQ(Count(2, "area"), "2 areas");
  EXPECT_EQ(Count(1, "PCN"), "1 PCN");
  EXPECT_EQ(Count(1, "practice"), "1 practice");
  EXPECT_EQ(Count(12345, "row"), "12,345 rows");
  EXPECT_EQ(Count(2, "match", "matches"), "2 matches");
}

TEST(FormatTest, SharesNeverRoundToZeroOrWhole) {
  EXPECT_EQ(Share(0), "0%");
  EXPECT_EQ(Share(0.0004), "<0.1%");
  EXPECT_EQ(Share(0.0005), "0.1%");
  EXPECT_EQ(Share(0.0423), "4.2%");
  EXPECT_EQ(Share(0.9996), ">99.9%");
  EXPECT_EQ(Share(1), "100%");
  EXPECT_EQ(ShareLimit(0.05), "5%");
  EXPECT_EQ(ShareLimit(0.025), "2.5%");
}

TEST(FormatTest, AreasInSquareMetresBelowOneHundredthOfASquareKilometre) {
  EXPECT_EQ(AreaText(0), "0 m²");
  EXPECT_EQ(AreaText(0.2), "less than 1 m²");
  EXPECT_EQ(AreaText(1), "1 m²");
  EXPECT_EQ(AreaText(2500), "2,500 m²");
  EXPECT_EQ(AreaText(9999.4), "9,999 m²");
  EXPECT_EQ(AreaText(10000), "0.010 km²");
  EXPECT_EQ(AreaText(12345), "0.012 km²");
  EXPECT_EQ(AreaText(3.456e6), "3.46 km²");
  EXPECT_EQ(AreaText(123.45e6), "123.5 km²");
  EXPECT_EQ(AreaText(12345.6e6), "12,345.6 km²");
  EXPECT_EQ(AreaLimit(100), "100 m²");
  EXPECT_EQ(AreaLimit(2.5e6), "2.5 km²");
}

TEST(FormatTest, DistancesInMetresBelowOneKilometre) {
  EXPECT_EQ(DistanceText(0), "0 m");
  EXPECT_EQ(DistanceText(0.3), "less than 1 m");
  EXPECT_EQ(DistanceText(1), "1 m");
  EXPECT_EQ(DistanceText(350.4), "350 m");
  EXPECT_EQ(DistanceText(999.4), "999 m");
  EXPECT_EQ(DistanceText(999.6), "1.0 km");
  EXPECT_EQ(DistanceText(15234), "15.2 km");
  EXPECT_EQ(DistanceText(123456), "123 km");
  EXPECT_EQ(DistanceLimit(500), "500 m");
  EXPECT_EQ(DistanceLimit(15000), "15 km");
  EXPECT_EQ(DistanceLimit(0), "0 m");
}

TEST(FormatTest, ValuesNeverReadAsTheirThreshold) {
  EXPECT_EQ(NumberAgainst(0.42, 0.6, 2), "0.42");
  EXPECT_EQ(NumberAgainst(0.5999, 0.6, 2), "0.5999");  // not "0.60, below 0.6"
  EXPECT_EQ(NumberAgainst(0.595, 0.6, 2), "0.595");
  EXPECT_EQ(NumberAgainst(0.6, 0.6, 2), "0.60");  // exactly at the threshold
  EXPECT_EQ(NumberAgainst(0.6 - 1e-12, 0.6, 2), "just below 0.6");
  EXPECT_EQ(NumberAgainst(0.6 + 1e-12, 0.6, 2), "just above 0.6");
  EXPECT_EQ(ShareAgainst(0.0501, 0.05), "5.01%");  // not "5.0%" against "allowed: 5%"
  EXPECT_EQ(ShareAgainst(0.05, 0.05), "5.0%");
  EXPECT_EQ(ShareAgainst(0.0004, 0.05), "<0.1%");
  EXPECT_EQ(ShareAgainst(0.0199, 0.02), "1.99%");
  EXPECT_EQ(ShareAgainst(0, 0.02), "0%");
  EXPECT_EQ(ShareAgainst(2.5, 0.01), "250.0%");  // a ratio above the whole, as POP003's
  EXPECT_EQ(AreaAgainst(100.3, 100), "100.3 m²");
  EXPECT_EQ(AreaAgainst(5000, 100), "5,000 m²");
  EXPECT_EQ(AreaAgainst(2.5e6, 100), "2.50 km²");
  EXPECT_EQ(DistanceAgainst(500.2, 500), "500.2 m");
  EXPECT_EQ(DistanceAgainst(15040, 15000), "15.04 km");
  EXPECT_EQ(DistanceAgainst(15600, 15000), "15.6 km");
}

TEST(FormatTest, NamesAndLists) {
  EXPECT_EQ(Named("U12345", "Downs PCN"), "U12345 Downs PCN");
  EXPECT_EQ(Named("U12345", ""), "U12345");
  EXPECT_EQ(JoinAnd({}), "");
  EXPECT_EQ(JoinAnd({"A"}), "A");
  EXPECT_EQ(JoinAnd({"A", "B"}), "A and B");
  EXPECT_EQ(JoinAnd({"A", "B", "C"}), "A, B and C");
  EXPECT_EQ(Decimal(0.6), "0.6");
  EXPECT_EQ(Decimal(30000), "30,000");
}

// --- POP ---------------------------------------------------------------------------------------

TEST(MessagesTest, PopulationBasis) {
  EXPECT_EQ(msg::PopulationBasis("list_sizes", {}), "the sum of its practices' list sizes");
  EXPECT_EQ(msg::PopulationBasis("distribution", {"A00001"}),
            "its practices' distribution totals; no count for practice A00001");
  EXPECT_EQ(msg::PopulationBasis("mixed", {"A00001", "A00002"}),
            "its practices' list sizes, or distribution totals where a list size is missing; no "
            "count for practices A00001, A00002");
  EXPECT_EQ(msg::PopulationBasis("none", {"A00001"}),
            "no list size or distribution rows for its practice A00001");
}

TEST(MessagesTest, Pop001) {
  const std::string basis = msg::PopulationBasis("list_sizes", {});
  EXPECT_EQ(msg::Pop001BelowMinimum("U1", "Downs PCN", 24100, basis, 30000, kPolicy),
            "U1 Downs PCN has a registered population of 24,100 patients (the sum of its "
            "practices' list sizes), below "
            "the minimum of 30,000. A PCN this small needs a commissioner's exception.");
  // Zero, one, a small number, an empty name.
  EXPECT_EQ(msg::Pop001BelowMinimum("U1", "", 0, basis, 30000, kPolicy),
            "U1 has a registered population of 0 patients (the sum of its practices' list sizes), "
            "below the minimum of "
            "30,000. A PCN this small needs a commissioner's exception.");
  EXPECT_EQ(msg::Pop001BelowMinimum("U1", "", 1, basis, 30000, kOff),
            "U1 has a registered population of 1 patient (the sum of its practices' list sizes), "
            "below the minimum of "
            "30,000. A PCN this small needs a commissioner's exception.");
  EXPECT_EQ(msg::Pop001BelowMinimum("U1", "", 3, basis, 30000, kPolicy),
            "U1 has a registered population of fewer than 5 patients (the sum of its practices' "
            "list sizes), below the "
            "minimum of 30,000. A PCN this small needs a commissioner's exception.");
  // One below the minimum.
  EXPECT_EQ(msg::Pop001BelowMinimum("U1", "", 29999, basis, 30000, kPolicy),
            "U1 has a registered population of 29,999 patients (the sum of its practices' list "
            "sizes), below the minimum "
            "of 30,000. A PCN this small needs a commissioner's exception.");
}

TEST(MessagesTest, Pop001Waived) {
  const std::string message = msg::Pop001BelowMinimum(
      "U1", "Downs PCN", 24100, msg::PopulationBasis("list_sizes", {}), 30000, kPolicy);
  EXPECT_EQ(msg::WaivePop001(message, {"rural", "ICB board", "2027-03-31"}),
            "U1 Downs PCN has a registered population of 24,100 patients (the sum of its "
            "practices' list sizes), below "
            "the minimum of 30,000. Waived: a commissioner's exception is recorded (approved by "
            "ICB board, until 2027-03-31).");
  EXPECT_EQ(msg::WaivePop001(message, {"rural", "", ""}),
            "U1 Downs PCN has a registered population of 24,100 patients (the sum of its "
            "practices' list sizes), below "
            "the minimum of 30,000. Waived: a commissioner's exception is recorded.");
  // A message that asks for nothing is left alone.
  EXPECT_EQ(msg::WaivePop001("something else", {"r", "a", "2027-01-01"}), "something else");

  // Through the waivers, as the engine and the release diff apply them.
  Waiver w{.rule = "POP001",
           .pcn = "U1",
           .reason = "rural",
           .approved_by = "ICB board",
           .expires = "2027-03-31"};
  const std::vector<Waiver> list{w};
  Waivers waivers(list, "2026-12-01");
  Finding f{.rule = "POP001", .severity = Severity::kError, .pcn = "U1", .message = message};
  ASSERT_TRUE(waivers.Apply(f));
  EXPECT_EQ(f.severity, Severity::kWarning);
  EXPECT_EQ(f.message.find("needs a commissioner's exception"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("Waived: a commissioner's exception is recorded"), std::string::npos);
}

TEST(MessagesTest, Pop002) {
  EXPECT_EQ(msg::Pop002AboveMaximum("U2", "Weald PCN", 50001,
                                    msg::PopulationBasis("distribution", {}), 50000, kPolicy),
            "U2 Weald PCN has a registered population of 50,001 patients (its practices' "
            "distribution totals), above the "
            "usual maximum of 50,000.");
  EXPECT_EQ(
      msg::Pop002AboveMaximum("U2", "", 4, "x", 3, kPolicy),
      "U2 has a registered population of fewer than 5 patients (x), above the usual maximum of 3.");
}

TEST(MessagesTest, Pop003) {
  EXPECT_EQ(msg::Pop003ListSizeDiffers("A00001", "High St Surgery", 3000, 3100, 100.0 / 3000, 0.01,
                                       kPolicy),
            "Practice A00001 High St Surgery declares a list size of 3,000 patients but its "
            "distribution rows total 3,100 patients (100 patients more, 3.3%), more than the 1% "
            "tolerance.");
  // Small counts on either side and in the difference; no name; just past the tolerance.
  EXPECT_EQ(msg::Pop003ListSizeDiffers("A00001", "", 3, 0, 1.0, 0.01, kPolicy),
            "Practice A00001 declares a list size of fewer than 5 patients but its distribution "
            "rows total 0 patients (fewer than 5 patients fewer, 100%), more than the 1% "
            "tolerance.");
  EXPECT_EQ(msg::Pop003ListSizeDiffers("A00001", "", 1000, 1011, 0.011, 0.01, kPolicy),
            "Practice A00001 declares a list size of 1,000 patients but its distribution rows "
            "total 1,011 patients (11 patients more, 1.1%), more than the 1% tolerance.");
  EXPECT_EQ(msg::Pop003ListSizeDiffers("A00001", "", 10000, 10101, 0.0101, 0.01, kPolicy),
            "Practice A00001 declares a list size of 10,000 patients but its distribution rows "
            "total 10,101 patients (101 patients more, 1.01%), more than the 1% tolerance.");
}

// --- MEM ---------------------------------------------------------------------------------------

TEST(MessagesTest, Mem001) {
  EXPECT_EQ(msg::Mem001NoPcn("A00001", "High St Surgery"),
            "Practice A00001 High St Surgery is not in any PCN (its PCN code is 'U', "
            "unallocated, or blank); every active practice must belong to exactly one PCN.");
  EXPECT_EQ(msg::Mem001NoPcn("A00001", ""),
            "Practice A00001 is not in any PCN (its PCN code is 'U', unallocated, or blank); "
            "every active practice must belong to exactly one PCN.");
}

TEST(MessagesTest, Mem002) {
  EXPECT_EQ(msg::Mem002ManyPcns("A00001", "", {"U1", "U2"}, {3, 9}, "U1"),
            "Practice A00001 is listed in 2 PCNs (U1, U2; rows 3, 9); a practice belongs to "
            "exactly one. Its patients are counted in U1, its first listing.");
  EXPECT_EQ(msg::Mem002ManyPcns("A00001", "High St", {"U1", "U2", "U3"}, {3}, "U1"),
            "Practice A00001 High St is listed in 3 PCNs (U1, U2, U3; row 3); a practice belongs "
            "to exactly one. Its patients are counted in U1, its first listing.");
}

TEST(MessagesTest, Mem003) {
  EXPECT_EQ(msg::Mem003SinglePractice("U1", "Downs PCN", "A00001"),
            "U1 Downs PCN has a single member practice (A00001).");
  EXPECT_EQ(msg::Mem003SinglePractice("U1", "", "A00001"),
            "U1 has a single member practice (A00001).");
}

TEST(MessagesTest, Mem004) {
  EXPECT_EQ(msg::Mem004UnlistedPractice("Z99999", 1, 3, kPolicy),
            "The distribution has 1 row (fewer than 5 patients) for practice Z99999, which is not "
            "in the practice list; its patients count in each area's total N(a) but in no PCN.");
  EXPECT_EQ(msg::Mem004UnlistedPractice("Z99999", 12, 1200, kPolicy),
            "The distribution has 12 rows (1,200 patients) for practice Z99999, which is not in "
            "the practice list; its patients count in each area's total N(a) but in no PCN.");
  EXPECT_EQ(msg::Mem004UnlistedPractice("Z99999", 2, 0, kPolicy),
            "The distribution has 2 rows (0 patients) for practice Z99999, which is not in the "
            "practice list; its patients count in each area's total N(a) but in no PCN.");
}

// --- DAT ---------------------------------------------------------------------------------------

TEST(MessagesTest, Dat001) {
  const std::string one =
      msg::Dat001Kind("postcode_outside_areas", 1, 2, {"row 7 'BN1 1AA'"}, kPolicy);
  EXPECT_EQ(one,
            "1 row with a postcode outside every area (fewer than 5 patients: row 7 'BN1 "
            "1AA')");
  const std::string many = msg::Dat001Kind("placeholder_area_code", 7, 1234,
                                           {"row 1 'NO2011'", "row 2 'NO2011'"}, kPolicy);
  EXPECT_EQ(many,
            "7 rows with placeholder area codes (1,234 patients; e.g. row 1 'NO2011', row "
            "2 'NO2011')");
  EXPECT_EQ(msg::Dat001Kind("unknown_area_code", 2, 40, {}, kPolicy),
            "2 rows with unknown area codes (40 patients)");
  EXPECT_EQ(msg::Dat001Kind("unknown_postcode", 1, 5, {"row 4 'ZZ9 9ZZ'"}, kPolicy),
            "1 row with an unknown postcode (5 patients: row 4 'ZZ9 9ZZ')");
  EXPECT_EQ(msg::Dat001Kind("postcode_outside_areas", 3, 30, {}, kPolicy),
            "3 rows with postcodes outside every area (30 patients)");  // never "areass"
  EXPECT_EQ(msg::Dat001Unresolved(1, 2, {one}, kPolicy),
            "1 distribution row (fewer than 5 patients) cannot be placed in any area: 1 row with "
            "a postcode outside every area (fewer than 5 patients: row 7 'BN1 1AA'). Its patients "
            "count in populations but not in catchments.");
  EXPECT_EQ(msg::Dat001Unresolved(8, 1236, {many, one}, kPolicy),
            "8 distribution rows (1,236 patients) cannot be placed in any area: " + many + "; " +
                one + ". Their patients count in populations but not in catchments.");
}

// --- CON ---------------------------------------------------------------------------------------

msg::DetachedPart Part(int64_t areas, int64_t patients, double share, double gap_m) {
  return {.pcn = "U1",
          .name = "Downs PCN",
          .areas = areas,
          .patients = patients,
          .share = share,
          .threshold = 0.02,
          .gap_m = gap_m,
          .tolerances = msg::ContiguityTolerances("edge", 0, 0)};
}

TEST(MessagesTest, ContiguityTolerances) {
  EXPECT_EQ(msg::ContiguityTolerances("edge", 0, 0),
            "adjacency by shared edge, bridge distance 0 m, 0 named bridges");
  EXPECT_EQ(msg::ContiguityTolerances("point", 250, 1),
            "adjacency by shared point, bridge distance 250 m, 1 named bridge");
  EXPECT_EQ(msg::ContiguityTolerances("edge", 1500, 2),
            "adjacency by shared edge, bridge distance 1.5 km, 2 named bridges");
}

TEST(MessagesTest, Con001) {
  EXPECT_EQ(msg::Con001DetachedPart(Part(3, 2400, 0.08, 2345), kPolicy),
            "U1 Downs PCN's territory is not contiguous: a part of 3 areas holding 2,400 patients "
            "(8.0% of its territory's patients, at or above the 2% threshold) lies 2.3 km from "
            "the main part (adjacency by shared edge, bridge distance 0 m, 0 named bridges).");
  // One area, a corner contact, exactly at the threshold.
  EXPECT_EQ(msg::Con001DetachedPart(Part(1, 600, 0.02, 0), kPolicy),
            "U1 Downs PCN's territory is not contiguous: a part of 1 area holding 600 patients "
            "(2.0% of its territory's patients, at or above the 2% threshold) touches the main "
            "part only at a corner (adjacency by shared edge, bridge distance 0 m, 0 named "
            "bridges).");
  // Metres below 1 km.
  msg::DetachedPart near = Part(2, 900, 0.03, 420);
  near.name = "";
  EXPECT_EQ(msg::Con001DetachedPart(near, kPolicy),
            "U1's territory is not contiguous: a part of 2 areas holding 900 patients (3.0% of its "
            "territory's patients, at or above the 2% threshold) lies 420 m from the main part "
            "(adjacency by shared edge, bridge distance 0 m, 0 named bridges).");
}

TEST(MessagesTest, Con002) {
  // Small counts, a share below 0.1%, a corner contact.
  EXPECT_EQ(msg::Con002SmallFragment(Part(1, 3, 0.0001, 0), kPolicy),
            "U1 Downs PCN has a small detached fragment: a part of 1 area holding fewer than 5 "
            "patients (<0.1% of its territory's patients, below the 2% threshold) touches the "
            "main part only at a corner (adjacency by shared edge, bridge distance 0 m, 0 named "
            "bridges).");
  // Just below the threshold: never "2.0%, below the 2% threshold".
  EXPECT_EQ(msg::Con002SmallFragment(Part(2, 199, 0.0199, 1200), kPolicy),
            "U1 Downs PCN has a small detached fragment: a part of 2 areas holding 199 patients "
            "(1.99% of its territory's patients, below the 2% threshold) lies 1.2 km from the "
            "main part (adjacency by shared edge, bridge distance 0 m, 0 named bridges).");
  // Zero patients.
  EXPECT_EQ(msg::Con002SmallFragment(Part(1, 0, 0, 10), kPolicy),
            "U1 Downs PCN has a small detached fragment: a part of 1 area holding 0 patients (0% "
            "of its territory's patients, below the 2% threshold) lies 10 m from the main part "
            "(adjacency by shared edge, bridge distance 0 m, 0 named bridges).");
}

TEST(MessagesTest, Con002Enclave) {
  EXPECT_EQ(msg::Con002Enclave("U1", "Downs PCN", 2500),
            "U1 Downs PCN's territory surrounds an enclave of 2,500 m² that belongs to another "
            "PCN or to none.");
  EXPECT_EQ(msg::Con002Enclave("U1", "", 1.25e6),
            "U1's territory surrounds an enclave of 1.25 km² that belongs to another PCN or to "
            "none.");
}

TEST(MessagesTest, Con003) {
  EXPECT_EQ(msg::Con003PracticeGroups("U1", "", {"[A00001]", "[C00001, C00002]"}, 0.1),
            "U1's member practices form 2 separate groups whose catchments (areas with at least "
            "10% of their patients) do not touch: [A00001] / [C00001, C00002].");
  EXPECT_EQ(msg::Con003PracticeGroups("U1", "Downs PCN", {"[A]", "[B]", "[C]"}, 0.025),
            "U1 Downs PCN's member practices form 3 separate groups whose catchments (areas with "
            "at least 2.5% of their patients) do not touch: [A] / [B] / [C].");
}

TEST(MessagesTest, Con004) {
  EXPECT_EQ(msg::Con004PracticeOutside("A00001", "High St", "U1", 2345, 500),
            "Practice A00001 High St is 2.3 km outside the territory of its PCN U1 (allowed: 500 "
            "m).");
  // Just past the buffer, in metres.
  EXPECT_EQ(msg::Con004PracticeOutside("A00001", "", "U1", 500.3, 500),
            "Practice A00001 is 500.3 m outside the territory of its PCN U1 (allowed: 500 m).");
}

// --- NEST / COM --------------------------------------------------------------------------------

TEST(MessagesTest, SplitBasisAndFootprintShare) {
  EXPECT_EQ(msg::SplitBasis("patients"), "of its registered patients");
  EXPECT_EQ(msg::SplitBasis("practice_locations"),
            "of its practices' list sizes (by practice location)");
  EXPECT_EQ(msg::FootprintShare("E54000002", 0.1), "E54000002 10.0%");
  EXPECT_EQ(msg::FootprintShare("E54000003", 0.0002), "E54000003 <0.1%");
}

TEST(MessagesTest, SpreadAcrossFootprints) {
  msg::Spread s{
      .pcn = "U1",
      .name = "Downs PCN",
      .kind = "ICB",
      .outside_share = 0.1,
      .max_outside = 0.05,
      .basis = "patients",
      .dominant = "E54000001",
      .dominant_name = "Sussex",
      .shares = {msg::FootprintShare("E54000001", 0.9), msg::FootprintShare("E54000002", 0.0998),
                 msg::FootprintShare("E54000003", 0.0002)}};
  EXPECT_EQ(msg::SpreadAcrossFootprints(s),
            "U1 Downs PCN crosses ICB boundaries: 10.0% of its registered patients lie outside its "
            "dominant ICB E54000001 Sussex (allowed: 5%). Shares: E54000001 90.0%, E54000002 "
            "10.0%, E54000003 <0.1%.");
  // Just past the threshold; no names; the practice-location basis.
  s.outside_share = 0.0501;
  s.name = "";
  s.dominant = "C1";
  s.dominant_name = "";
  s.kind = "community-service footprint";
  s.basis = "practice_locations";
  s.shares = {msg::FootprintShare("C1", 0.9499), msg::FootprintShare("C2", 0.0501)};
  EXPECT_EQ(msg::SpreadAcrossFootprints(s),
            "U1 crosses community-service footprint boundaries: 5.01% of its practices' list "
            "sizes (by practice location) lie outside its dominant community-service footprint "
            "C1 (allowed: 5%). Shares: C1 95.0%, C2 5.0%.");
}

TEST(MessagesTest, Nest002) {
  msg::Nest002 n{.pcn = "U1",
                 .name = "Downs PCN",
                 .declared_kind = "sub-ICB",
                 .declared = "E38000001",
                 .declared_name = "West",
                 .layer_kind = "sub-ICB",
                 .dominant = "E38000002",
                 .dominant_name = "East",
                 .dominant_share = 0.62,
                 .basis = "patients"};
  EXPECT_EQ(msg::Nest002DeclaredDiffers(n),
            "U1 Downs PCN: declared sub-ICB E38000001 (West) vs geographic sub-ICB E38000002 "
            "(East), the sub-ICB holding the largest share of its registered patients (62.0%).");
  // An STP layer is compared with the declared ICB; names may be empty.
  n.declared_kind = "ICB";
  n.layer_kind = "STP";
  n.declared = "E54000001";
  n.declared_name = "";
  n.dominant = "E54000002";
  n.dominant_name = "";
  n.name = "";
  n.dominant_share = 0.4;
  n.basis = "practice_locations";
  EXPECT_EQ(msg::Nest002DeclaredDiffers(n),
            "U1: declared ICB E54000001 vs geographic STP E54000002, the STP holding the largest "
            "share of its practices' list sizes (by practice location) (40.0%).");
}

TEST(MessagesTest, Nest002VintageMismatch) {
  EXPECT_EQ(msg::Nest002VintageMismatch("ICB", "ICB", {"E54000099"}, 1),
            "Boundary vintage mismatch: the practice mapping declares 1 ICB code that the ICB "
            "footprint layer does not hold (E54000099), so NEST002 was not checked against it for "
            "1 PCN. Use a footprint layer of the mapping's vintage.");
  EXPECT_EQ(msg::Nest002VintageMismatch("ICB", "STP", {"E54000098", "E54000099"}, 12),
            "Boundary vintage mismatch: the practice mapping declares 2 ICB codes that the STP "
            "footprint layer does not hold (E54000098, E54000099), so NEST002 was not checked "
            "against it for 12 PCNs. Use a footprint layer of the mapping's vintage.");
}

// --- OVL ---------------------------------------------------------------------------------------

TEST(MessagesTest, Ovl001) {
  EXPECT_EQ(msg::Ovl001Overlap("U1", 3, "U2", 4, 2500, 100),
            "Declared boundaries of U1 (feature 3) and U2 (feature 4) overlap by 2,500 m² "
            "(tolerance 100 m²).");  // never "0.003 km2"
  EXPECT_EQ(msg::Ovl001Overlap("U1", 0, "U2", 1, 100.4, 100),
            "Declared boundaries of U1 (feature 0) and U2 (feature 1) overlap by 100.4 m² "
            "(tolerance 100 m²).");  // just past the tolerance
  EXPECT_EQ(msg::Ovl001Overlap("U1", 3, "U2", 4, 1.5e6, 100),
            "Declared boundaries of U1 (feature 3) and U2 (feature 4) overlap by 1.50 km² "
            "(tolerance 100 m²).");
}

TEST(MessagesTest, Ovl002) {
  EXPECT_EQ(msg::Ovl002Gap(2500, 100, {"U1", "U2"}, false),
            "A gap of 2,500 m² lies between the declared boundaries of U1 and U2, inside the "
            "area they cover (tolerance 100 m²).");
  EXPECT_EQ(msg::Ovl002Gap(0.2e6, 100, {"U1", "U2", "U3"}, false),
            "A gap of 0.200 km² lies between the declared boundaries of U1, U2 and U3, inside the "
            "area they cover (tolerance 100 m²).");
  EXPECT_EQ(msg::Ovl002Gap(2500, 100, {"U1"}, true),
            "A gap of 2,500 m² is a hole inside the declared boundary of U1 (tolerance 100 m²).");
  EXPECT_EQ(msg::Ovl002Gap(2500, 100, {"U1"}, false),
            "A gap of 2,500 m² lies along the edge of the declared boundary of U1, inside the "
            "area the declared boundaries cover (tolerance 100 m²).");
  EXPECT_EQ(msg::Ovl002Gap(100.2, 100, {}, false),
            "A gap of 100.2 m² lies inside the area the declared boundaries cover but touches "
            "none of them (tolerance 100 m²).");
}

TEST(MessagesTest, Ovl003) {
  EXPECT_EQ(msg::Ovl003PoorMatch("U1", "Downs PCN", 3, 0.42, 0.6),
            "The declared boundary of U1 Downs PCN (feature 3) matches its computed territory "
            "poorly: intersection over union 0.42, below 0.6.");
  EXPECT_EQ(msg::Ovl003PoorMatch("U1", "", 3, 0.5999, 0.6),
            "The declared boundary of U1 (feature 3) matches its computed territory poorly: "
            "intersection over union 0.5999, below 0.6.");  // never "0.60, below 0.6"
  EXPECT_EQ(msg::Ovl003PoorMatch("U1", "", 0, 0, 0.6),
            "The declared boundary of U1 (feature 0) matches its computed territory poorly: "
            "intersection over union 0.00, below 0.6; the two do not overlap at all.");
}

// --- GEO ---------------------------------------------------------------------------------------

TEST(MessagesTest, Geo001) {
  EXPECT_EQ(msg::Geo001InvalidReference("areas", "lsoa.gpkg", 7, "E01000001",
                                        "Self-intersection[1 2]", true),
            "Invalid polygon in the areas layer (lsoa.gpkg feature 7, code E01000001): "
            "Self-intersection[1 2]; repaired with make-valid.");
  EXPECT_EQ(msg::Geo001InvalidReference("icb", "", 0, "", "Ring Self-intersection.", false),
            "Invalid polygon in the icb layer (feature 0): Ring Self-intersection; refused (repair "
            "is off).");
  EXPECT_EQ(msg::Geo001InvalidDeclared("U1", "declared.geojson", 2, "Too few points", true),
            "Invalid declared boundary for U1 (declared.geojson feature 2): Too few points; "
            "repaired with make-valid.");
  EXPECT_EQ(msg::Geo001InvalidDeclared("", "", 2, "", false),
            "Invalid declared boundary (feature 2): no reason given; refused (repair is off).");
}

// --- CMP ---------------------------------------------------------------------------------------

TEST(MessagesTest, Cmp001) {
  EXPECT_EQ(msg::Cmp001NotCompact("U1", "Downs PCN", 0.0456, 0.1),
            "U1 Downs PCN's catchment is not compact: Polsby-Popper score 0.046 (below 0.1).");
  EXPECT_EQ(msg::Cmp001NotCompact("U1", "", 0.09996, 0.1),
            "U1's catchment is not compact: Polsby-Popper score 0.09996 (below 0.1).");
  EXPECT_EQ(msg::Cmp001NotCompact("U1", "", 0, 0.1),
            "U1's catchment is not compact: Polsby-Popper score 0.000 (below 0.1).");
}

TEST(MessagesTest, Cmp002) {
  EXPECT_EQ(msg::Cmp002PracticesFarApart("U1", "Downs PCN", "A00001", "A00002", 18234, 15000),
            "U1 Downs PCN's member practices A00001 and A00002 are 18.2 km apart (allowed: 15 "
            "km).");
  EXPECT_EQ(msg::Cmp002PracticesFarApart("U1", "", "A00001", "A00002", 15030, 15000),
            "U1's member practices A00001 and A00002 are 15.03 km apart (allowed: 15 km).");
  EXPECT_EQ(msg::Cmp002PracticesFarApart("U1", "", "A00001", "A00002", 800.4, 750),
            "U1's member practices A00001 and A00002 are 800 m apart (allowed: 750 m).");
}

}  // namespace
}  // namespace pcnv
