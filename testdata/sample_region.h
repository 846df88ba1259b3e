// The fixed description of the sample region "Sampleton" (testdata/README.md): the grid, the
// reference codes, the footprints, the PCN blocks and the practices. make_sample.cc turns these
// tables into files and plants the defects; edit the tables to reshape the region.
#ifndef PCNV_TESTDATA_SAMPLE_REGION_H_
#define PCNV_TESTDATA_SAMPLE_REGION_H_

#include <cstdint>
#include <iterator>

#include "testdata/sample_grid.h"

namespace pcnv::sample {

inline constexpr int kCols = 20;
inline constexpr int kRows = 15;
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

// Half-open cell ranges [c0, c1) x [r0, r1); row 0 is the south edge.
struct CellRect {
  int c0, c1, r0, r1;
  bool Contains(int col, int row) const { return col >= c0 && col < c1 && row >= r0 && row < r1; }
};

struct FootprintSpec {
  const char* ods;  // sub-ICBs only
  const char* code;
  const char* name;
  CellRect cells;
};

// Split along the column-10 grid line, which is also a PCN block edge, so every PCN nests.
inline constexpr FootprintSpec kSubIcbs[] = {
    {"90A", "E38900001", "NHS Sampleton ICB - 90A", {0, 10, 0, 15}},
    {"90B", "E38900002", "NHS Sampleton ICB - 90B", {10, 20, 0, 15}},
};

// Column bands on PCN block edges, so no clean PCN is split between community teams.
inline constexpr FootprintSpec kCommunity[] = {
    {"", "C001", "West Sampleton Community Services", {0, 5, 0, 15}},
    {"", "C002", "Central Sampleton Community Services", {5, 10, 0, 15}},
    {"", "C003", "East Sampleton Community Services", {10, 20, 0, 15}},
};

// Each PCN's block is its intended majority territory. Blocks tile the grid: four 5-column
// bands, split at row 8 into a southern row of 5x8 blocks and a northern row of 5x7 blocks.
struct PcnSpec {
  const char* code;
  const char* name;
  CellRect block;
  int sub_icb;  // index into kSubIcbs
};
inline constexpr PcnSpec kPcns[] = {
    {"U90001", "SAMPLETON NORTH PCN", {5, 10, 8, 15}, 0},
    {"U90002", "SAMPLETON SOUTH PCN", {5, 10, 0, 8}, 0},
    {"U90003", "WESTMOOR PCN", {0, 5, 8, 15}, 0},
    {"U90004", "BROOKVALE PCN", {0, 5, 0, 8}, 0},
    {"U90005", "EASTHOLME PCN", {10, 15, 8, 15}, 1},
    {"U90006", "RIVERSIDE PCN", {10, 15, 0, 8}, 1},
    {"U90007", "HIGH FELL PCN", {15, 20, 8, 15}, 1},
    {"U90008", "ASHCOMBE AND LEY PCN", {15, 20, 0, 8}, 1},
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
    {"PRIORY FIELDS SURGERY", 4, 5400, 3, 5},
    // U90006 RIVERSIDE: one super-practice of 34,600 (MEM003).
    {"RIVERSIDE MEDICAL GROUP", 5, 34600, 2, 4},
    // U90007 HIGH FELL: a rural network of 24,100 (POP001).
    {"HIGH FELL SURGERY", 6, 9800, 1, 1},
    {"DALESIDE PRACTICE", 6, 8400, 3, 2},
    {"MOORTOP SURGERY", 6, 5900, 2, 5},
    // U90008 ASHCOMBE AND LEY: 46,400.
    {"ASHCOMBE HEALTH CENTRE", 7, 11900, 1, 1},
    {"LEY BRIDGE SURGERY", 7, 9600, 3, 1},
    {"FOXHOLES PRACTICE", 7, 8700, 1, 4},
    {"CHURCH VIEW SURGERY", 7, 7300, 3, 4},
    {"WHEATLEY ROAD SURGERY", 7, 4800, 1, 6},
    {"THE CROFT PRACTICE", 7, 4100, 3, 6},
};

// With these defaults 1-3% of each network's patients live outside its block and about 50
// boundary areas fall in two networks' 5% share catchments, while every area's majority stays
// with its block's network (make_sample.cc checks that on every run).
inline constexpr SpreadParams kSpread{
    .length_m = 1500, .outside_radius_m = 2000, .outside_divisor = 8};

}  // namespace pcnv::sample

#endif  // PCNV_TESTDATA_SAMPLE_REGION_H_
