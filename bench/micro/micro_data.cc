#include "bench/micro/micro_data.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "bench/fail.h"
#include "geo/catchment.h"
#include "geo/io/readers.h"
#include "geo/io/reference_store.h"
#include "geo/options.h"
#include "geo/resolve.h"

namespace pcnv::bench {
namespace {

MicroConfig& MutableConfig() {
  static MicroConfig config;
  return config;
}

using ::pcnv::bench::Check;
using ::pcnv::bench::Die;

// Runs `load`, then tells stderr how long it took (loading is not part of any measurement).
template <typename F>
auto Timed(const char* what, F load) {
  const auto start = std::chrono::steady_clock::now();
  auto result = load();
  std::cerr << absl::StrFormat(
      "pcnv-bench-micro: loaded %s in %.2f s\n", what,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return result;
}

std::string Path(const char* file) { return Config().workload + "/" + file; }

// NSPL postcode areas read for PostcodePoints: dense English cities, about 290k postcodes.
constexpr const char* kPostcodeAreas[] = {"B", "BS", "LS", "M", "NE", "NG"};

std::string NsplDir() { return Config().data + "/postcodes/nspl_2025-05"; }

std::vector<std::string> Sorted(absl::flat_hash_set<std::string> codes) {
  std::vector<std::string> out(codes.begin(), codes.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TableRows MakeTableRows(const ValidationInput& in, bool by_practice) {
  // Practice -> PCN as Validate takes it: the first real membership row.
  absl::flat_hash_map<std::string, std::string> pcn_of;
  absl::flat_hash_set<std::string> pcns, practices;
  for (const Membership& m : in.memberships) {
    practices.insert(m.practice_code);
    if (m.pcn_code.empty() || m.pcn_code == kUnallocatedPcn) continue;
    pcns.insert(m.pcn_code);
    pcn_of.try_emplace(m.practice_code, m.pcn_code);
  }
  TableRows t;
  t.groups = Sorted(by_practice ? practices : pcns);
  absl::flat_hash_map<std::string, int> index;
  for (size_t i = 0; i < t.groups.size(); ++i) index[t.groups[i]] = static_cast<int>(i);
  const std::vector<ResolvedRow> resolved = ResolveDistribution(Ref(), *in.distribution);
  for (size_t i = 0; i < resolved.size(); ++i) {
    if (resolved[i].area < 0) continue;
    const DistributionRow& r = in.distribution->rows[i];
    int group = -1;
    if (by_practice) {
      auto g = index.find(r.practice_code);
      if (g != index.end()) group = g->second;
    } else if (auto p = pcn_of.find(r.practice_code); p != pcn_of.end()) {
      group = index.at(p->second);
    }
    t.rows.push_back({group, resolved[i].area, r.patients});
  }
  return t;
}

namespace {

struct Candidates {
  std::vector<AreaSet> sets;  // territories, then share catchments, each by PCN code
};

Candidates MakeCandidates() {
  const TableRows& rows = PcnRows();
  ShareTable table(rows.groups, static_cast<int>(Ref().areas().size()));
  for (const TableRows::Row& r : rows.rows) table.Add(r.group, r.area, r.patients);
  Candidates c;
  const auto territories = table.MajorityTerritories();
  const auto catchments = table.ShareCatchments(ValidationOptions{}.share_threshold);
  for (size_t g = 0; g < rows.groups.size(); ++g) {
    c.sets.push_back({rows.groups[g] + " territory", territories[g]});
  }
  for (size_t g = 0; g < rows.groups.size(); ++g) {
    c.sets.push_back({rows.groups[g] + " share catchment", catchments[g]});
  }
  return c;
}

std::vector<Point> ReadPracticePoints() {
  std::ifstream f(Path("practices.csv"));
  if (!f) Die("cannot read " + Path("practices.csv"));
  std::string line;
  std::getline(f, line);  // practice_code,postcode,easting,northing
  std::vector<Point> out;
  while (std::getline(f, line)) {
    std::stringstream s(line);
    std::string code, postcode, e, n;
    if (!std::getline(s, code, ',') || !std::getline(s, postcode, ',') ||
        !std::getline(s, e, ',') || !std::getline(s, n, ',') || e.empty() || n.empty()) {
      continue;  // not geocoded
    }
    out.push_back({std::stod(e), std::stod(n)});
  }
  if (out.empty()) Die(Path("practices.csv") + ": no geocoded practice");
  return out;
}

std::vector<Point> ReadPostcodePoints() {
  std::vector<std::pair<std::string, Point>> all;
  for (const char* area : kPostcodeAreas) {
    io::PostcodeDirectory dir =
        Check(io::ReadPostcodeDirectory(absl::StrFormat("%s/%s.csv", NsplDir(), area)));
    for (auto& [code, entry] : dir.entries) all.emplace_back(code, entry.location);
  }
  // Postcode order, as the files list them: neighbours in the file are neighbours on the map.
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Point> out;
  out.reserve(all.size());
  for (const auto& [code, p] : all) out.push_back(p);
  return out;
}

struct Scoped {
  ValidationInput input;
  std::string label;
};

// Cuts the rows of `practices` out of the workload.
ValidationInput Cut(const absl::flat_hash_set<std::string>& practices) {
  const ValidationInput& in = Tables();
  ValidationInput out;
  for (const Membership& m : in.memberships) {
    if (practices.contains(m.practice_code)) out.memberships.push_back(m);
  }
  out.list_sizes.emplace();
  for (const ListSize& l : *in.list_sizes) {
    if (practices.contains(l.practice_code)) out.list_sizes->push_back(l);
  }
  out.distribution.emplace();
  out.distribution->level = in.distribution->level;
  for (const DistributionRow& r : in.distribution->rows) {
    if (practices.contains(r.practice_code)) out.distribution->rows.push_back(r);
  }
  return out;
}

Scoped MakeScoped(Scope scope) {
  const ValidationInput& in = Tables();
  absl::flat_hash_map<std::string, int64_t> list_size;
  for (const ListSize& l : *in.list_sizes) list_size[l.practice_code] = l.patients;
  // Group -> practices, by PCN code or by the STP code the 2020-09 map gives (ICB_CODE field).
  std::map<std::string, absl::flat_hash_set<std::string>> groups;
  for (const Membership& m : in.memberships) {
    const std::string& key = scope == Scope::kOnePcn ? m.pcn_code : m.icb_code;
    if (key.empty() || key == kUnallocatedPcn) continue;
    groups[key].insert(m.practice_code);
  }
  if (groups.empty()) Die(Path("gp-reg-pat-prac-map.csv") + ": no PCN or STP codes");
  std::vector<std::pair<int64_t, std::string>> order;  // (size, code)
  for (const auto& [code, practices] : groups) {
    int64_t size = 0;
    for (const std::string& p : practices) {
      size += scope == Scope::kOnePcn ? (list_size.contains(p) ? list_size[p] : 0) : 1;
    }
    order.push_back({size, code});
  }
  std::sort(order.begin(), order.end());
  const auto& [size, code] = order[(order.size() - 1) / 2];
  Scoped s;
  s.input = Cut(groups[code]);
  s.label = absl::StrFormat("%s %s: %d practices, %d distribution rows",
                            scope == Scope::kOnePcn ? "PCN" : "STP", code, groups[code].size(),
                            s.input.distribution->rows.size());
  return s;
}

const Scoped& GetScoped(Scope scope) {
  Tables();
  if (scope == Scope::kOnePcn) {
    static const Scoped pcn = Timed("one-PCN input", [] { return MakeScoped(Scope::kOnePcn); });
    return pcn;
  }
  static const Scoped stp = Timed("one-STP input", [] { return MakeScoped(Scope::kOneStp); });
  return stp;
}

}  // namespace

void SetConfig(MicroConfig config) { MutableConfig() = std::move(config); }
const MicroConfig& Config() { return MutableConfig(); }

const ReferenceData& Ref() {
  static const std::shared_ptr<const ReferenceData> ref = Timed("snapshot", [] {
    io::ReferenceSources sources;  // the layers and fields pcnv-bench-national reads
    sources.areas = io::LayerSpec{Path("lsoa11.gpkg"), "lsoa11_code", "lsoa11_name", ""};
    sources.footprints = {
        {FootprintKind::kIcb, {Path("icb22.gpkg"), "ICB22CD", "ICB22NM", ""}},
        {FootprintKind::kCommunity, {Path("ltla24.gpkg"), "ltla24_code", "ltla24_name", ""}}};
    return Check(io::BuildReference(sources));
  });
  return *ref;
}

const ValidationInput& Tables() {
  static const ValidationInput input = Timed("tables", [] {
    ValidationInput in;
    in.memberships = Check(io::ReadPracticeMap(Path("gp-reg-pat-prac-map.csv")));
    in.list_sizes = Check(io::ReadListSizes(Path("gp-reg-pat-prac-all.csv")));
    in.distribution = Check(io::ReadDistribution(Path("gp-reg-pat-prac-lsoa-all.csv")));
    return in;
  });
  return input;
}

const TableRows& PcnRows() {
  Tables();  // loaded (and timed) on their own
  Ref();
  static const TableRows rows =
      Timed("PCN table rows", [] { return MakeTableRows(Tables(), false); });
  return rows;
}

const TableRows& PracticeRows() {
  Tables();
  Ref();
  static const TableRows rows =
      Timed("practice table rows", [] { return MakeTableRows(Tables(), true); });
  return rows;
}

const AreaSet& AreaSetNear(int target) {
  PcnRows();
  static const Candidates candidates = Timed("territories", MakeCandidates);
  static std::map<int, const AreaSet*> chosen;
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  const AreaSet*& best = chosen[target];
  if (best == nullptr) {
    for (const AreaSet& s : candidates.sets) {  // first nearest wins: territories come first
      const auto gap = [&](const AreaSet& x) {
        return std::abs(static_cast<int>(x.areas.size()) - target);
      };
      if (!s.areas.empty() && (best == nullptr || gap(s) < gap(*best))) best = &s;
    }
    if (best == nullptr) Die("no PCN territory in the workload");
  }
  return *best;
}

const std::vector<Point>& PracticePoints() {
  static const std::vector<Point> points = Timed("practice points", ReadPracticePoints);
  return points;
}

bool HavePostcodes() { return !Config().data.empty() && std::filesystem::is_directory(NsplDir()); }

const std::vector<Point>& PostcodePoints() {
  static const std::vector<Point> points = Timed("NSPL postcodes", ReadPostcodePoints);
  return points;
}

const ValidationInput& ScopedInput(Scope scope) { return GetScoped(scope).input; }
const std::string& ScopeLabel(Scope scope) { return GetScoped(scope).label; }

}  // namespace pcnv::bench
