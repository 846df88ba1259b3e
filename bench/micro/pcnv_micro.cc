// pcnv-bench-micro: Google Benchmark micro-benchmarks of pcnv's hot paths on real data
// (bench/README.md, issue 6):
//
//   PCNV_BENCH_WORKLOAD=DIR pcnv-bench-micro [--data SHARED_DATA] [--benchmark_filter=...]
//   pcnv-bench-micro --workload DIR [--data SHARED_DATA] [--benchmark_* flags]
//
// DIR is a pcnv-bench-workload output (lsoa11.gpkg, icb22.gpkg, ltla24.gpkg, the CSVs). The
// snapshot and tables are read once, lazily, by the same readers pcnv-bench-national uses; with
// --data (or PCNV_BENCH_DATA) the point-in-polygon benchmark also places NSPL postcodes.
//
//   union/*        a PCN-sized set of real LSOAs: pcnv's UnionOfAreas (rings, else GEOS), the
//                  rings alone, GEOS's way (UnionAreas), then its steps alone
//   contiguity/*   AnalyseContiguity of the same sets (union, parts, components, holes)
//   pip/*          ReferenceData::AreaContaining (STRtree + prepared polygons), items = points
//   share/*        ShareTable Add, MajorityOwners, ShareCatchments; items = distribution rows
//   validate/*     Validate of one PCN's / one STP's practices against the whole snapshot
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/micro/geos_contrast.h"
#include "bench/micro/micro_data.h"
#include "benchmark/benchmark.h"
#include "geo/catchment.h"
#include "geo/contiguity.h"
#include "geo/parallel.h"
#include "geo/resolve.h"
#include "geo/rules/registry.h"
#include "geo/validate.h"

namespace pcnv::bench {
namespace {

constexpr int kAreaTargets[] = {20, 60, 200};
constexpr double kShareThreshold = 0.05;  // ValidationOptions' default

std::vector<const Geometry*> Polygons(const AreaSet& set) {
  std::vector<const Geometry*> out;
  for (int a : set.areas) out.push_back(&Ref().areas()[a].geometry);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Coverage union of a territory

enum class UnionStep { kUnionOfAreas, kRings, kUnionAreas, kCoverageUnion, kUnaryUnion, kIsValid };

void BM_Union(benchmark::State& state, int target, UnionStep step) {
  const AreaSet& set = AreaSetNear(target);
  const std::vector<const Geometry*> polys = Polygons(set);
  const Geometry coverage = PlainCoverageUnion(polys);
  for (auto _ : state) {
    switch (step) {
      case UnionStep::kUnionOfAreas:
        benchmark::DoNotOptimize(UnionOfAreas(Ref(), set.areas).raw());
        break;
      case UnionStep::kRings:
        benchmark::DoNotOptimize(Ref().coverage_rings().Union(set.areas));
        break;
      case UnionStep::kUnionAreas:
        benchmark::DoNotOptimize(UnionAreas(polys).raw());
        break;
      case UnionStep::kCoverageUnion:
        benchmark::DoNotOptimize(PlainCoverageUnion(polys).raw());
        break;
      case UnionStep::kUnaryUnion:
        benchmark::DoNotOptimize(PlainUnaryUnion(polys).raw());
        break;
      case UnionStep::kIsValid:
        benchmark::DoNotOptimize(IsValid(coverage));
        break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(polys.size()));
  int vertices = 0;
  for (const Geometry* g : polys) vertices += NumCoordinates(*g);
  state.counters["areas"] = static_cast<double>(polys.size());
  state.counters["vertices"] = vertices;
  state.counters["parts"] = UnionAreas(polys).NumParts();
  // 1: the coverage union is valid and UnionAreas returns it; 0: UnionAreas falls back.
  state.counters["coverage_ok"] = IsValid(coverage) ? 1 : 0;
  // 1: the areas' rings join (CoverageRings); 0: UnionOfAreas uses UnionAreas.
  state.counters["rings_ok"] = Ref().coverage_rings().Union(set.areas).has_value() ? 1 : 0;
  state.SetLabel(set.label);
}

void BM_Contiguity(benchmark::State& state, int target) {
  const AreaSet& set = AreaSetNear(target);
  const ReferenceData& ref = Ref();
  const ContiguityOptions options = ValidationOptions{}.ruleset.contiguity;
  size_t components = 0;
  for (auto _ : state) {
    ContiguityResult r = AnalyseContiguity(
        ref, set.areas, [](int) { return 1; }, options);
    components = r.components.size();
    benchmark::DoNotOptimize(r.union_geometry.raw());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(set.areas.size()));
  state.counters["areas"] = static_cast<double>(set.areas.size());
  state.counters["components"] = static_cast<double>(components);
  state.SetLabel(set.label);
}

// ---------------------------------------------------------------------------------------------
// Point in polygon

enum class Points { kPractices, kPostcodes, kPostcodesShuffled };

// The postcodes in a fixed pseudo-random order: no two neighbours in a row, so no cache warmth
// from the previous point (contrast with postcode order).
const std::vector<Point>& ShuffledPostcodes() {
  static const std::vector<Point> points = [] {
    std::vector<Point> p = PostcodePoints();
    std::mt19937_64 rng(6);
    std::shuffle(p.begin(), p.end(), rng);
    return p;
  }();
  return points;
}

void BM_AreaContaining(benchmark::State& state, Points which) {
  const std::vector<Point>& points = which == Points::kPractices   ? PracticePoints()
                                     : which == Points::kPostcodes ? PostcodePoints()
                                                                   : ShuffledPostcodes();
  const ReferenceData& ref = Ref();
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    const int a = ref.AreaContaining(points[i]);
    benchmark::DoNotOptimize(a);
    hits += a >= 0;
    if (++i == points.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["points"] = static_cast<double>(points.size());
  state.counters["hit_rate"] = static_cast<double>(hits) / std::max<int64_t>(state.iterations(), 1);
  state.SetLabel(which == Points::kPractices   ? "practice locations (practices.csv), file order"
                 : which == Points::kPostcodes ? "NSPL postcodes B BS LS M NE NG, postcode order"
                                               : "NSPL postcodes B BS LS M NE NG, shuffled");
}

// ---------------------------------------------------------------------------------------------
// Share computation

enum class ShareStep { kAdd, kMajorityOwners, kShareCatchments };

ShareTable BuildTable(const TableRows& t, size_t rows) {
  ShareTable table(t.groups, static_cast<int>(Ref().areas().size()));
  for (size_t i = 0; i < rows; ++i) table.Add(t.rows[i].group, t.rows[i].area, t.rows[i].patients);
  return table;
}

void BM_Share(benchmark::State& state, ShareStep step, bool by_practice, size_t max_rows) {
  const TableRows& t = by_practice ? PracticeRows() : PcnRows();
  const size_t rows = std::min(max_rows, t.rows.size());
  const ShareTable table = BuildTable(t, step == ShareStep::kAdd ? 0 : rows);
  for (auto _ : state) {
    switch (step) {
      case ShareStep::kAdd: {  // what Validate does: a table the size of the snapshot, then rows
        ShareTable fresh = BuildTable(t, rows);
        benchmark::DoNotOptimize(fresh.Total(0));
        break;
      }
      case ShareStep::kMajorityOwners:
        benchmark::DoNotOptimize(table.MajorityOwners().data());
        break;
      case ShareStep::kShareCatchments:
        benchmark::DoNotOptimize(table.ShareCatchments(kShareThreshold).data());
        break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["groups"] = static_cast<double>(t.groups.size());
  state.counters["areas"] = static_cast<double>(Ref().areas().size());
}

// ---------------------------------------------------------------------------------------------
// Validate of one request's input against the whole snapshot

void BM_Validate(benchmark::State& state, Scope scope, std::set<std::string> enabled, bool all) {
  const ValidationInput& input = ScopedInput(scope);
  const ReferenceData& ref = Ref();  // loaded before the clock starts
  ValidationOptions options;
  for (const RuleInfo& r : RuleCatalogue()) {
    if (!all && !enabled.contains(std::string(r.code))) {
      options.ruleset.disabled.insert(std::string(r.code));
    }
  }
  size_t pcns = 0, findings = 0, territory = 0;
  for (auto _ : state) {
    absl::StatusOr<Report> report = Validate(ref, input, options);
    if (!report.ok()) {
      state.SkipWithError(std::string(report.status().message()).c_str());
      break;
    }
    pcns = report->pcns.size();
    findings = report->findings.size();
    territory = 0;
    for (const PcnEntry& e : report->pcns) territory += e.territory_areas.size();
  }
  state.counters["pcns"] = static_cast<double>(pcns);
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["territory_areas"] = static_cast<double>(territory);
  state.SetLabel(ScopeLabel(scope));
}

// The one-PCN request's engine steps one at a time, as Validate runs them (geo/validate.cc).
enum class PcnStep { kResolve, kShareTables, kContiguity, kShareCatchmentUnion };

void BM_OnePcnStep(benchmark::State& state, PcnStep step) {
  const ValidationInput& input = ScopedInput(Scope::kOnePcn);
  const ReferenceData& ref = Ref();
  const int areas = static_cast<int>(ref.areas().size());
  const TableRows pcn_rows = MakeTableRows(input, false);
  const TableRows practice_rows = MakeTableRows(input, true);
  ShareTable table(pcn_rows.groups, areas);
  for (const TableRows::Row& r : pcn_rows.rows) table.Add(r.group, r.area, r.patients);
  const std::vector<int> territory = table.MajorityTerritories().at(0);
  const std::vector<int> catchment = table.ShareCatchments(kShareThreshold).at(0);
  std::vector<const Geometry*> catchment_polys;
  for (int a : catchment) catchment_polys.push_back(&ref.areas()[a].geometry);
  const ContiguityOptions contiguity = ValidationOptions{}.ruleset.contiguity;
  for (auto _ : state) {
    switch (step) {
      case PcnStep::kResolve:
        benchmark::DoNotOptimize(ResolveDistribution(ref, *input.distribution).data());
        break;
      case PcnStep::kShareTables: {  // BuildCatchments' tables and passes, CON003's catchments
        ShareTable t(pcn_rows.groups, areas);
        for (const TableRows::Row& r : pcn_rows.rows) t.Add(r.group, r.area, r.patients);
        benchmark::DoNotOptimize(t.MajorityTerritories());
        benchmark::DoNotOptimize(t.ShareCatchments(kShareThreshold));
        benchmark::DoNotOptimize(t.AreasByGroup());
        ShareTable p(practice_rows.groups, areas);
        for (const TableRows::Row& r : practice_rows.rows) p.Add(r.group, r.area, r.patients);
        benchmark::DoNotOptimize(p.ShareCatchments(kShareThreshold));
        break;
      }
      case PcnStep::kContiguity:
        benchmark::DoNotOptimize(AnalyseContiguity(
                                     ref, territory, [](int) { return 1; }, contiguity)
                                     .components);
        break;
      case PcnStep::kShareCatchmentUnion:
        benchmark::DoNotOptimize(UnionAreas(catchment_polys).raw());
        break;
    }
  }
  state.counters["territory_areas"] = static_cast<double>(territory.size());
  state.counters["catchment_areas"] = static_cast<double>(catchment.size());
  state.counters["snapshot_areas"] = areas;
  state.SetLabel(ScopeLabel(Scope::kOnePcn));
}

// ---------------------------------------------------------------------------------------------

void RegisterAll() {
  using benchmark::kMicrosecond;
  using benchmark::kMillisecond;
  const std::pair<const char*, UnionStep> union_steps[] = {
      {"pcnv_UnionOfAreas", UnionStep::kUnionOfAreas},
      {"CoverageRings", UnionStep::kRings},
      {"pcnv_UnionAreas", UnionStep::kUnionAreas},
      {"GEOSCoverageUnion", UnionStep::kCoverageUnion},
      {"GEOSUnaryUnion", UnionStep::kUnaryUnion},
      {"GEOSisValid_of_coverage_union", UnionStep::kIsValid}};
  for (const auto& [name, step] : union_steps) {
    for (int n : kAreaTargets) {
      benchmark::RegisterBenchmark(absl::StrFormat("union/%s/areas~%d", name, n).c_str(), BM_Union,
                                   n, step)
          ->Unit(kMicrosecond);
    }
  }
  for (int n : kAreaTargets) {
    benchmark::RegisterBenchmark(
        absl::StrFormat("contiguity/AnalyseContiguity/areas~%d", n).c_str(), BM_Contiguity, n)
        ->Unit(kMicrosecond);
  }

  benchmark::RegisterBenchmark("pip/AreaContaining/practices", BM_AreaContaining,
                               Points::kPractices);
  if (HavePostcodes()) {
    benchmark::RegisterBenchmark("pip/AreaContaining/postcodes", BM_AreaContaining,
                                 Points::kPostcodes);
    benchmark::RegisterBenchmark("pip/AreaContaining/postcodes_shuffled", BM_AreaContaining,
                                 Points::kPostcodesShuffled);
  }

  const std::pair<const char*, ShareStep> share_steps[] = {
      {"Add", ShareStep::kAdd},
      {"MajorityOwners", ShareStep::kMajorityOwners},
      {"ShareCatchments", ShareStep::kShareCatchments}};
  for (const auto& [name, step] : share_steps) {
    benchmark::RegisterBenchmark(absl::StrFormat("share/%s/pcn/rows:100000", name).c_str(),
                                 BM_Share, step, false, size_t{100000})
        ->Unit(kMillisecond);
    benchmark::RegisterBenchmark(absl::StrFormat("share/%s/pcn/rows:all", name).c_str(), BM_Share,
                                 step, false, SIZE_MAX)
        ->Unit(kMillisecond);
    benchmark::RegisterBenchmark(absl::StrFormat("share/%s/practice/rows:all", name).c_str(),
                                 BM_Share, step, true, SIZE_MAX)
        ->Unit(kMillisecond);
  }

  // Validate spreads per-PCN work over ThreadCount() threads: wall time, process CPU time.
  const std::pair<const char*, Scope> scopes[] = {{"one_pcn", Scope::kOnePcn},
                                                  {"one_stp", Scope::kOneStp}};
  for (const auto& [name, scope] : scopes) {
    benchmark::RegisterBenchmark(absl::StrFormat("validate/%s/rules:all", name).c_str(),
                                 BM_Validate, scope, std::set<std::string>{}, true)
        ->Unit(kMillisecond)
        ->UseRealTime()
        ->MeasureProcessCPUTime();
    benchmark::RegisterBenchmark(absl::StrFormat("validate/%s/rules:none", name).c_str(),
                                 BM_Validate, scope, std::set<std::string>{}, false)
        ->Unit(kMillisecond)
        ->UseRealTime()
        ->MeasureProcessCPUTime();
  }
  const std::pair<const char*, PcnStep> steps[] = {
      {"ResolveDistribution", PcnStep::kResolve},
      {"ShareTables", PcnStep::kShareTables},
      {"AnalyseContiguity_territory", PcnStep::kContiguity},
      {"UnionAreas_share_catchment", PcnStep::kShareCatchmentUnion}};
  for (const auto& [name, step] : steps) {
    benchmark::RegisterBenchmark(absl::StrFormat("validate/one_pcn/step:%s", name).c_str(),
                                 BM_OnePcnStep, step)
        ->Unit(kMillisecond);
  }
  // CON003 is the one rule with geometry of its own per request (a union of the practices'
  // catchments); the others are sums over the snapshot's precomputed overlay.
  benchmark::RegisterBenchmark("validate/one_pcn/only:CON003", BM_Validate, Scope::kOnePcn,
                               std::set<std::string>{"CON003"}, false)
      ->Unit(kMillisecond)
      ->UseRealTime()
      ->MeasureProcessCPUTime();
}

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace
}  // namespace pcnv::bench

int main(int argc, char** argv) {
  namespace pb = pcnv::bench;
  pb::MicroConfig config{pb::Env("PCNV_BENCH_WORKLOAD"), pb::Env("PCNV_BENCH_DATA")};
  // Our flags come out of argv before Google Benchmark sees the rest.
  std::vector<char*> rest = {argv[0]};
  bool listing = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--workload" || a == "--data") && i + 1 < argc) {
      (a == "--workload" ? config.workload : config.data) = argv[++i];
    } else if (a.rfind("--workload=", 0) == 0) {
      config.workload = a.substr(11);
    } else if (a.rfind("--data=", 0) == 0) {
      config.data = a.substr(7);
    } else {
      listing |= a == "--benchmark_list_tests" || a == "--benchmark_list_tests=true";
      rest.push_back(argv[i]);
    }
  }
  if (!listing && !std::filesystem::is_regular_file(config.workload + "/lsoa11.gpkg")) {
    std::cerr << "pcnv-bench-micro: no workload"
              << (config.workload.empty() ? "" : " at '" + config.workload + "'")
              << ": set PCNV_BENCH_WORKLOAD=DIR or pass --workload DIR, where DIR is the output "
                 "of pcnv-bench-workload --data ../shared/data --out DIR (bench/README.md)\n";
    return 2;
  }
  pb::SetConfig(config);
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 2;
  benchmark::AddCustomContext("workload", config.workload);
  benchmark::AddCustomContext("pcnv_threads", std::to_string(pcnv::ThreadCount()));
  benchmark::AddCustomContext("geos", pcnv::GeosVersion());
  pb::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
