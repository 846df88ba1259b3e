#include "fuzz/support/tiny_reference.h"

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/engine.h"
#include "report/report_json.h"

namespace pcnv::fuzz {
namespace {

constexpr int kCols = 4;
constexpr int kRows = 3;
constexpr int kOriginX = 430000;
constexpr int kOriginY = 380000;
constexpr int kCell = 1000;

// A rectangle of whole cells [c0, c1) x [r0, r1).
Geometry Cells(int c0, int r0, int c1, int r1) {
  const int x0 = kOriginX + c0 * kCell, y0 = kOriginY + r0 * kCell;
  const int x1 = kOriginX + c1 * kCell, y1 = kOriginY + r1 * kCell;
  absl::StatusOr<Geometry> g = Geometry::FromWkt(absl::StrFormat(
      "POLYGON((%d %d,%d %d,%d %d,%d %d,%d %d))", x0, y0, x1, y0, x1, y1, x0, y1, x0, y0));
  if (!g.ok()) {
    std::fprintf(stderr, "tiny reference: %s\n", std::string(g.status().message()).c_str());
    std::abort();
  }
  return *std::move(g);
}

std::string AreaCode(int cell) { return absl::StrFormat("E019%05d", cell + 1); }
std::string PostcodeOf(int cell) { return absl::StrCat("ZZ11A", std::string(1, 'A' + cell)); }

struct TinyPractice {
  const char* code;
  const char* pcn;
  int cell;
  int64_t list_size;
};
constexpr TinyPractice kPractices[] = {
    {"A00001", "U00001", 0, 16000},
    {"B00001", "U00001", 5, 17000},
    {"C00001", "U00002", 2, 15000},
    {"D00001", "U00002", 11, 18000},
};

}  // namespace

std::shared_ptr<const ReferenceData> TinyReference() {
  static const auto* reference = [] {
    std::vector<Area> areas;
    absl::flat_hash_map<std::string, PostcodeEntry> postcodes;
    for (int r = 0; r < kRows; ++r) {
      for (int c = 0; c < kCols; ++c) {
        const int cell = r * kCols + c;
        areas.push_back(
            {AreaCode(cell), absl::StrCat("Tiny ", cell + 1), Cells(c, r, c + 1, r + 1)});
        postcodes[PostcodeOf(cell)] = {
            {kOriginX + c * kCell + kCell / 2.0, kOriginY + r * kCell + kCell / 2.0},
            AreaCode(cell)};
      }
    }
    std::vector<FootprintLayer> footprints;
    footprints.push_back(
        {FootprintKind::kIcb, {{"E54900001", "NHS Tiny ICB", Cells(0, 0, kCols, kRows)}}});
    footprints.push_back(
        {FootprintKind::kSubIcb,
         {{"E38900001", "NHS Tiny ICB - 90A", Cells(0, 0, kCols / 2, kRows)},
          {"E38900002", "NHS Tiny ICB - 90B", Cells(kCols / 2, 0, kCols, kRows)}}});
    return new std::shared_ptr<const ReferenceData>(std::make_shared<const ReferenceData>(
        std::move(areas), std::move(footprints), std::move(postcodes), std::vector<LayerInfo>{},
        "tiny", ""));
  }();
  return *reference;
}

ValidationInput TinyInput() {
  ValidationInput in;
  std::vector<ListSize> sizes;
  Distribution distribution;
  int row = 0;
  for (const TinyPractice& p : kPractices) {
    ++row;
    Membership m;
    m.practice_code = p.code;
    m.practice_name = absl::StrCat("Practice ", p.code);
    m.practice_postcode = PostcodeOf(p.cell);
    m.pcn_code = p.pcn;
    m.pcn_name = absl::StrCat("Network ", p.pcn);
    m.sub_icb_code = p.cell % kCols < kCols / 2 ? "90A" : "90B";
    m.icb_code = "QZZ";
    m.row = row;
    in.memberships.push_back(m);
    sizes.push_back({p.code, p.list_size, row});
  }
  // Each practice's patients over its own cell and the one above it.
  for (const TinyPractice& p : kPractices) {
    const int above = (p.cell + kCols) % (kCols * kRows);
    distribution.rows.push_back({p.code, AreaCode(p.cell), p.list_size * 3 / 4, ++row});
    distribution.rows.push_back({p.code, AreaCode(above), p.list_size / 4, ++row});
  }
  in.list_sizes = std::move(sizes);
  in.distribution = std::move(distribution);
  std::vector<DeclaredBoundary> declared;
  declared.push_back({"U00001", Cells(0, 0, kCols / 2, kRows), 1, ""});
  declared.push_back({"U00002", Cells(kCols / 2, 0, kCols, kRows), 2, ""});
  in.declared = std::move(declared);
  return in;
}

ValidationOptions TinyOptions() {
  ValidationOptions o;
  o.as_of = "2026-06-01";
  return o;
}

const Report& TinyReport() {
  static const auto* report = [] {
    absl::StatusOr<Report> r = Engine(TinyReference()).Validate(TinyInput(), TinyOptions());
    if (!r.ok()) {
      std::fprintf(stderr, "tiny report: %s\n", std::string(r.status().message()).c_str());
      std::abort();
    }
    return new Report(*std::move(r));
  }();
  return *report;
}

std::string TinyPracticeCsv() {
  std::string csv = "practice_code,pcn_code,practice_name,postcode,list_size,pcn_name\n";
  for (const Membership& m : TinyInput().memberships) {
    absl::StrAppend(&csv, m.practice_code, ",", m.pcn_code, ",", m.practice_name, ",",
                    m.practice_postcode, ",16000,", m.pcn_name, "\n");
  }
  return csv;
}

void ValidateAndRender(const ValidationInput& input, const ValidationOptions& options) {
  absl::StatusOr<Report> report = Engine(TinyReference()).Validate(input, options);
  if (!report.ok()) return;
  // The JSON report takes every string the input carried (names, codes, messages).
  const std::string json = report::ReportToJson(*report);
  if (json.empty()) std::abort();  // keeps the call from being optimised away
}

}  // namespace pcnv::fuzz
