// pcnv-bench-national: the benchmark validation (bench/README.md) with pcnv's engine in-process.
//
//   pcnv-bench-national --workload DIR --out result.csv [--reference STORE]
//   pcnv-bench-national --workload DIR (--read-only | --read-floor) [--reference STORE]
//   pcnv-bench-national --workload DIR --build-reference STORE
//
// Reads the workload with geo/io, builds the reference snapshot (area x footprint overlay and
// area adjacency graph, once) or, with --reference, loads it from a reference store that holds
// them precomputed, runs Validate (every rule), then writes one CSV row per PCN from the report:
// population, majority territory (areas, polygon parts, km2) and its area shares in each ICB and
// community footprint, summed per area from ReferenceData::FootprintSharesOf as the nesting rules
// do.
// --read-only stops after reading every input with pcnv's readers (the layers and the CSVs, or
// with --reference the store and the CSVs, what `pcnv validate --reference` reads).
// --read-floor [--reference STORE]: maps the three CSVs (and the store) and scans every byte for
// line ends and commas, nothing decoded: the floor under any reader of those inputs.
// --build-reference builds the snapshot from the workload's layers, writes it as a reference
// store (what `pcnv reference build` does, once per vintage of the layers) and exits.
// Step timings go to stderr.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/fail.h"
#include "geo/io/mapped_file.h"
#include "geo/io/readers.h"
#include "geo/io/reference_store.h"
#include "geo/validate.h"

namespace {

using ::pcnv::bench::Check;
using ::pcnv::bench::Die;

class Stopwatch {
 public:
  void Lap(const char* what) {
    auto now = std::chrono::steady_clock::now();
    std::cerr << absl::StrFormat("pcnv-bench-national: %-28s %8.3f s\n", what,
                                 std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

struct Shares {
  std::string dominant;
  double outside = 0;
  std::string list;  // CODE:share|CODE:share, by code
};

// Area shares of one PCN's territory across one footprint layer: sum over its areas of
// area_m2 * fraction, over the territory's total area (area outside every footprint counts as
// outside). Dominant: largest share, ties to the smaller code.
Shares SharesOf(const pcnv::ReferenceData& ref, int layer, const std::vector<int>& areas) {
  Shares s;
  if (areas.empty()) return s;
  const pcnv::FootprintLayer& fl = ref.footprint_layers()[layer];
  std::map<std::string, double> m2;
  double total = 0;
  for (int a : areas) {
    const double area = ref.areas()[a].area_m2;
    total += area;
    for (const pcnv::AreaShare& sh : ref.FootprintSharesOf(layer, a)) {
      m2[fl.footprints[sh.footprint].code] += area * sh.fraction;
    }
  }
  double best = -1;
  for (const auto& [code, v] : m2) {
    const double share = v / total;
    if (share > best) {
      best = share;
      s.dominant = code;
    }
    if (!s.list.empty()) s.list += '|';
    s.list += absl::StrFormat("%s:%.12f", code, share);
  }
  s.outside = best < 0 ? 1.0 : 1.0 - best;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, out, store, build_store;
  bool read_only = false, read_floor = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--workload" && i + 1 < argc)
      dir = argv[++i];
    else if (a == "--out" && i + 1 < argc)
      out = argv[++i];
    else if (a == "--read-only")
      read_only = true;
    else if (a == "--read-floor")
      read_floor = true;
    else if (a == "--reference" && i + 1 < argc)
      store = argv[++i];
    else if (a == "--build-reference" && i + 1 < argc)
      build_store = argv[++i];
    else
      Die("usage: pcnv-bench-national --workload DIR --out FILE [--read-only | --read-floor] "
          "[--reference STORE] | --workload DIR --build-reference STORE");
  }
  if (dir.empty() || (out.empty() && !read_only && !read_floor && build_store.empty())) {
    Die("--workload and --out are required");
  }
  const pcnv::io::LayerSpec areas{dir + "/lsoa11.gpkg", "lsoa11_code", "lsoa11_name", ""};
  const pcnv::io::LayerSpec icb{dir + "/icb22.gpkg", "ICB22CD", "ICB22NM", ""};
  const pcnv::io::LayerSpec community{dir + "/ltla24.gpkg", "ltla24_code", "ltla24_name", ""};
  Stopwatch clock;

  if (read_floor) {
    // The floor under any reader of these inputs: every byte of the three CSVs and the store
    // mapped and scanned once for line ends and delimiters (what splitting needs), nothing
    // decoded, no number parsed, no row kept.
    size_t bytes = 0, lines = 0, fields = 0;
    std::vector<std::string> files = {dir + "/gp-reg-pat-prac-map.csv",
                                      dir + "/gp-reg-pat-prac-all.csv",
                                      dir + "/gp-reg-pat-prac-lsoa-all.csv"};
    if (!store.empty()) files.push_back(store);
    for (const std::string& path : files) {
      pcnv::io::MappedFile file;
      if (!file.Open(path)) Die("cannot map " + path);
      const std::string_view data = file.data();
      bytes += data.size();
      for (const char* p = data.data(); p < data.data() + data.size(); ++p) {
        lines += *p == '\n';
        fields += *p == ',';
      }
    }
    clock.Lap("scan every input byte");
    std::cerr << absl::StrFormat("pcnv-bench-national: %d files, %d bytes, %d lines, %d commas\n",
                                 files.size(), bytes, lines, fields);
    return 0;
  }
  if (read_only) {
    // pcnv's own readers, nothing validated: with --reference what `pcnv validate --reference`
    // reads (the store), else the three layers; then the three CSVs.
    std::string read;
    if (!store.empty()) {
      read =
          absl::StrFormat("%d areas", Check(pcnv::io::LoadReferenceStore(store))->areas().size());
      clock.Lap("load reference store");
    } else {
      size_t features = 0;
      for (const auto& spec : {areas, icb, community}) {
        features += Check(pcnv::io::ReadVectorLayer(spec)).features.size();
      }
      read = absl::StrFormat("%d features", features);
      clock.Lap("read layers");
    }
    const size_t m = Check(pcnv::io::ReadPracticeMap(dir + "/gp-reg-pat-prac-map.csv")).size();
    const size_t l = Check(pcnv::io::ReadListSizes(dir + "/gp-reg-pat-prac-all.csv")).size();
    const size_t d =
        Check(pcnv::io::ReadDistribution(dir + "/gp-reg-pat-prac-lsoa-all.csv")).rows.size();
    clock.Lap("read tables");
    std::cerr << absl::StrFormat("pcnv-bench-national: read %s, %d + %d + %d rows\n", read, m, l,
                                 d);
    return 0;
  }

  pcnv::io::ReferenceSources sources;
  sources.areas = areas;
  sources.footprints = {{pcnv::FootprintKind::kIcb, icb},
                        {pcnv::FootprintKind::kCommunity, community}};
  std::shared_ptr<const pcnv::ReferenceData> ref;
  if (!build_store.empty()) {
    ref = Check(pcnv::io::BuildReference(sources));
    clock.Lap("read layers + snapshot");
    if (absl::Status s = pcnv::io::WriteReferenceStore(*ref, build_store); !s.ok()) {
      Die(std::string(s.message()));
    }
    clock.Lap("write reference store");
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(build_store, ec);
    const pcnv::AreaAdjacency& g = ref->adjacency();
    std::cerr << absl::StrFormat(
        "pcnv-bench-national: %d areas, %d adjacent pairs (%d touch at points only, %d decided "
        "by GEOS); store %s: %.1f MB\n",
        ref->areas().size(), g.edges(), g.point_contacts(), g.geos_fallbacks(), build_store,
        ec ? -1.0 : bytes / 1e6);
    return 0;
  }
  if (!store.empty()) {
    ref = Check(pcnv::io::LoadReferenceStore(store));
    clock.Lap("load reference store");
  } else {
    ref = Check(pcnv::io::BuildReference(sources));
    clock.Lap("read layers + snapshot");
  }

  pcnv::ValidationInput input;
  input.memberships = Check(pcnv::io::ReadPracticeMap(dir + "/gp-reg-pat-prac-map.csv"));
  input.list_sizes = Check(pcnv::io::ReadListSizes(dir + "/gp-reg-pat-prac-all.csv"));
  input.distribution = Check(pcnv::io::ReadDistribution(dir + "/gp-reg-pat-prac-lsoa-all.csv"));
  clock.Lap("read tables");

  pcnv::ValidationOptions options;  // majority method, default ruleset: every rule
  // As `pcnv validate` without --geo-out: nothing draws the share catchments, so no unions for
  // them (the territories, which the rules check, are still unioned).
  options.other_catchment_geometry = false;
  pcnv::Report report = Check(pcnv::Validate(*ref, input, options));
  clock.Lap("validate (every rule)");

  const int icb_layer = ref->footprint_layer_index(pcnv::FootprintKind::kIcb);
  const int com_layer = ref->footprint_layer_index(pcnv::FootprintKind::kCommunity);
  std::ofstream o(out);
  o << "pcn_code,population,territory_areas,territory_parts,territory_area_km2,"
       "icb_dominant,icb_outside_share,icb_shares,"
       "community_dominant,community_outside_share,community_shares\n";
  for (const pcnv::PcnEntry& e : report.pcns) {  // sorted by code
    double m2 = 0;
    for (int a : e.territory_areas) m2 += ref->areas()[a].area_m2;
    const Shares i = SharesOf(*ref, icb_layer, e.territory_areas);
    const Shares c = SharesOf(*ref, com_layer, e.territory_areas);
    o << absl::StrFormat("%s,%d,%d,%d,%.9f,%s,%.12f,%s,%s,%.12f,%s\n", e.code, e.population,
                         e.territory_areas.size(), e.territory.parts, m2 / 1e6, i.dominant,
                         e.territory_areas.empty() ? 0.0 : i.outside, i.list, c.dominant,
                         e.territory_areas.empty() ? 0.0 : c.outside, c.list);
  }
  if (!o) Die("cannot write " + out);
  o.close();
  clock.Lap("write csv");
  std::cerr << absl::StrFormat("pcnv-bench-national: %d PCNs, %d findings, verdict %s\n",
                               report.pcns.size(), report.findings.size(), report.summary.verdict);
  return 0;
}
