// Real inputs for the micro-benchmarks (bench/README.md): the benchmark workload read once with
// pcnv's own readers, as pcnv-bench-national reads it, and the sets each benchmark works on,
// chosen deterministically from it. Every accessor loads on first use, so a filtered run pays
// only for what it touches; load times go to stderr.
#ifndef PCNV_BENCH_MICRO_MICRO_DATA_H_
#define PCNV_BENCH_MICRO_MICRO_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "geo/model.h"
#include "geo/reference.h"

namespace pcnv::bench {

struct MicroConfig {
  std::string workload;  // pcnv-bench-workload output folder (lsoa11.gpkg, ...)
  std::string data;      // ../shared/data, for NSPL postcodes; may be empty
};
void SetConfig(MicroConfig config);
const MicroConfig& Config();

// The snapshot: lsoa11 areas, icb22 and ltla24 (community) footprints, overlay done.
const ReferenceData& Ref();
// The workload's practice map, list sizes and LSOA distribution (every row).
const ValidationInput& Tables();

// Distribution rows resolved to (group, area, patients), in file order, as Validate feeds its
// ShareTables: groups are the PCN codes (sorted) or the practice codes (sorted); group -1 for a
// practice in no PCN. Rows with no area (NO2011) are left out.
struct TableRows {
  std::vector<std::string> groups;
  struct Row {
    int group;
    int area;
    int64_t patients;
  };
  std::vector<Row> rows;
};
const TableRows& PcnRows();       // of the whole workload
const TableRows& PracticeRows();  // of the whole workload
TableRows MakeTableRows(const ValidationInput& input, bool by_practice);

// A real set of areas: a PCN's majority territory or its 5% share catchment, whichever of all
// of them has the size nearest `target` (ties: territory first, then the smaller PCN code).
struct AreaSet {
  std::string label;  // e.g. "U12345 territory"
  std::vector<int> areas;
};
const AreaSet& AreaSetNear(int target);

// Points to place: practice locations (practices.csv), and NSPL postcode centroids of six
// English postcode areas (B, BS, LS, M, NE, NG) when Config().data is set.
const std::vector<Point>& PracticePoints();
const std::vector<Point>& PostcodePoints();
bool HavePostcodes();  // Config().data holds the NSPL folder

// The input of one interactive request: every membership row, list size and distribution row
// of the practices of one PCN (the one with the median population, ties to the smaller code)
// or of one STP (the median by practice count), cut from the workload.
enum class Scope { kOnePcn, kOneStp };
const ValidationInput& ScopedInput(Scope scope);
const std::string& ScopeLabel(Scope scope);

}  // namespace pcnv::bench

#endif  // PCNV_BENCH_MICRO_MICRO_DATA_H_
