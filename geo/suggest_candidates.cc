#include "geo/suggest_candidates.h"

#include <algorithm>
#include <queue>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "geo/resolve.h"

namespace pcnv {
namespace {

// The most common non-empty value, ties to the smaller; empty when none.
std::string Majority(const std::map<std::string, int>& counts) {
  std::string best;
  int n = 0;
  for (const auto& [value, c] : counts) {
    if (!value.empty() && c > n) {
      best = value;
      n = c;
    }
  }
  return best;
}

// Whether a practice may move from `from` to `to` under the constraints.
bool Allowed(const SuggestWorld& w, const std::string& practice, const std::string& from,
             const std::string& to, const SuggestOptions& opt) {
  if (opt.locked_practices.contains(practice) || opt.locked_pcns.contains(from) ||
      opt.locked_pcns.contains(to)) {
    return false;
  }
  auto crosses = [&](const std::map<std::string, std::string>& mine,
                     const std::map<std::string, std::string>& theirs) {
    auto a = mine.find(practice);
    auto b = theirs.find(to);
    if (a == mine.end() || b == theirs.end() || a->second.empty() || b->second.empty()) {
      return false;  // nothing declared: no boundary to keep
    }
    return a->second != b->second;
  };
  if (!opt.allow_cross_icb && crosses(w.practice_icb, w.pcn_icb)) return false;
  if (!opt.allow_cross_sub_icb && crosses(w.practice_sub_icb, w.pcn_sub_icb)) return false;
  return true;
}

// Populations after the moves, for every PCN they touch.
std::map<std::string, int64_t> PopulationsAfter(const SuggestWorld& w,
                                                const std::vector<SuggestedMove>& moves) {
  std::map<std::string, int64_t> pop;
  for (const SuggestedMove& m : moves) {
    for (const std::string& code : {m.from_pcn, m.to_pcn}) {
      if (!pop.contains(code)) pop[code] = w.Population(code);
    }
    pop[m.from_pcn] -= m.patients;
    pop[m.to_pcn] += m.patients;
  }
  return pop;
}

// No PCN emptied, none pushed below the minimum it met; for POP001 the target reaches it.
bool PopulationsPass(const SuggestWorld& w, const std::vector<SuggestedMove>& moves,
                     const std::string& rule, const std::string& target, const Ruleset& rs) {
  std::map<std::string, int> members;
  for (const SuggestedMove& m : moves) {
    for (const std::string& code : {m.from_pcn, m.to_pcn}) {
      auto it = w.pcn.find(code);
      if (!members.contains(code)) {
        members[code] = it == w.pcn.end() ? 0 : static_cast<int>(it->second->practices.size());
      }
    }
    members[m.from_pcn]--;
    members[m.to_pcn]++;
  }
  for (const auto& [code, n] : members) {
    if (n <= 0) return false;
  }
  for (const auto& [code, after] : PopulationsAfter(w, moves)) {
    if (after < rs.pop_min && w.Population(code) >= rs.pop_min) return false;
  }
  if (rule == "POP001") {
    return PopulationsAfter(w, moves)[target] >= rs.pop_min;
  }
  return true;
}

Candidate OneMove(const SuggestWorld& w, const std::string& practice, const std::string& from,
                  const std::string& to) {
  Candidate c;
  c.moves.push_back({practice, from, to, w.practice_patients.at(practice)});
  return c;
}

bool Touch(const AreaAdjacency& graph, const std::vector<int>& a, const std::vector<int>& b,
           bool point_joins) {
  for (int x : a) {
    if (std::binary_search(b.begin(), b.end(), x)) return true;
    for (const AreaNeighbour& n : graph.Of(x)) {
      if ((n.edge || point_joins) && std::binary_search(b.begin(), b.end(), n.area)) return true;
    }
  }
  return false;
}

}  // namespace

int64_t Candidate::patients() const {
  int64_t n = 0;
  for (const SuggestedMove& m : moves) n += m.patients;
  return n;
}

int64_t SuggestWorld::Population(const std::string& pcn_code) const {
  auto it = pcn.find(pcn_code);
  return it == pcn.end() ? 0 : it->second->population;
}

SuggestWorld SuggestWorld::Build(const ReferenceData& ref, const ValidationInput& input,
                                 const ValidationOptions& options, const Report& base) {
  SuggestWorld w;
  w.ref = &ref;
  for (const PcnEntry& e : base.pcns) w.pcn[e.code] = &e;
  for (const PracticeEntry& p : base.practices) {
    if (p.pcn.empty()) continue;
    w.practice_pcn[p.code] = p.pcn;
  }
  std::map<std::string, std::map<std::string, int>> icb_votes, sub_votes;
  for (const Membership& m : input.memberships) {
    auto it = w.practice_pcn.find(m.practice_code);
    if (it == w.practice_pcn.end() || it->second != m.pcn_code) continue;
    w.practice_icb.emplace(m.practice_code, m.icb_code);
    w.practice_sub_icb.emplace(m.practice_code, m.sub_icb_code);
    icb_votes[m.pcn_code][m.icb_code]++;
    sub_votes[m.pcn_code][m.sub_icb_code]++;
  }
  for (const auto& [code, votes] : icb_votes) w.pcn_icb[code] = Majority(votes);
  for (const auto& [code, votes] : sub_votes) w.pcn_sub_icb[code] = Majority(votes);

  // Patients per practice: its list size, else its distribution total (as its PCN counts it).
  std::map<std::string, int64_t> distribution_total;
  w.area_pcns.resize(ref.areas().size());
  w.rows_of_area.resize(ref.areas().size());
  w.area_level = input.distribution && input.distribution->level == DistributionLevel::kArea &&
                 !ref.areas().empty();
  std::vector<int64_t> area_total(ref.areas().size(), 0);
  std::map<std::string, std::map<int, int64_t>> practice_area_patients;
  if (input.distribution) {
    const std::vector<ResolvedRow> resolved = ResolveDistribution(ref, *input.distribution);
    for (size_t i = 0; i < resolved.size(); ++i) {
      const DistributionRow& row = input.distribution->rows[i];
      distribution_total[row.practice_code] += row.patients;
      w.rows_of_practice[row.practice_code].push_back(i);
      const int a = resolved[i].area;
      if (a < 0) continue;
      w.rows_of_area[a].push_back(i);
      area_total[a] += row.patients;
      practice_area_patients[row.practice_code][a] += row.patients;
    }
  }
  for (const PracticeEntry& p : base.practices) {
    w.practice_patients[p.code] =
        p.list_size ? *p.list_size
                    : (distribution_total.contains(p.code) ? distribution_total[p.code] : 0);
  }
  for (const auto& [code, by_area] : practice_area_patients) {
    std::vector<int>& areas = w.practice_areas[code];
    std::vector<int>& catchment = w.practice_catchment[code];
    auto pcn_it = w.practice_pcn.find(code);
    for (const auto& [a, n] : by_area) {
      areas.push_back(a);
      if (area_total[a] > 0 &&
          static_cast<double>(n) / static_cast<double>(area_total[a]) >= options.share_threshold) {
        catchment.push_back(a);
      }
      if (pcn_it != w.practice_pcn.end()) w.area_pcns[a].push_back(pcn_it->second);
    }
  }
  for (std::vector<std::string>& codes : w.area_pcns) {
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  }

  // Neighbours: territories that touch (an edge, or a point under point adjacency), and the
  // PCNs whose territory holds a practice's location.
  std::vector<const std::string*> owner(ref.areas().size(), nullptr);
  for (const PcnEntry& e : base.pcns) {
    for (int a : e.territory_areas) owner[a] = &e.code;
  }
  const bool point_joins = options.ruleset.contiguity.adjacency == Adjacency::kPoint;
  for (const PcnEntry& e : base.pcns) {
    std::set<std::string>& mine = w.neighbours[e.code];
    for (int a : e.territory_areas) {
      for (const AreaNeighbour& n : ref.adjacency().Of(a)) {
        if (!n.edge && !point_joins) continue;
        if (owner[n.area] != nullptr && *owner[n.area] != e.code) mine.insert(*owner[n.area]);
      }
    }
  }
  if (!ref.areas().empty()) {
    for (const PracticeEntry& p : base.practices) {
      if (!p.location || p.pcn.empty()) continue;
      const int a = ref.AreaContaining(*p.location);
      if (a < 0 || owner[a] == nullptr || *owner[a] == p.pcn) continue;
      w.neighbours[p.pcn].insert(*owner[a]);
      w.neighbours[*owner[a]].insert(p.pcn);
    }
  }
  return w;
}

std::set<std::string> SuggestWorld::Affected(const std::vector<SuggestedMove>& moves) const {
  std::set<std::string> out;
  for (const SuggestedMove& m : moves) {
    out.insert(m.from_pcn);
    out.insert(m.to_pcn);
    auto it = practice_areas.find(m.practice);
    if (it == practice_areas.end()) continue;
    for (int a : it->second) out.insert(area_pcns[a].begin(), area_pcns[a].end());
  }
  return out;
}

std::vector<Candidate> SingleMoves(const SuggestWorld& w, const std::string& rule,
                                   const std::string& target, const Ruleset& rs,
                                   const SuggestOptions& opt) {
  std::vector<Candidate> out;
  auto it = w.neighbours.find(target);
  auto self = w.pcn.find(target);
  if (it == w.neighbours.end() || self == w.pcn.end()) return out;
  for (const std::string& other : it->second) {
    // Into the target: every PCN's error can be fixed by a gain; out of it only what is not a
    // population shortfall.
    for (const std::string& p : w.pcn.at(other)->practices) {
      if (!Allowed(w, p, other, target, opt)) continue;
      Candidate c = OneMove(w, p, other, target);
      if (PopulationsPass(w, c.moves, rule, target, rs)) out.push_back(std::move(c));
    }
    if (rule == "POP001") continue;
    for (const std::string& p : self->second->practices) {
      if (!Allowed(w, p, target, other, opt)) continue;
      Candidate c = OneMove(w, p, target, other);
      if (PopulationsPass(w, c.moves, rule, target, rs)) out.push_back(std::move(c));
    }
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    const SuggestedMove& x = a.moves[0];
    const SuggestedMove& y = b.moves[0];
    return std::tie(x.patients, x.practice, x.to_pcn) < std::tie(y.patients, y.practice, y.to_pcn);
  });
  return out;
}

std::vector<Candidate> MultiMoves(const SuggestWorld& w, const std::vector<Candidate>& singles,
                                  const std::string& rule, const std::string& target,
                                  const Ruleset& rs, const SuggestOptions& opt, size_t limit) {
  // For POP001 the single moves were filtered on reaching the minimum alone; sets need every
  // move into the target, so gather them again without that condition.
  std::vector<SuggestedMove> pool;
  auto it = w.neighbours.find(target);
  if (rule == "POP001" && it != w.neighbours.end()) {
    for (const std::string& other : it->second) {
      for (const std::string& p : w.pcn.at(other)->practices) {
        if (Allowed(w, p, other, target, opt)) {
          pool.push_back(OneMove(w, p, other, target).moves[0]);
        }
      }
    }
  } else {
    for (const Candidate& c : singles) pool.push_back(c.moves[0]);
  }
  std::sort(pool.begin(), pool.end(), [](const SuggestedMove& x, const SuggestedMove& y) {
    return std::tie(x.patients, x.practice, x.to_pcn) < std::tie(y.patients, y.practice, y.to_pcn);
  });
  // For POP001 the largest practices are what reach the minimum: keep both ends of the pool.
  constexpr size_t kPool = 14;
  if (pool.size() > kPool) {
    std::vector<SuggestedMove> kept(pool.begin(), pool.begin() + kPool / 2);
    kept.insert(kept.end(), pool.end() - kPool / 2, pool.end());
    pool = std::move(kept);
  }
  // Every set of 2..k distinct practices, then the cheapest `limit` that pass the arithmetic.
  std::vector<Candidate> out;
  const int k = std::min<int>(opt.max_practices, static_cast<int>(pool.size()));
  std::vector<int> pick;
  auto visit = [&](auto&& self, size_t start) -> void {
    if (pick.size() >= 2) {
      Candidate c;
      std::set<std::string> seen;
      bool distinct = true;
      for (int i : pick) {
        distinct = distinct && seen.insert(pool[i].practice).second;
        c.moves.push_back(pool[i]);
      }
      if (distinct && PopulationsPass(w, c.moves, rule, target, rs)) out.push_back(std::move(c));
    }
    if (static_cast<int>(pick.size()) == k) return;
    for (size_t i = start; i < pool.size(); ++i) {
      pick.push_back(static_cast<int>(i));
      self(self, i + 1);
      pick.pop_back();
    }
  };
  if (k >= 2) visit(visit, 0);
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return std::make_pair(a.patients(), a.moves.size()) <
           std::make_pair(b.patients(), b.moves.size());
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::vector<Candidate> Merges(const SuggestWorld& w, const std::string& target, const Ruleset& rs,
                              const SuggestOptions& opt) {
  std::vector<Candidate> out;
  auto it = w.neighbours.find(target);
  if (it == w.neighbours.end() || opt.locked_pcns.contains(target)) return out;
  for (const std::string& other : it->second) {
    if (opt.locked_pcns.contains(other)) continue;
    if (w.Population(target) + w.Population(other) > rs.pop_usual_max) continue;
    // The smaller joins the larger (fewer patients change PCN); equal: the larger code joins.
    const bool target_joins =
        std::make_pair(w.Population(target), other) < std::make_pair(w.Population(other), target);
    const std::string& from = target_joins ? target : other;
    const std::string& to = target_joins ? other : target;
    Candidate c;
    c.kind = SuggestionKind::kMerge;
    c.merged_pcn = from;
    bool ok = true;
    for (const std::string& p : w.pcn.at(from)->practices) {
      if (!Allowed(w, p, from, to, opt)) ok = false;
      c.moves.push_back({p, from, to, w.practice_patients.at(p)});
    }
    if (ok) out.push_back(std::move(c));
  }
  return out;
}

std::vector<Candidate> Splits(const SuggestWorld& w, const std::string& target, const Ruleset& rs,
                              const SuggestOptions& opt, size_t limit) {
  std::vector<Candidate> out;
  auto self = w.pcn.find(target);
  if (self == w.pcn.end() || opt.locked_pcns.contains(target)) return out;
  const std::vector<std::string>& ps = self->second->practices;
  const int n = static_cast<int>(ps.size());
  constexpr int kMaxPractices = 16;  // 2^15 bipartitions at most
  if (n < 2 || n > kMaxPractices) return out;
  const bool point_joins = false;
  std::vector<std::vector<int>> catchments(n);
  for (int i = 0; i < n; ++i) {
    auto it = w.practice_catchment.find(ps[i]);
    if (it != w.practice_catchment.end()) catchments[i] = it->second;
  }
  std::vector<uint32_t> linked(n, 0);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      if (Touch(w.ref->adjacency(), catchments[i], catchments[j], point_joins)) {
        linked[i] |= 1U << j;
        linked[j] |= 1U << i;
      }
    }
  }
  auto connected = [&](uint32_t group) {
    if (group == 0) return false;
    uint32_t reached = group & (~group + 1);  // lowest member
    for (uint32_t frontier = reached; frontier != 0;) {
      uint32_t next = 0;
      for (int i = 0; i < n; ++i) {
        if ((frontier >> i) & 1U) next |= linked[i] & group;
      }
      frontier = next & ~reached;
      reached |= next;
    }
    return reached == group;
  };
  const uint32_t all = (1U << n) - 1;
  for (uint32_t moved = 1; moved < all; ++moved) {
    if (moved & 1U) continue;  // the first practice stays: each split once
    bool locked = false;
    int64_t pop_moved = 0;
    for (int i = 0; i < n; ++i) {
      if (!((moved >> i) & 1U)) continue;
      locked = locked || opt.locked_practices.contains(ps[i]);
      pop_moved += w.practice_patients.at(ps[i]);
    }
    const int64_t pop_kept = w.Population(target) - pop_moved;
    auto within = [&](int64_t p) { return p >= rs.pop_min && p <= rs.pop_usual_max; };
    if (locked || !within(pop_moved) || !within(pop_kept)) continue;
    if (!connected(moved) || !connected(all & ~moved)) continue;
    Candidate c;
    c.kind = SuggestionKind::kSplit;
    c.new_pcn = target + "-2";
    c.new_pcn_name = self->second->name + " (2)";
    for (int i = 0; i < n; ++i) {
      if ((moved >> i) & 1U) {
        c.moves.push_back({ps[i], target, c.new_pcn, w.practice_patients.at(ps[i])});
      }
    }
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return std::make_pair(a.patients(), a.moves.size()) <
           std::make_pair(b.patients(), b.moves.size());
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace pcnv
