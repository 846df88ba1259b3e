// pcnv-make-sample: writes the fictional "Sampleton" region (testdata/README.md) with one planted
// defect per rule (the issue-2 rules and the rule pack) and the findings the validator must
// report for them, with the geometry each rule-pack finding carries.
//
//   pcnv-make-sample --out DIR [--verbose]   (--verbose: print each PCN's size and spill)
//
// The region is fixed by the tables in sample_region.h and one seed; the output is byte-identical
// on every run and platform. To plant another defect, write a Plant* function that edits the Sample
// and declares the findings it expects, and add it to kPlanters: the generator recomputes the
// issue-2 rules from the rows it writes and fails if they disagree with the declared findings, and
// checks every area's majority owner against the intended territories. The rule-pack findings
// are checked by running the validator on the sample (README.md).
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "testdata/sample_files.h"
#include "testdata/sample_grid.h"
#include "testdata/sample_region.h"

namespace pcnv::sample {
namespace {

// ---- The sample being built --------------------------------------------------------------------

constexpr int kUnallocated = -1;

struct Practice {
  std::string code;
  std::string name;
  int pcn = kUnallocated;  // index into kPcns (its first map row)
  int home = 0;            // the PCN territory its patients concentrate on
  int64_t list_size = 0;
  int cell = 0;
  int64_t no_lsoa = 0;             // patients written as a placeholder row (DAT001)
  int64_t unknown_area = 0;        // patients written to kUnknownArea (DAT001)
  int64_t missing = 0;             // patients left out of the distribution (POP003)
  std::vector<AreaCount> cluster;  // patients placed in these cells on top of the spread
  std::vector<int> later_pcns;     // further map rows, appended at the end of the map (MEM002)
  bool located_outside = false;    // its location is meant to be outside its territory (CON004)
  bool sex_age_rows = false;       // adds MALE/FEMALE and AGE=0 list rows that must be ignored
  bool male_rows = false;          // adds SEX=MALE distribution rows that must be ignored
  // What the practice register (epraccur.csv) says of it (MEM005, MEM006).
  char register_status = 'A';
  std::string close_date;  // YYYYMMDD, with status C
  int prescribing_setting = 4;
};

// How a rule-pack finding's expected geometry is found once every planter has run.
enum class GeometryOf {
  kNone,        // the finding carries no geometry (NEST002)
  kTerritory,   // the PCN's whole majority territory (NEST001, NEST003, COM001, CMP001)
  kCatchments,  // union of the PCN's practices' 5% share catchments (CON003)
  kDeclared,    // the PCN's declared boundary as repaired (OVL003, GEO001)
};
struct PendingGeometry {
  size_t finding;  // index into Sample::expected
  GeometryOf of;
  int pcn;
};

// A self-intersecting twist in one declared boundary (GEO001): the outline edge along the south
// side of cell (col, row), from vertex A to vertex B, is replaced by A -> B+o -> A+o -> B with
// o = (0, -depth_m): a bow-tie hanging outside the region.
struct Bowtie {
  int pcn = -1;
  int col = 0, row = 0;
  int64_t depth_m = 0;
};

struct Sample {
  explicit Sample(Grid g) : grid(std::move(g)) {}

  Grid grid;
  std::vector<PostcodeRow> postcodes;
  std::vector<int> first_postcode;  // per cell, index into postcodes
  std::vector<Practice> practices;
  std::vector<int> territory;         // intended majority owner per cell: PCN index, -1 nobody
  std::vector<int> declared_sub_icb;  // per PCN: the sub-ICB its map rows declare (NEST002)
  std::vector<std::vector<bool>> declared;  // per PCN: the cells of its declared boundary
  Bowtie bowtie;
  std::vector<DistRow> stray_rows;  // rows for practices in no list (MEM004)
  std::vector<Finding> expected;
  std::vector<PendingGeometry> pending;
};

std::string AreaCode(int cell) { return absl::StrFormat("E01%06d", 900001 + cell); }

// LSOA names are "<district> <MSOA number><letter>"; here four consecutive cells form an MSOA.
std::string AreaName(int cell) {
  return absl::StrFormat("Sampleton %03d%c", cell / 4 + 1, static_cast<char>('A' + cell % 4));
}

Practice& FindPractice(Sample& s, const std::string& code) {
  for (Practice& p : s.practices) {
    if (p.code == code) return p;
  }
  Fail(absl::StrCat("no practice ", code));
}

int FindPcn(const std::string& code) {
  for (int k = 0; k < kPcnCount; ++k) {
    if (kPcns[k].code == code) return k;
  }
  Fail(absl::StrCat("no PCN ", code));
}

int CellInBlock(const Sample& s, int pcn, int dc, int dr) {
  const CellRect& b = kPcns[pcn].block;
  if (!b.Contains(b.c0 + dc, b.r0 + dr)) Fail("practice offset outside its block");
  return s.grid.CellAt(b.c0 + dc, b.r0 + dr);
}

// Postcode districts ZZ1..ZZ8 follow the grid (4 column bands x 2 row bands); units run
// 1AA, 1AB, ... within a district, skipping the letters real inward codes never use.
std::vector<PostcodeRow> MakePostcodes(const Grid& grid, Rng& rng, std::vector<int>& first) {
  static constexpr char kUnitLetters[] = "ABDEFGHJLNPQRSTUWXYZ";  // 20 letters
  std::vector<PostcodeRow> rows;
  std::map<int, int> used;  // district -> postcodes so far
  first.assign(grid.cell_count(), -1);
  for (int cell = 0; cell < grid.cell_count(); ++cell) {
    const int district =
        1 + grid.Col(cell) * 4 / grid.cols() + 4 * (grid.Row(cell) * 2 / grid.rows());
    const int64_t count = rng.Between(3, 4);
    first[cell] = static_cast<int>(rows.size());
    for (int64_t i = 0; i < count; ++i) {
      const int n = used[district]++;
      if (n >= 900) Fail("postcode district overflow");
      rows.push_back({absl::StrFormat("ZZ%d %d%c%c", district, 1 + n / 100,
                                      kUnitLetters[n % 100 / 20], kUnitLetters[n % 20]),
                      PointInCell(grid, cell, rng), AreaCode(cell)});
    }
  }
  return rows;
}

Sample MakeBaseSample() {
  Rng rng(kSeed);
  Sample s(Grid(kCols, kRows, kCellM, kOrigin, kJitterM, rng));
  s.postcodes = MakePostcodes(s.grid, rng, s.first_postcode);
  s.territory.assign(s.grid.cell_count(), -1);
  s.declared.assign(kPcnCount, std::vector<bool>(s.grid.cell_count(), false));
  for (int cell = 0; cell < s.grid.cell_count(); ++cell) {
    for (int k = 0; k < kPcnCount; ++k) {
      if (!kPcns[k].block.Contains(s.grid.Col(cell), s.grid.Row(cell))) continue;
      if (s.territory[cell] >= 0) Fail("PCN blocks overlap");
      s.territory[cell] = k;
      s.declared[k][cell] = true;  // declared boundaries follow the blocks unless planted
    }
    if (s.territory[cell] < 0) Fail("PCN blocks do not tile the grid");
  }
  for (int k = 0; k < kPcnCount; ++k) s.declared_sub_icb.push_back(kPcns[k].sub_icb);
  for (const PracticeSpec& spec : kPractices) {
    Practice p;
    p.code = absl::StrFormat("Z%05d", s.practices.size() + 1);
    p.name = spec.name;
    p.pcn = p.home = spec.pcn;
    p.list_size = spec.list_size;
    p.cell = CellInBlock(s, spec.pcn, spec.dc, spec.dr);
    s.practices.push_back(std::move(p));
  }
  // Z00040 (MEM001) is added by its planter; the rule-pack networks' practices follow it.
  for (const PlacedPracticeSpec& spec : kMorePractices) {
    Practice p;
    p.code = absl::StrFormat("Z%05d", spec.number);
    p.name = spec.name;
    p.pcn = p.home = spec.pcn;
    p.list_size = spec.list_size;
    p.cell = s.grid.CellAt(spec.col, spec.row);
    s.practices.push_back(std::move(p));
  }
  return s;
}

// ---- Planted defects (one per issue-2 rule; numbers in testdata/README.md) ---------------------

// POP001: HIGH FELL is a rural network of three practices, 24,100 patients (kPractices).
void PlantSmallPcn(Sample& s) { s.expected.push_back({"POP001", "U90007", ""}); }

// POP002: SAMPLETON SOUTH, the town centre, has six practices and 58,300 patients (kPractices).
void PlantLargePcn(Sample& s) { s.expected.push_back({"POP002", "U90002", ""}); }

// POP003: ELM TREE SURGERY declares 10,000 patients but its distribution holds 9,600 (-4.00%).
void PlantListSizeMismatch(Sample& s) {
  Practice& p = FindPractice(s, "Z00026");
  p.missing = p.list_size * 4 / 100;
  s.expected.push_back({"POP003", kPcns[p.pcn].code, p.code});
}

// MEM001: a university health service in WESTMOOR's block that is in no PCN (code U). Its
// patients take no area from WESTMOOR except the campus it sits on (PlantEnclave, CON002).
void PlantUnallocatedPractice(Sample& s) {
  Practice p;
  p.code = "Z00040";
  p.name = "SAMPLETON UNIVERSITY HEALTH SERVICE";
  p.home = FindPcn("U90003");
  p.list_size = 4300;
  p.cell = CellInBlock(s, p.home, 2, 3);
  s.expected.push_back({"MEM001", "", p.code});
  s.practices.push_back(std::move(p));
}

// MEM002: ORCHARD HOUSE (BROOKVALE) appears again at the end of the map under SAMPLETON NORTH.
// It counts in BROOKVALE (first row). Either way no POP rule changes: BROOKVALE is 44,900 with
// it and 37,500 without; SAMPLETON NORTH is 40,500 without it and 47,900 with it.
void PlantDuplicateMembership(Sample& s) {
  Practice& p = FindPractice(s, "Z00021");
  p.later_pcns.push_back(FindPcn("U90001"));
  s.expected.push_back({"MEM002", "", p.code});
}

// MEM003: RIVERSIDE is one super-practice of 34,600 patients (kPractices), inside 30-50k.
void PlantSinglePracticePcn(Sample& s) { s.expected.push_back({"MEM003", "U90006", ""}); }

// MEM004: 300 patients of a closed practice Z99999 that is in neither the map nor the list
// sizes, in five areas of ASHCOMBE AND LEY's block (never enough to take an area).
void PlantUnknownPractice(Sample& s) {
  const struct {
    int col, row;
    int64_t patients;
  } kRows[] = {{16, 4, 84}, {17, 4, 71}, {16, 5, 62}, {17, 5, 48}, {18, 5, 35}};
  for (const auto& r : kRows) {
    s.stray_rows.push_back(
        {"Z99999", "OLD MILL SURGERY", AreaCode(s.grid.CellAt(r.col, r.row)), "ALL", r.patients});
  }
  s.expected.push_back({"MEM004", "", "Z99999"});
}

// MEM005: CHAPEL STREET SURGERY (BROOKVALE) closed on 31 March 2024, merging into BROOKVALE
// MEDICAL CENTRE; the register says so, but the list extract of 1 April still has it in its PCN.
void PlantClosedPractice(Sample& s) {
  Practice& p = FindPractice(s, "Z00024");
  p.register_status = 'C';
  p.close_date = "20240331";
  s.expected.push_back({"MEM005", kPcns[p.pcn].code, p.code});
}

// MEM006: KINGSWAY HEALTH CENTRE (SAMPLETON NORTH) is registered as a walk-in centre
// (prescribing setting 1), not a GP practice (4).
void PlantWalkInCentre(Sample& s) {
  Practice& p = FindPractice(s, "Z00006");
  p.prescribing_setting = 1;
  s.expected.push_back({"MEM006", kPcns[p.pcn].code, p.code});
}

// DAT001: placeholder (NO2011) rows for six practices and rows for an LSOA code that no layer
// has for two more. All inside the practices' exact totals, so POP003 stays quiet.
void PlantUnresolvedAreas(Sample& s) {
  const std::pair<const char*, int64_t> kPlaceholders[] = {{"Z00002", 38},  {"Z00009", 57},
                                                           {"Z00014", 21},  {"Z00022", 44},
                                                           {"Z00030", 112}, {"Z00036", 29}};
  for (const auto& [code, n] : kPlaceholders) FindPractice(s, code).no_lsoa = n;
  FindPractice(s, "Z00010").unknown_area = 17;
  FindPractice(s, "Z00027").unknown_area = 9;
  s.expected.push_back({"DAT001", "", ""});
}

// Not a defect: rows a reader must filter out (SEX/AGE breakdowns). Expects no finding.
void AddRowsToIgnore(Sample& s) {
  for (const char* code : {"Z00001", "Z00019", "Z00034"}) FindPractice(s, code).sex_age_rows = true;
  for (const char* code : {"Z00001", "Z00031"}) FindPractice(s, code).male_rows = true;
}

// ---- Planted defects for the rule pack (issue 3; numbers in testdata/README.md) ----------------

// The expected geometry of a set of whole cells: one polygon per edge-connected group of cells
// (GEOS keeps cells that meet only at a corner as separate polygons), area the exact sum of the
// cells' shoelace areas (the cells tile without overlap).
ExpectedGeometry CellsGeometry(const Grid& g, const std::vector<bool>& in_set) {
  int64_t twice_area = 0;
  int groups = 0;
  std::vector<bool> seen(g.cell_count(), false);
  for (int cell = 0; cell < g.cell_count(); ++cell) {
    if (!in_set[cell]) continue;
    twice_area += TwiceSignedArea(g.CellRing(cell));
    if (seen[cell]) continue;
    ++groups;
    std::vector<int> stack = {cell};
    seen[cell] = true;
    while (!stack.empty()) {
      const int c = stack.back();
      stack.pop_back();
      const int col = g.Col(c), row = g.Row(c);
      const std::pair<int, int> next[] = {
          {col - 1, row}, {col + 1, row}, {col, row - 1}, {col, row + 1}};
      for (const auto& [nc, nr] : next) {
        if (nc < 0 || nr < 0 || nc >= g.cols() || nr >= g.rows()) continue;
        const int n = g.CellAt(nc, nr);
        if (in_set[n] && !seen[n]) {
          seen[n] = true;
          stack.push_back(n);
        }
      }
    }
  }
  if (groups == 0) Fail("expected geometry of an empty cell set");
  return {groups == 1 ? "Polygon" : "MultiPolygon", static_cast<double>(twice_area) / 2};
}

std::vector<bool> CellsOf(const Grid& g, std::initializer_list<CellRect> rects) {
  std::vector<bool> in_set(g.cell_count(), false);
  for (int cell = 0; cell < g.cell_count(); ++cell) {
    for (const CellRect& r : rects)
      in_set[cell] = in_set[cell] || r.Contains(g.Col(cell), g.Row(cell));
  }
  return in_set;
}

// Declares a rule-pack finding; its geometry is given now or resolved after every planter ran.
void Expect(Sample& s, const char* rule, int pcn, const std::string& practice,
            ExpectedGeometry geometry) {
  s.expected.push_back(Finding(rule, kPcns[pcn].code, practice, std::move(geometry)));
}
void ExpectLater(Sample& s, const char* rule, int pcn, GeometryOf of) {
  s.pending.push_back({s.expected.size(), of, pcn});
  Expect(s, rule, pcn, "", {});
}

// Moves cells to another intended territory (and their declared boundary with them).
void GiveCells(Sample& s, const std::vector<bool>& cells, int to) {
  for (int cell = 0; cell < s.grid.cell_count(); ++cell) {
    if (!cells[cell]) continue;
    if (s.territory[cell] >= 0) s.declared[s.territory[cell]][cell] = false;
    s.territory[cell] = to;
    if (to >= 0) s.declared[to][cell] = true;
  }
}

// CON001: RIVERSIDE's super-practice runs a branch surgery in the valley, two areas on the
// south edge (columns 11-12, row 0) cut off from RIVERSIDE's block by LONGDALE's row 1. The branch
// holds 1,150 of RIVERSIDE's patients (> 2% of its territory's) and takes both areas; on the
// edge, it leaves LONGDALE a notch, not an enclave. One practice spans both parts, so CON003 stays
// quiet; RIVERSIDE has a single practice anyway.
void PlantDetachedPart(Sample& s) {
  const int riverside = FindPcn("U90006");
  const std::vector<bool> branch = CellsOf(s.grid, {{11, 13, 0, 1}});
  GiveCells(s, branch, riverside);
  Practice& p = FindPractice(s, "Z00030");
  p.cluster = {{s.grid.CellAt(11, 0), 600}, {s.grid.CellAt(12, 0), 550}};
  Expect(s, "CON001", riverside, "", CellsGeometry(s.grid, branch));
}

// CON002: the university campus, one area inside WESTMOOR's block (column 2, row 13), where the
// unallocated university practice (MEM001) has 1,200 students: more than any network there, so
// the area belongs to no PCN and WESTMOOR's territory surrounds it (an enclave). WESTMOOR's
// declared boundary still includes the campus.
void PlantEnclave(Sample& s) {
  const int westmoor = FindPcn("U90003");
  const int campus = s.grid.CellAt(2, 13);
  s.territory[campus] = -1;  // the declared boundary keeps it
  Practice& p = FindPractice(s, "Z00040");
  if (p.cell != campus) Fail("the university practice is not on the campus");
  p.cluster = {{campus, 1200}};
  std::vector<bool> hole(s.grid.cell_count(), false);
  hole[campus] = true;
  Expect(s, "CON002", westmoor, "", CellsGeometry(s.grid, hole));
}

// CON003: KESTREL HOUSE SURGERY (ASHCOMBE AND LEY) took over the list of a closed practice across
// town: all 1,500 of its patients live in four areas of EASTHOLME's block, about a fifth of each
// area but never the most. Its catchment touches no other ASHCOMBE practice's, so the network's
// practices form two groups; its territory is untouched.
void PlantSplitCatchment(Sample& s) {
  const int ashcombe = FindPcn("U90008");
  Practice p;
  p.code = "Z00054";
  p.name = "KESTREL HOUSE SURGERY";
  p.pcn = p.home = ashcombe;
  p.list_size = 1500;
  p.cell = s.grid.CellAt(17, 7);
  p.cluster = {{s.grid.CellAt(11, 12), 400},
               {s.grid.CellAt(12, 12), 380},
               {s.grid.CellAt(11, 13), 370},
               {s.grid.CellAt(12, 13), 350}};
  s.practices.push_back(std::move(p));
  ExpectLater(s, "CON003", ashcombe, GeometryOf::kCatchments);
}

// CON004: PRIORY FIELDS SURGERY (EASTHOLME) is in HIGH FELL's block, three columns east of
// EASTHOLME's (its postcode is over 500 m from EASTHOLME's territory). Its patients still live
// mostly in EASTHOLME's block.
void PlantPracticeOutside(Sample& s) {
  Practice& p = FindPractice(s, "Z00029");
  p.cell = s.grid.CellAt(18, 14);
  p.located_outside = true;
  Expect(s, "CON004", p.pcn, p.code, {"Point", 0});
}

// NEST001 (and NEST003): the strip kOtherIcbStrip at FENWICK AND MARSH's east edge belongs to the
// neighbouring ICB (and its sub-ICB 91A): 5-10% of FENWICK AND MARSH's patients live there.
// Sub-ICBs nest in ICBs, so the same patients are outside its sub-ICB: NEST003 fires as well.
// The strip is also its own community footprint; the network stays under COM001's 10%.
void PlantOtherIcb(Sample& s) {
  const int fenwick = FindPcn("U90010");
  ExpectLater(s, "NEST001", fenwick, GeometryOf::kTerritory);
  ExpectLater(s, "NEST003", fenwick, GeometryOf::kTerritory);
}

// NEST002: HIGH FELL's practices are mapped to sub-ICB 90A (E38900001), but the network lies in
// 90B. NEST002 findings carry no geometry.
void PlantWrongSubIcb(Sample& s) {
  const int high_fell = FindPcn("U90007");
  s.declared_sub_icb[high_fell] = 0;
  Expect(s, "NEST002", high_fell, "", {});
}

// NEST003: sub-ICB 90A takes the western column of RIVERSIDE's block (kSubIcbOverlap), so more
// than 5% of RIVERSIDE's patients live outside its sub-ICB 90B (inside its ICB and community).
void PlantSubIcbStraddle(Sample& s) {
  ExpectLater(s, "NEST003", FindPcn("U90006"), GeometryOf::kTerritory);
}

// COM001: the West community team covers the western column of SAMPLETON SOUTH's block
// (kCommunityOverlap): more than 10% of its patients live outside its dominant footprint, all
// inside sub-ICB 90A.
void PlantCommunitySplit(Sample& s) {
  ExpectLater(s, "COM001", FindPcn("U90002"), GeometryOf::kTerritory);
}

// CMP001: CRAGSIDE's territory is a comb: the top row of its block plus four one-area-wide teeth
// (columns 20, 22, 24, 26, rows 10-15); the slots between them (columns 21, 23, 25, 27) are
// fingers of FENWICK AND MARSH, two of whose practices sit in them.
void PlantComb(Sample& s) {
  const int fenwick = FindPcn("U90010");
  GiveCells(
      s, CellsOf(s.grid, {{21, 22, 10, 16}, {23, 24, 10, 16}, {25, 26, 10, 16}, {27, 28, 10, 16}}),
      fenwick);
  ExpectLater(s, "CMP001", FindPcn("U90011"), GeometryOf::kTerritory);
}

// CMP002: LONGDALE's practices run along the valley; the first and last are over 15 km apart.
// The finding's geometry is the line between them.
void PlantFarApart(Sample& s) { Expect(s, "CMP002", FindPcn("U90009"), "", {"LineString", 0}); }

// OVL001: EASTHOLME's declared boundary also takes in RIVERSIDE's northern row (row 9, the whole
// shared edge), which RIVERSIDE declares too. The overlap is that row.
void PlantOverlap(Sample& s) {
  const int eastholme = FindPcn("U90005");
  const std::vector<bool> row = CellsOf(s.grid, {{10, 15, 9, 10}});
  for (int cell = 0; cell < s.grid.cell_count(); ++cell) {
    if (row[cell]) s.declared[eastholme][cell] = true;
  }
  Expect(s, "OVL001", eastholme, "", CellsGeometry(s.grid, row));
}

// OVL002: SAMPLETON SOUTH's declared boundary leaves out one area on its border with BROOKVALE
// (column 5, row 5), which nobody declares: a gap surrounded by declared boundaries. The finding
// names the adjacent PCN with the smallest code.
void PlantGap(Sample& s) {
  const int south = FindPcn("U90002");
  std::vector<bool> gap(s.grid.cell_count(), false);
  gap[s.grid.CellAt(5, 5)] = true;
  s.declared[south][s.grid.CellAt(5, 5)] = false;
  Expect(s, "OVL002", south, "", CellsGeometry(s.grid, gap));
}

// OVL003: ASHCOMBE AND LEY's declared boundary is out of date: FENWICK AND MARSH declares the
// eastern three columns of ASHCOMBE's block (24 of its 40 areas), so ASHCOMBE's declared boundary
// overlaps its territory with IoU 0.4. No gap or overlap: the declared boundaries still tile.
// FENWICK AND MARSH's IoU stays above 0.6.
void PlantStaleBoundary(Sample& s) {
  const int ashcombe = FindPcn("U90008");
  const int fenwick = FindPcn("U90010");
  const std::vector<bool> moved = CellsOf(s.grid, {{17, 20, 2, 10}});
  for (int cell = 0; cell < s.grid.cell_count(); ++cell) {
    if (!moved[cell]) continue;
    s.declared[ashcombe][cell] = false;
    s.declared[fenwick][cell] = true;
  }
  ExpectLater(s, "OVL003", ashcombe, GeometryOf::kDeclared);
}

// GEO001: LONGDALE's declared boundary has a bow-tie twist on the south side of area (3, 0): a
// self-intersecting ring, repaired by make-valid into the boundary plus two triangles hanging
// 100 m below the region (a MultiPolygon). Outside every other boundary: no overlap or gap.
void PlantBowtie(Sample& s) {
  s.bowtie = {FindPcn("U90009"), 3, 0, 100};
  ExpectLater(s, "GEO001", s.bowtie.pcn, GeometryOf::kDeclared);
}

using Planter = void (*)(Sample&);
constexpr Planter kPlanters[] = {
    PlantSmallPcn,
    PlantLargePcn,
    PlantListSizeMismatch,
    PlantUnallocatedPractice,
    PlantDuplicateMembership,
    PlantSinglePracticePcn,
    PlantUnknownPractice,
    PlantClosedPractice,
    PlantWalkInCentre,
    PlantUnresolvedAreas,
    AddRowsToIgnore,
    // The rule pack: territories and practices first, then the declared boundaries.
    PlantComb,
    PlantDetachedPart,
    PlantEnclave,
    PlantSplitCatchment,
    PlantPracticeOutside,
    PlantOtherIcb,
    PlantWrongSubIcb,
    PlantSubIcbStraddle,
    PlantCommunitySplit,
    PlantFarApart,
    PlantOverlap,
    PlantGap,
    PlantStaleBoundary,
    PlantBowtie,
};

// ---- From the sample to file rows --------------------------------------------------------------

Feature Footprint(const Grid& grid, const FootprintSpec& spec) {
  std::vector<bool> in_set(grid.cell_count());
  for (int cell = 0; cell < grid.cell_count(); ++cell) {
    in_set[cell] = spec.cells.Contains(grid.Col(cell), grid.Row(cell));
  }
  return {spec.code, spec.name, grid.Outline(in_set)};
}

// Twists the outline edge along the south side of the bow-tie's cell (GEO001). Returns the area
// make-valid adds: the two triangles, together half the parallelogram A, B, B+o, A+o.
double ApplyBowtie(const Grid& g, const Bowtie& b, std::vector<Polygon>& polygons) {
  const Point a = g.Vertex(b.col, b.row);
  const Point z = g.Vertex(b.col + 1, b.row);
  for (Polygon& polygon : polygons) {
    Ring& ring = polygon.front();
    for (size_t i = 0; i + 1 < ring.size(); ++i) {
      if (ring[i].x != a.x || ring[i].y != a.y || ring[i + 1].x != z.x || ring[i + 1].y != z.y) {
        continue;
      }
      ring.insert(ring.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                  {{z.x, z.y - b.depth_m}, {a.x, a.y - b.depth_m}});
      return static_cast<double>((z.x - a.x) * b.depth_m) / 2;
    }
  }
  Fail("the bow-tie edge is not on its boundary's exterior ring");
}

int FootprintOf(const FootprintSpec (&specs)[4], const Grid& g, int cell) {
  for (int i = 0; i < 4; ++i) {
    if (specs[i].cells.Contains(g.Col(cell), g.Row(cell))) return i;
  }
  Fail("a cell outside every sub-ICB");
}

MapRow MakeMapRow(const Practice& p, const std::string& postcode, int pcn, int sub_icb) {
  const FootprintSpec& sub = kSubIcbs[sub_icb];
  return {p.code,
          p.name,
          postcode,
          pcn == kUnallocated ? "U" : kPcns[pcn].code,
          pcn == kUnallocated ? "UNALLOCATED" : kPcns[pcn].name,
          sub.code,
          sub.ods,
          sub.name,
          kIcbOns,
          kIcbOds,
          kIcbName,
          kRegionOns,
          kRegionOds,
          kRegionName};
}

SampleFiles ToFiles(const Sample& s) {
  const Grid& g = s.grid;
  SampleFiles f;
  f.publication = kPublication;
  f.extract_date = kExtractDate;
  for (int cell = 0; cell < g.cell_count(); ++cell) {
    f.areas.push_back({AreaCode(cell), AreaName(cell), {{g.CellRing(cell)}}});
  }
  for (const FootprintSpec& icb : kIcbs) f.icbs.push_back(Footprint(g, icb));
  for (const FootprintSpec& sub : kSubIcbs) f.sub_icbs.push_back(Footprint(g, sub));
  for (const FootprintSpec& com : kCommunity) f.community.push_back(Footprint(g, com));
  for (int k = 0; k < kPcnCount; ++k) {
    Feature d{kPcns[k].code, kPcns[k].name, g.Outline(s.declared[k])};
    if (s.bowtie.pcn == k) ApplyBowtie(g, s.bowtie, d.polygons);
    f.declared.push_back(std::move(d));
  }
  f.postcodes = s.postcodes;

  // Map rows in practice-code order (Z00040 before the rule pack's Z00041...).
  std::vector<const Practice*> practices;
  for (const Practice& p : s.practices) practices.push_back(&p);
  std::sort(practices.begin(), practices.end(),
            [](const Practice* a, const Practice* b) { return a->code < b->code; });
  std::vector<MapRow> later_rows;
  for (const Practice* pp : practices) {
    const Practice& p = *pp;
    const std::string& postcode = s.postcodes[s.first_postcode[p.cell]].pcds;
    // Unallocated practices still have a commissioner: the sub-ICB they sit in.
    int sub_icb = FootprintOf(kSubIcbs, g, p.cell);
    if (sub_icb == kOtherIcbSubIcb) Fail("a practice in the neighbouring ICB");
    if (p.pcn != kUnallocated) sub_icb = s.declared_sub_icb[p.pcn];
    f.map.push_back(MakeMapRow(p, postcode, p.pcn, sub_icb));
    for (int k : p.later_pcns) {
      later_rows.push_back(MakeMapRow(p, postcode, k, s.declared_sub_icb[k]));
    }
    const MapRow& m = f.map.back();
    f.practice_register.push_back({p.code, p.name, postcode, p.register_status, "20040401",
                                   p.close_date, p.prescribing_setting, m.sub_icb});

    f.list_sizes.push_back({m.sub_icb, m.ons_sub_icb, p.code, postcode, "ALL", "ALL", p.list_size});
    if (p.sex_age_rows) {
      const int64_t male = p.list_size * 49 / 100;
      f.list_sizes.push_back({m.sub_icb, m.ons_sub_icb, p.code, postcode, "MALE", "ALL", male});
      f.list_sizes.push_back(
          {m.sub_icb, m.ons_sub_icb, p.code, postcode, "FEMALE", "ALL", p.list_size - male});
      f.list_sizes.push_back(
          {m.sub_icb, m.ons_sub_icb, p.code, postcode, "ALL", "0", p.list_size / 100});
    }

    std::vector<bool> home(g.cell_count());
    for (int cell = 0; cell < g.cell_count(); ++cell) home[cell] = s.territory[cell] == p.home;
    int64_t clustered = 0;
    for (const AreaCount& ac : p.cluster) clustered += ac.patients;
    const int64_t placed = p.list_size - p.no_lsoa - p.unknown_area - p.missing - clustered;
    if (placed < 0) Fail("practice " + p.code + " places more patients than its list");
    std::vector<AreaCount> counts =
        placed == 0
            ? std::vector<AreaCount>{}
            : SpreadPatients(g, s.postcodes[s.first_postcode[p.cell]].at, home, placed, kSpread);
    // One row per practice and area: the cluster adds to the spread.
    for (const AreaCount& extra : p.cluster) {
      auto it = std::find_if(counts.begin(), counts.end(),
                             [&](const AreaCount& ac) { return ac.cell == extra.cell; });
      if (it != counts.end()) {
        it->patients += extra.patients;
      } else {
        counts.push_back(extra);
      }
    }
    std::sort(counts.begin(), counts.end(),
              [](const AreaCount& a, const AreaCount& b) { return a.cell < b.cell; });
    for (const AreaCount& ac : counts) {
      f.distribution.push_back({p.code, p.name, AreaCode(ac.cell), "ALL", ac.patients});
    }
    if (p.male_rows) {
      for (size_t i = 0; i < 3 && i < counts.size(); ++i) {
        f.distribution.push_back(
            {p.code, p.name, AreaCode(counts[i].cell), "MALE", counts[i].patients / 2});
      }
    }
    if (p.no_lsoa > 0)
      f.distribution.push_back({p.code, p.name, kPlaceholderArea, "ALL", p.no_lsoa});
    if (p.unknown_area > 0) {
      f.distribution.push_back({p.code, p.name, kUnknownArea, "ALL", p.unknown_area});
    }
  }
  f.map.insert(f.map.end(), later_rows.begin(), later_rows.end());
  f.distribution.insert(f.distribution.end(), s.stray_rows.begin(), s.stray_rows.end());
  // The register also lists the practice that closed before the extract (MEM004's Z99999): it is
  // in no practice file, so no rule reads it, but a real register has such rows.
  const int ashcombe = FindPcn("U90008");
  f.practice_register.push_back({"Z99999", "OLD MILL SURGERY",
                                 s.postcodes[s.first_postcode[g.CellAt(16, 4)]].pcds, 'C',
                                 "19740401", "20190930", 4, kSubIcbs[kPcns[ashcombe].sub_icb].ods});
  // NHS Digital's file is ordered by practice, then area code.
  std::sort(f.distribution.begin(), f.distribution.end(), [](const DistRow& a, const DistRow& b) {
    return std::tie(a.practice_code, a.lsoa, a.sex) < std::tie(b.practice_code, b.lsoa, b.sex);
  });
  return f;
}

// The majority territory (docs/DOMAIN.md section 4) of the written distribution must be exactly the
// intended one, so that the clean networks are contiguous blocks. Returns a summary: each
// network's population and the share of its placed patients living outside its intended
// territory.
std::string CheckTerritories(const Sample& s, const SampleFiles& f) {
  std::map<std::string, int> pcn_of;  // practice -> PCN index, -1 outside any listed PCN
  for (const Practice& p : s.practices) pcn_of[p.code] = p.pcn;
  const Grid& g = s.grid;
  std::vector<std::vector<int64_t>> n(g.cell_count(), std::vector<int64_t>(kPcnCount + 1, 0));
  std::map<std::string, int> cell_of;
  for (int cell = 0; cell < g.cell_count(); ++cell) cell_of[AreaCode(cell)] = cell;
  for (const DistRow& r : f.distribution) {
    auto cell = cell_of.find(r.lsoa);
    if (r.sex != "ALL" || cell == cell_of.end()) continue;
    auto pcn = pcn_of.find(r.practice_code);
    const int k = pcn == pcn_of.end() || pcn->second < 0 ? kPcnCount : pcn->second;
    n[cell->second][k] += r.patients;
  }
  std::vector<int64_t> inside(kPcnCount, 0), total(kPcnCount, 0);
  int wrong = 0;
  for (int cell = 0; cell < g.cell_count(); ++cell) {
    int winner = 0;  // kPcns is in code order, so ">" keeps the smallest code on ties
    for (int k = 1; k <= kPcnCount; ++k) {
      if (n[cell][k] > n[cell][winner]) winner = k;
    }
    // Intended -1 (nobody): the outside group must hold strictly more than every network.
    const int intended = s.territory[cell] < 0 ? kPcnCount : s.territory[cell];
    if (winner != intended || n[cell][winner] == 0) {
      std::fprintf(stderr, "area %s (%d,%d): majority %d (%lld), intended %d (%lld)\n",
                   AreaCode(cell).c_str(), g.Col(cell), g.Row(cell), winner,
                   static_cast<long long>(n[cell][winner]), intended,
                   static_cast<long long>(n[cell][intended]));
      ++wrong;
    }
    for (int k = 0; k < kPcnCount; ++k) {
      total[k] += n[cell][k];
      if (s.territory[cell] == k) inside[k] += n[cell][k];
    }
  }
  if (wrong > 0) Fail(absl::StrCat(wrong, " areas have an unintended majority owner"));
  std::string summary;
  for (int k = 0; k < kPcnCount; ++k) {
    int64_t population = 0;
    int practices = 0;
    for (const Practice& p : s.practices) {
      if (p.pcn != k) continue;
      population += p.list_size;
      ++practices;
    }
    absl::StrAppendFormat(
        &summary,
        "%s %-22s %d practice(s) %6d patients, %.1f%% of placed patients outside its territory\n",
        kPcns[k].code, kPcns[k].name, practices, population,
        100.0 * static_cast<double>(total[k] - inside[k]) / static_cast<double>(total[k]));
  }
  return summary;
}

// Every listed practice sits in its own network's intended territory, except where a planter
// says otherwise (CON004).
void CheckPracticeLocations(const Sample& s) {
  for (const Practice& p : s.practices) {
    if (p.pcn == kUnallocated) continue;
    if ((s.territory[p.cell] == p.pcn) == p.located_outside) {
      Fail("practice " + p.code + (p.located_outside ? " should be outside" : " is outside") +
           " its network's territory");
    }
  }
}

// The union of a network's practices' share catchments (areas where a practice has at least 5%
// of the patients), as the validator's CON003 computes it from the rows.
std::vector<bool> CatchmentUnion(const Sample& s, const SampleFiles& f, int pcn) {
  const Grid& g = s.grid;
  std::map<std::string, int> cell_of;
  for (int cell = 0; cell < g.cell_count(); ++cell) cell_of[AreaCode(cell)] = cell;
  std::map<std::string, int> pcn_of;  // first map row
  for (const MapRow& m : f.map) {
    pcn_of.emplace(m.practice_code, m.pcn_code == kPcns[pcn].code ? pcn : -1);
  }
  std::vector<int64_t> total(g.cell_count(), 0);
  std::map<std::string, std::vector<int64_t>> mine;
  for (const DistRow& r : f.distribution) {
    auto cell = cell_of.find(r.lsoa);
    if (r.sex != "ALL" || cell == cell_of.end()) continue;
    total[cell->second] += r.patients;
    auto it = pcn_of.find(r.practice_code);
    if (it == pcn_of.end() || it->second != pcn) continue;
    auto& v = mine[r.practice_code];
    v.resize(g.cell_count(), 0);
    v[cell->second] += r.patients;
  }
  std::vector<bool> in_set(g.cell_count(), false);
  for (const auto& [code, counts] : mine) {
    for (int cell = 0; cell < g.cell_count(); ++cell) {
      if (counts[cell] > 0 &&
          static_cast<double>(counts[cell]) / static_cast<double>(total[cell]) >= 0.05) {
        in_set[cell] = true;
      }
    }
  }
  return in_set;
}

void ResolveGeometries(Sample& s, const SampleFiles& f) {
  for (const PendingGeometry& pg : s.pending) {
    ExpectedGeometry& out = s.expected[pg.finding].geometry;
    switch (pg.of) {
      case GeometryOf::kNone:
        out = {};
        break;
      case GeometryOf::kTerritory: {
        std::vector<bool> in_set(s.grid.cell_count());
        for (int cell = 0; cell < s.grid.cell_count(); ++cell) {
          in_set[cell] = s.territory[cell] == pg.pcn;
        }
        out = CellsGeometry(s.grid, in_set);
        break;
      }
      case GeometryOf::kCatchments:
        out = CellsGeometry(s.grid, CatchmentUnion(s, f, pg.pcn));
        break;
      case GeometryOf::kDeclared: {
        out = CellsGeometry(s.grid, s.declared[pg.pcn]);
        if (s.bowtie.pcn == pg.pcn) {
          std::vector<Polygon> polygons = s.grid.Outline(s.declared[pg.pcn]);
          out.area_m2 += ApplyBowtie(s.grid, s.bowtie, polygons);
          out.type = "MultiPolygon";  // the lobe below the twist is a polygon of its own
        }
        break;
      }
    }
  }
}

bool IsIssue2Rule(const std::string& rule) {
  return rule.starts_with("POP") || rule.starts_with("MEM") || rule.starts_with("DAT");
}

int Main(int argc, char** argv) {
  std::string out;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg.starts_with("--out=")) {
      out = arg.substr(6);
    } else {
      out.clear();
      break;
    }
  }
  if (out.empty()) {
    std::fprintf(stderr, "usage: pcnv-make-sample --out DIR [--verbose]\n");
    return 2;
  }
  Sample s = MakeBaseSample();
  for (Planter plant : kPlanters) plant(s);
  CheckPracticeLocations(s);
  const SampleFiles files = ToFiles(s);
  const std::string summary = CheckTerritories(s, files);
  ResolveGeometries(s, files);
  std::vector<Finding> expected = s.expected;
  std::sort(expected.begin(), expected.end());
  std::vector<Finding> issue2;
  for (const Finding& f : expected) {
    if (IsIssue2Rule(f.rule)) issue2.push_back(f);
  }
  if (RecomputeFindings(files) != issue2) {
    for (const Finding& f : RecomputeFindings(files)) {
      std::fprintf(stderr, "recomputed: %s %s %s\n", f.rule.c_str(), f.pcn.c_str(),
                   f.practice.c_str());
    }
    Fail("the rows do not produce exactly the declared findings");
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) Fail("cannot create " + out + ": " + ec.message());
  WriteSampleFiles(files, expected, out);
  if (verbose) std::fputs(summary.c_str(), stdout);
  std::printf("wrote the sample region to %s (%zu findings expected)\n", out.c_str(),
              expected.size());
  return 0;
}

}  // namespace
}  // namespace pcnv::sample

int main(int argc, char** argv) { return pcnv::sample::Main(argc, argv); }
