// The sample region as the rows and features of its output files, the writers for those files,
// and an independent recomputation of the issue-2 rules (POP*, MEM*, DAT001) over the rows.
//
// The recomputation exists so that the generator cannot silently write an expected_findings.json
// that disagrees with its own data: every planted defect declares the finding it expects, and
// the generator refuses to write anything when the rows say otherwise (e.g. a clean network
// that drifted under 30,000 patients).
#ifndef PCNV_TESTDATA_SAMPLE_FILES_H_
#define PCNV_TESTDATA_SAMPLE_FILES_H_

#include <compare>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "testdata/sample_grid.h"

namespace pcnv::sample {

struct Feature {
  std::string code;
  std::string name;
  std::vector<Polygon> polygons;  // one: Polygon; several: MultiPolygon
};

struct PostcodeRow {
  std::string pcds;  // "ZZ1 1AA"
  Point at;
  std::string lsoa11;
};

// gp-reg-pat-prac-map.csv (2022+ layout).
struct MapRow {
  std::string practice_code;
  std::string practice_name;
  std::string postcode;
  std::string pcn_code;  // "U" = unallocated
  std::string pcn_name;
  std::string ons_sub_icb;
  std::string sub_icb;
  std::string sub_icb_name;
  std::string ons_icb;
  std::string icb;
  std::string icb_name;
  std::string ons_region;
  std::string region;
  std::string region_name;
};

// gp-reg-pat-prac-all.csv.
struct ListRow {
  std::string sub_icb;
  std::string ons_sub_icb;
  std::string code;
  std::string postcode;
  std::string sex;  // ALL, MALE, FEMALE
  std::string age;  // ALL or a single year
  int64_t patients = 0;
};

// gp-reg-pat-prac-lsoa-all.csv.
struct DistRow {
  std::string practice_code;
  std::string practice_name;
  std::string lsoa;
  std::string sex;
  int64_t patients = 0;
};

// epraccur.csv (ODS practice register, no header line; the fields the validator reads).
struct RegisterRow {
  std::string code;
  std::string name;
  std::string postcode;
  char status = 'A';            // A active, C closed, D dormant, P proposed
  std::string open_date;        // YYYYMMDD
  std::string close_date;       // YYYYMMDD or empty
  int prescribing_setting = 4;  // 4 = GP practice
  std::string commissioner;     // the sub-ICB's ODS code
};

// The geometry a rule-pack finding carries (its `geometry_wkt`), for the golden test: the GEOS
// type name and the area in m2 (0 for points and lines). Empty type: the finding has none.
struct ExpectedGeometry {
  std::string type;
  double area_m2 = 0;
  auto operator<=>(const ExpectedGeometry&) const = default;
};

struct Finding {
  Finding() = default;
  Finding(std::string r, std::string k, std::string p)
      : rule(std::move(r)), pcn(std::move(k)), practice(std::move(p)) {}
  Finding(std::string r, std::string k, std::string p, ExpectedGeometry g)
      : rule(std::move(r)),
        pcn(std::move(k)),
        practice(std::move(p)),
        has_geometry(true),
        geometry(std::move(g)) {}

  std::string rule;
  std::string pcn;
  std::string practice;
  // Rule-pack (issue-3) findings only; issue-2 findings are written without a geometry member.
  bool has_geometry = false;
  ExpectedGeometry geometry;
  auto operator<=>(const Finding&) const = default;
};

struct SampleFiles {
  std::vector<Feature> areas;
  std::vector<Feature> icbs;
  std::vector<Feature> sub_icbs;
  std::vector<Feature> community;
  std::vector<Feature> declared;  // declared PCN boundaries: code = PCN code, name = PCN name
  std::vector<PostcodeRow> postcodes;
  std::vector<MapRow> map;
  std::vector<ListRow> list_sizes;
  std::vector<DistRow> distribution;
  std::vector<RegisterRow> practice_register;  // epraccur.csv
  std::string publication;                     // PUBLICATION column
  std::string extract_date;                    // EXTRACT_DATE column, e.g. 01Apr2024
};

// The issue-2 rules as docs/DOMAIN.md section 5 defines them, with the validator's conventions
// (README.md), and MEM005/MEM006 against the practice register: population from SEX=ALL,AGE=ALL
// list sizes; a practice listed twice counts in the PCN of its first row; placeholder and unknown
// area codes count in the distribution total; DAT001 is one finding for the whole distribution.
// Sorted.
std::vector<Finding> RecomputeFindings(const SampleFiles& files);

// Writes every file into `dir` (which must exist), expected_findings.json included.
void WriteSampleFiles(const SampleFiles& files, const std::vector<Finding>& expected,
                      const std::string& dir);

}  // namespace pcnv::sample

#endif  // PCNV_TESTDATA_SAMPLE_FILES_H_
