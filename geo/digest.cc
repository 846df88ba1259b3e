#include "geo/digest.h"

#include <algorithm>
#include <future>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "geo/input_limits.h"
#include "geo/parallel.h"

namespace pcnv {
namespace {

bool IsRealPcn(const std::string& code) { return !code.empty() && code != kUnallocatedPcn; }

// Practices from the membership rows, with list sizes and distribution totals attached.
void DigestPractices(ValidationContext& ctx) {
  for (const Membership& m : ctx.input.memberships) {
    PracticeInfo& p = ctx.practices[m.practice_code];
    if (p.code.empty()) {
      p.code = m.practice_code;
      p.name = m.practice_name;
      p.postcode = m.practice_postcode;
      if (m.list_size) p.list_size = m.list_size;
    }
    if (!p.location && m.location) p.location = m.location;
    p.rows.push_back(m.row);
    if (!IsRealPcn(m.pcn_code)) {
      p.unallocated_row = true;
    } else if (std::find(p.pcns.begin(), p.pcns.end(), m.pcn_code) == p.pcns.end()) {
      p.pcns.push_back(m.pcn_code);
    }
  }
  for (auto& [code, p] : ctx.practices) {
    if (!p.pcns.empty()) p.pcn = p.pcns.front();
    if (!p.location && !p.postcode.empty()) {
      if (const PostcodeEntry* pc = ctx.ref.FindPostcode(p.postcode)) p.location = pc->location;
    }
  }
  if (ctx.input.list_sizes) {
    for (const ListSize& ls : *ctx.input.list_sizes) {
      auto it = ctx.practices.find(ls.practice_code);
      if (it != ctx.practices.end()) it->second.list_size = ls.patients;
    }
  }
  if (ctx.input.distribution) {
    // Rows come grouped by practice (NHS Digital's files are): look a practice up once per run.
    auto it = ctx.practices.end();
    const std::string* last = nullptr;
    for (const DistributionRow& r : ctx.input.distribution->rows) {
      if (last == nullptr || *last != r.practice_code) {
        it = ctx.practices.find(r.practice_code);
        last = &r.practice_code;
      }
      if (it == ctx.practices.end()) {
        auto& u = ctx.unlisted_practices[r.practice_code];
        u.first++;
        AddPatients(u.second, r.patients);
        continue;
      }
      AddPatients(it->second.distribution_total, r.patients);
      it->second.distribution_rows++;
    }
  }
}

// PCNs from their practices, each with its population and the basis it was counted on.
void DigestPcns(ValidationContext& ctx) {
  std::map<std::string, PcnInfo> by_code;
  // Names from the first membership row that names the PCN.
  for (const Membership& m : ctx.input.memberships) {
    if (!IsRealPcn(m.pcn_code)) continue;
    PcnInfo& k = by_code[m.pcn_code];
    k.code = m.pcn_code;
    if (k.name.empty()) k.name = m.pcn_name;
  }
  for (const auto& [code, p] : ctx.practices) {
    if (!p.pcn.empty()) by_code[p.pcn].practices.push_back(code);  // map order: sorted
  }
  for (auto& [code, k] : by_code) {
    bool any_list = false, any_dist = false;
    for (const std::string& pc : k.practices) {
      const PracticeInfo& p = ctx.practices.at(pc);
      if (p.list_size) {
        AddPatients(k.population, *p.list_size);
        any_list = true;
      } else if (ctx.has_distribution() && p.distribution_rows > 0) {
        AddPatients(k.population, p.distribution_total);
        any_dist = true;
      } else {
        k.practices_without_counts.push_back(pc);
      }
    }
    k.population_basis = any_list && any_dist ? "mixed"
                         : any_list           ? "list_sizes"
                         : any_dist           ? "distribution"
                                              : "none";
    ctx.pcns.push_back(std::move(k));
  }
}

}  // namespace

bool WorthASecondThread(size_t distribution_rows) {
  return distribution_rows >= 50000 && ThreadCount() > 1;
}

void DigestInput(ValidationContext& ctx) {
  DigestPractices(ctx);
  DigestPcns(ctx);
}

void BuildCatchments(ValidationContext& ctx) {
  if (!ctx.has_distribution()) return;
  const Distribution& d = *ctx.input.distribution;
  if (ctx.resolved.size() != d.rows.size()) ctx.resolved = ResolveDistribution(ctx.ref, d);
  std::vector<std::string> codes;
  absl::flat_hash_map<std::string, int> group_of_pcn;
  for (const PcnInfo& k : ctx.pcns) {
    group_of_pcn[k.code] = static_cast<int>(codes.size());
    codes.push_back(k.code);
  }
  // Each practice's group in the PCN table (-1: outside every PCN) and in the practice table
  // (CON003: every practice in the memberships is a group; -1 for practices not listed).
  absl::flat_hash_map<std::string, std::pair<int, int>> groups_of_practice;
  for (const auto& [code, p] : ctx.practices) {
    const int pcn_group = p.pcn.empty() ? -1 : group_of_pcn[p.pcn];
    groups_of_practice[code] = {pcn_group, static_cast<int>(ctx.practice_codes.size())};
    ctx.practice_codes.push_back(code);
  }
  // Adds every resolved row to `table`, under the practice's group in the PCN table (which == 0)
  // or in the practice table (which == 1).
  auto fill = [&](ShareTable& table, int which) {
    int group = -1;
    const std::string* last = nullptr;  // rows come grouped by practice: one lookup per run
    for (size_t i = 0; i < d.rows.size(); ++i) {
      if (ctx.resolved[i].area < 0) continue;
      const DistributionRow& row = d.rows[i];
      if (last == nullptr || *last != row.practice_code) {
        auto g = groups_of_practice.find(row.practice_code);
        group = g == groups_of_practice.end() ? -1
                : which == 0                  ? g->second.first
                                              : g->second.second;
        last = &row.practice_code;
      }
      table.Add(group, ctx.resolved[i].area, row.patients);
    }
  };
  const int area_count = static_cast<int>(ctx.ref.areas().size());
  auto practice_catchments = [&] {
    ShareTable practices(ctx.practice_codes, area_count);
    fill(practices, 1);
    return practices.ShareCatchments(ctx.options.share_threshold);
  };
  // The practice table does not depend on the PCN table: for a large distribution (a national
  // one is 850,000 rows, 0.1 s for the two tables) it is built beside it, on another thread.
  std::future<std::vector<std::vector<int>>> practices_beside;
  if (WorthASecondThread(d.rows.size())) {
    practices_beside = std::async(std::launch::async, practice_catchments);
  }
  ShareTable table(std::move(codes), area_count);
  fill(table, 0);
  ctx.majority_areas = table.MajorityTerritories();
  ctx.share_areas = table.ShareCatchments(ctx.options.share_threshold);
  ctx.catchment_areas =
      ctx.options.method == CatchmentMethod::kShare ? ctx.share_areas : ctx.majority_areas;
  ctx.patient_areas = table.AreasByGroup();
  ctx.pcn_table = std::move(table);
  ctx.practice_catchments =
      practices_beside.valid() ? practices_beside.get() : practice_catchments();
}

}  // namespace pcnv
