// pcnv-make-sample: writes the fictional "Sampleton" region (testdata/README.md) with exactly one
// planted defect per issue-2 rule and the findings the validator must report for them.
//
//   pcnv-make-sample --out DIR [--verbose]   (--verbose: print each PCN's size and spill)
//
// The region is fixed by the tables in sample_region.h and one seed; the output is byte-identical
// on every run and platform. To plant another defect, write a Plant* function that edits the Sample
// and declares the findings it expects, and add it to kPlanters: the generator recomputes the rules
// from the rows it writes and fails if they disagree with the declared findings.
#include <algorithm>
#include <cstdio>
#include <filesystem>
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
  int64_t no_lsoa = 0;          // patients written as a placeholder row (DAT001)
  int64_t unknown_area = 0;     // patients written to kUnknownArea (DAT001)
  int64_t missing = 0;          // patients left out of the distribution (POP003)
  std::vector<int> later_pcns;  // further map rows, appended at the end of the map (MEM002)
  bool sex_age_rows = false;    // adds MALE/FEMALE and AGE=0 list rows that must be ignored
  bool male_rows = false;       // adds SEX=MALE distribution rows that must be ignored
};

struct Sample {
  explicit Sample(Grid g) : grid(std::move(g)) {}

  Grid grid;
  std::vector<PostcodeRow> postcodes;
  std::vector<int> first_postcode;  // per cell, index into postcodes
  std::vector<Practice> practices;
  std::vector<int> territory;       // intended majority owner per cell: PCN index
  std::vector<DistRow> stray_rows;  // rows for practices in no list (MEM004)
  std::vector<Finding> expected;
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
  for (int cell = 0; cell < s.grid.cell_count(); ++cell) {
    for (int k = 0; k < kPcnCount; ++k) {
      if (kPcns[k].block.Contains(s.grid.Col(cell), s.grid.Row(cell))) s.territory[cell] = k;
    }
    if (s.territory[cell] < 0) Fail("PCN blocks do not tile the grid");
  }
  for (const PracticeSpec& spec : kPractices) {
    Practice p;
    p.code = absl::StrFormat("Z%05d", s.practices.size() + 1);
    p.name = spec.name;
    p.pcn = p.home = spec.pcn;
    p.list_size = spec.list_size;
    p.cell = CellInBlock(s, spec.pcn, spec.dc, spec.dr);
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
// patients are too few anywhere to take an area from WESTMOOR.
void PlantUnallocatedPractice(Sample& s) {
  Practice p;
  p.code = absl::StrFormat("Z%05d", s.practices.size() + 1);
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
  } kRows[] = {{16, 2, 84}, {17, 2, 71}, {16, 3, 62}, {17, 3, 48}, {18, 3, 35}};
  for (const auto& r : kRows) {
    s.stray_rows.push_back(
        {"Z99999", "OLD MILL SURGERY", AreaCode(s.grid.CellAt(r.col, r.row)), "ALL", r.patients});
  }
  s.expected.push_back({"MEM004", "", "Z99999"});
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

using Planter = void (*)(Sample&);
constexpr Planter kPlanters[] = {
    PlantSmallPcn,
    PlantLargePcn,
    PlantListSizeMismatch,
    PlantUnallocatedPractice,
    PlantDuplicateMembership,
    PlantSinglePracticePcn,
    PlantUnknownPractice,
    PlantUnresolvedAreas,
    AddRowsToIgnore,
};

// ---- From the sample to file rows --------------------------------------------------------------

Feature Footprint(const Grid& grid, const std::string& code, const std::string& name,
                  const CellRect& rect) {
  std::vector<bool> in_set(grid.cell_count());
  for (int cell = 0; cell < grid.cell_count(); ++cell) {
    in_set[cell] = rect.Contains(grid.Col(cell), grid.Row(cell));
  }
  return {code, name, grid.Outline(in_set)};
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
  f.icb = Footprint(g, kIcbOns, kIcbName, {0, kCols, 0, kRows});
  for (const FootprintSpec& sub : kSubIcbs)
    f.sub_icbs.push_back(Footprint(g, sub.code, sub.name, sub.cells));
  for (const FootprintSpec& com : kCommunity)
    f.community.push_back(Footprint(g, com.code, com.name, com.cells));
  f.postcodes = s.postcodes;

  std::vector<MapRow> later_rows;
  for (const Practice& p : s.practices) {
    const std::string& postcode = s.postcodes[s.first_postcode[p.cell]].pcds;
    // Unallocated practices still have a commissioner: the sub-ICB they sit in.
    int sub_icb = 0;
    for (int i = 0; i < static_cast<int>(std::size(kSubIcbs)); ++i) {
      if (kSubIcbs[i].cells.Contains(g.Col(p.cell), g.Row(p.cell))) sub_icb = i;
    }
    if (p.pcn != kUnallocated) sub_icb = kPcns[p.pcn].sub_icb;
    f.map.push_back(MakeMapRow(p, postcode, p.pcn, sub_icb));
    for (int k : p.later_pcns) later_rows.push_back(MakeMapRow(p, postcode, k, kPcns[k].sub_icb));
    const MapRow& m = f.map.back();

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
    const int64_t placed = p.list_size - p.no_lsoa - p.unknown_area - p.missing;
    const std::vector<AreaCount> counts =
        SpreadPatients(g, s.postcodes[s.first_postcode[p.cell]].at, home, placed, kSpread);
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
  // NHS Digital's file is ordered by practice, then area code.
  std::sort(f.distribution.begin(), f.distribution.end(), [](const DistRow& a, const DistRow& b) {
    return std::tie(a.practice_code, a.lsoa, a.sex) < std::tie(b.practice_code, b.lsoa, b.sex);
  });
  return f;
}

// The majority territory (DOMAIN.md section 4) of the written distribution must be exactly the
// intended one, so that the clean networks are contiguous blocks. Returns a summary: each
// network's population and the share of its placed patients living outside its block.
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
    if (winner != s.territory[cell] || n[cell][winner] == 0) {
      std::fprintf(stderr, "area %s: majority %d, intended %d\n", AreaCode(cell).c_str(), winner,
                   s.territory[cell]);
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
        &summary, "%s %-22s %d practice(s) %6d patients, %.1f%% of placed patients outside block\n",
        kPcns[k].code, kPcns[k].name, practices, population,
        100.0 * static_cast<double>(total[k] - inside[k]) / static_cast<double>(total[k]));
  }
  return summary;
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
  const SampleFiles files = ToFiles(s);
  const std::string summary = CheckTerritories(s, files);
  std::vector<Finding> expected = s.expected;
  std::sort(expected.begin(), expected.end());
  if (RecomputeFindings(files) != expected) {
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
