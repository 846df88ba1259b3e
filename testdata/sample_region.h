// The fixed description of the sample region "Sampleton" (testdata/README.md): the grid, the
// reference codes, the footprints, the PCN blocks and the practices. make_sample.cc turns these
// tables into files and plants the defects; edit the tables to reshape the region.
#ifndef PCNV_TESTDATA_SAMPLE_REGION_H_
#define PCNV_TESTDATA_SAMPLE_REGION_H_

#include <cstdint>
#include <iterator>

#include "testdata/sample_grid.h"

namespace pcnv::sample {

inline constexpr int kCols = 28;
inline constexpr int kRows = 17;
inline constexpr int64_t kCellM = 600;
inline constexpr int64_t kJitterM = 120;
inline constexpr Point kOrigin{430000, 380000};  // inland, South Yorkshire-ish; fictional
inline constexpr uint64_t kSeed = 0x5A4D504C45544F4EULL;

inline constexpr char kPublication[] = "GP_PRAC_PAT_LIST";
inline constexpr char kExtractDate[] = "01Apr2024";
inline constexpr char kIcbOds[] = "QZZ";
inline constexpr char kIcbOns[] = "E54900001";
inline constexpr char kIcbName[] = "NHS Sampleton Integrated Care Board";
inline constexpr char kRegionOns[] = "E40900001";
inline constexpr char kRegionOds[] = "Y90";
inline constexpr char kRegionName[] = "Sampleton Region";
inline constexpr char kUnknownArea[] = "E01999999";   // an LSOA code that is in no boundary layer
inline constexpr char kPlaceholderArea[] = "NO2011";  // NHS Digital's "no known LSOA"

// Half-open cell ranges [c0, c1) x [r0, r1); row 0 is the south edge. An empty range ({}) holds
// nothing.
struct CellRect {
  int c0 = 0, c1 = 0, r0 = 0, r1 = 0;
  constexpr bool Contains(int col, int row) const {
    return col >= c0 && col < c1 && row >= r0 && row < r1;
  }
};

// A footprint's cells: the union of `plus` less the union of `minus`.
struct CellSet {
  CellRect plus[2];
  CellRect minus[2];
  constexpr bool Contains(int col, int row) const {
    return (plus[0].Contains(col, row) || plus[1].Contains(col, row)) &&
           !minus[0].Contains(col, row) && !minus[1].Contains(col, row);
  }
};

struct FootprintSpec {
  const char* ods;  // ICBs and sub-ICBs
  const char* code;
  const char* name;
  CellSet cells;
};

// The strip of the east edge that belongs to the neighbouring ICB (NEST001): columns 26-27, rows
// 4-6, inside FENWICK AND MARSH's block.
inline constexpr CellRect kOtherIcbStrip{26, 28, 4, 7};
// Column 10 of the southern blocks belongs to sub-ICB 90A although RIVERSIDE's block starts there
// (NEST003); column 5 of the southern blocks to the West community team although SAMPLETON
// SOUTH's block starts there (COM001).
inline constexpr CellRect kSubIcbOverlap{10, 11, 2, 10};
inline constexpr CellRect kCommunityOverlap{5, 6, 2, 10};

inline constexpr FootprintSpec kIcbs[] = {
    {kIcbOds, kIcbOns, kIcbName, {{{0, 28, 0, 17}}, {kOtherIcbStrip}}},
    {"QZY", "E54900002", "NHS Otherfield Integrated Care Board", {{kOtherIcbStrip}, {}}},
};

// 90A/90B split along the column-10 grid line (except kSubIcbOverlap); the southern valley (rows
// 0-1) is its own sub-ICB 90C; the strip is the neighbouring ICB's 91A.
inline constexpr FootprintSpec kSubIcbs[] = {
    {"90A", "E38900001", "NHS Sampleton ICB - 90A", {{{0, 10, 2, 17}, kSubIcbOverlap}, {}}},
    {"90B",
     "E38900002",
     "NHS Sampleton ICB - 90B",
     {{{10, 28, 2, 17}}, {kSubIcbOverlap, kOtherIcbStrip}}},
    {"90C", "E38900003", "NHS Sampleton ICB - 90C", {{{0, 28, 0, 2}}, {}}},
    {"91A", "E38900004", "NHS Otherfield ICB - 91A", {{kOtherIcbStrip}, {}}},
};
inline constexpr int kOtherIcbSubIcb = 3;  // the only sub-ICB of kIcbs[1]

// Column bands on PCN block edges (except kCommunityOverlap), the valley, and the strip.
inline constexpr FootprintSpec kCommunity[] = {
    {"", "C001", "West Sampleton Community Services", {{{0, 5, 2, 17}, kCommunityOverlap}, {}}},
    {"", "C002", "Central Sampleton Community Services", {{{5, 10, 2, 17}}, {kCommunityOverlap}}},
    {"", "C003", "East Sampleton Community Services", {{{10, 28, 2, 17}}, {kOtherIcbStrip}}},
    {"", "C004", "Longdale Community Services", {{{0, 28, 0, 2}}, {}}},
    {"", "C005", "Otherfield Community Services", {{kOtherIcbStrip}, {}}},
};

// Each PCN's block is its intended majority territory before the planters reshape a few. Blocks
// tile the grid: the valley (rows 0-1) is LONGDALE's; above it four 5-column bands and an
// 8-column eastern band, split at row 10 into southern 5x8 (8x8) and northern 5x7 (8x7) blocks.
struct PcnSpec {
  const char* code;
  const char* name;
  CellRect block;
  int sub_icb;  // index into kSubIcbs: the one it is in (and declares, unless a planter says not)
};
inline constexpr PcnSpec kPcns[] = {
    {"U90001", "SAMPLETON NORTH PCN", {5, 10, 10, 17}, 0},
    {"U90002", "SAMPLETON SOUTH PCN", {5, 10, 2, 10}, 0},
    {"U90003", "WESTMOOR PCN", {0, 5, 10, 17}, 0},
    {"U90004", "BROOKVALE PCN", {0, 5, 2, 10}, 0},
    {"U90005", "EASTHOLME PCN", {10, 15, 10, 17}, 1},
    {"U90006", "RIVERSIDE PCN", {10, 15, 2, 10}, 1},
    {"U90007", "HIGH FELL PCN", {15, 20, 10, 17}, 1},
    {"U90008", "ASHCOMBE AND LEY PCN", {15, 20, 2, 10}, 1},
    {"U90009", "LONGDALE PCN", {0, 28, 0, 2}, 2},
    {"U90010", "FENWICK AND MARSH PCN", {20, 28, 2, 10}, 1},
    {"U90011", "CRAGSIDE PCN", {20, 28, 10, 17}, 1},
};
inline constexpr int kPcnCount = static_cast<int>(std::size(kPcns));

// Practices get codes Z00001... in this order. dc/dr place the practice in the cell at that
// offset inside its PCN's block; the offsets spread each network's practices over its block.
struct PracticeSpec {
  const char* name;
  int pcn;
  int64_t list_size;
  int dc, dr;
};
inline constexpr PracticeSpec kPractices[] = {
    // U90001 SAMPLETON NORTH: 40,500.
    {"NORTHGATE MEDICAL CENTRE", 0, 9400, 1, 1},
    {"CASTLE HILL SURGERY", 0, 8200, 3, 1},
    {"ST ANNES HEALTH CENTRE", 0, 7100, 1, 3},
    {"PARK ROW PRACTICE", 0, 6300, 3, 3},
    {"MILLBROOK SURGERY", 0, 5200, 1, 5},
    {"KINGSWAY HEALTH CENTRE", 0, 4300, 3, 5},
    // U90002 SAMPLETON SOUTH: 58,300 (POP002).
    {"SAMPLETON CENTRAL MEDICAL PRACTICE", 1, 12400, 1, 1},
    {"STATION ROAD SURGERY", 1, 11200, 3, 1},
    {"SOUTHFIELD HEALTH CENTRE", 1, 10300, 1, 4},
    {"THE GREEN SURGERY", 1, 9600, 3, 4},
    {"BRIDGE STREET PRACTICE", 1, 8100, 1, 6},
    {"ABBEY LANE SURGERY", 1, 6700, 3, 6},
    // U90003 WESTMOOR: 41,500.
    {"WESTMOOR HEALTH CENTRE", 2, 10400, 1, 1},
    {"MOOR LANE SURGERY", 2, 8600, 3, 1},
    {"HOLLYBANK PRACTICE", 2, 7300, 1, 3},
    {"FERNDALE SURGERY", 2, 6200, 3, 3},
    {"HEATHERSIDE MEDICAL PRACTICE", 2, 4900, 1, 5},
    {"CROSS KEYS SURGERY", 2, 4100, 3, 5},
    // U90004 BROOKVALE: 44,900 with Z00021 (MEM002), 37,500 without it.
    {"BROOKVALE MEDICAL CENTRE", 3, 10800, 1, 1},
    {"WILLOW TREE SURGERY", 3, 9700, 3, 1},
    {"ORCHARD HOUSE SURGERY", 3, 7400, 1, 4},
    {"VALLEY ROAD PRACTICE", 3, 6900, 3, 4},
    {"LINDEN GROVE SURGERY", 3, 5900, 1, 6},
    {"CHAPEL STREET SURGERY", 3, 4200, 3, 6},
    // U90005 EASTHOLME: 43,900.
    {"EASTHOLME HEALTH CENTRE", 4, 12600, 1, 1},
    {"ELM TREE SURGERY", 4, 10000, 3, 1},
    {"RECTORY ROAD SURGERY", 4, 8800, 2, 3},
    {"MEADOWBANK PRACTICE", 4, 7100, 1, 5},
    {"PRIORY FIELDS SURGERY", 4, 5400, 3, 5},  // moved into HIGH FELL's block (CON004)
    // U90006 RIVERSIDE: one super-practice of 34,600 (MEM003).
    {"RIVERSIDE MEDICAL GROUP", 5, 34600, 2, 4},
    // U90007 HIGH FELL: a rural network of 24,100 (POP001); its map rows declare 90A (NEST002).
    {"HIGH FELL SURGERY", 6, 9800, 1, 1},
    {"DALESIDE PRACTICE", 6, 8400, 3, 2},
    {"MOORTOP SURGERY", 6, 5900, 2, 5},
    // U90008 ASHCOMBE AND LEY: 46,400, and 47,900 with Z00054 (CON003, make_sample.cc).
    {"ASHCOMBE HEALTH CENTRE", 7, 11900, 1, 1},
    {"LEY BRIDGE SURGERY", 7, 9600, 3, 1},
    {"FOXHOLES PRACTICE", 7, 8700, 1, 4},
    {"CHURCH VIEW SURGERY", 7, 7300, 3, 4},
    {"WHEATLEY ROAD SURGERY", 7, 4800, 1, 6},
    {"THE CROFT PRACTICE", 7, 4100, 3, 6},
};

// Practices of the networks added with the rule pack, Z00041 on (Z00040 is the unallocated
// university practice, make_sample.cc). col/row are absolute cells: LONGDALE's five practices
// run along the valley, so its first and last are over 15 km apart (CMP002); two of FENWICK AND
// MARSH's sit in its northern fingers between CRAGSIDE's teeth (CMP001).
struct PlacedPracticeSpec {
  int number;  // Z%05d
  const char* name;
  int pcn;
  int64_t list_size;
  int col, row;
};
inline constexpr PlacedPracticeSpec kMorePractices[] = {
    // U90009 LONGDALE: 36,000.
    {41, "LONGDALE SURGERY", 8, 8600, 0, 0},
    {42, "BECKSIDE PRACTICE", 8, 7900, 7, 0},
    {43, "MILLRACE HEALTH CENTRE", 8, 7200, 14, 0},
    {44, "STONEBRIDGE SURGERY", 8, 6500, 21, 0},
    {45, "TARN END PRACTICE", 8, 5800, 27, 0},
    // U90010 FENWICK AND MARSH: 42,000.
    {46, "FENWICK MEDICAL CENTRE", 9, 10200, 25, 3},
    {47, "MARSH LANE SURGERY", 9, 9100, 25, 6},
    {48, "SALTINGS PRACTICE", 9, 8300, 21, 8},
    {49, "NORTH MARSH SURGERY", 9, 7600, 21, 12},
    {50, "HIGHMOOR ROAD SURGERY", 9, 6800, 25, 13},
    // U90011 CRAGSIDE: 33,500.
    {51, "CRAGSIDE SURGERY", 10, 12800, 22, 14},
    {52, "GILL FOOT PRACTICE", 10, 11400, 26, 12},
    {53, "SCAR TOP SURGERY", 10, 9300, 24, 16},
};

// With these defaults 1-4% of each network's spread patients live outside its intended territory
// and about 150 boundary areas fall in two networks' 5% share catchments, while every area's
// majority stays with its intended owner (make_sample.cc checks that on every run).
inline constexpr SpreadParams kSpread{
    .length_m = 1500, .outside_radius_m = 2000, .outside_divisor = 8};

}  // namespace pcnv::sample

#endif  // PCNV_TESTDATA_SAMPLE_REGION_H_
