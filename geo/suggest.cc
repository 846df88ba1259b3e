#include "geo/suggest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/parallel.h"
#include "geo/suggest_candidates.h"
#include "geo/suggest_screen.h"

namespace pcnv {
namespace {

// The findings a suggestion may target: ERRORs of these rules (NEST rules by prefix), and
// POP002 for a split.
bool Targeted(const Finding& f) {
  if (f.waiver) return false;
  if (f.rule == "POP002") return true;
  if (f.severity != Severity::kError || f.pcn.empty()) return false;
  return f.rule == "POP001" || f.rule == "CON001" || f.rule == "CON003" ||
         absl::StartsWith(f.rule, "NEST");
}

std::string SeverityOf(const Finding& f) {
  return f.waiver ? "WAIVED" : std::string(SeverityName(f.severity));
}

FindingKey KeyOf(const Finding& f) { return {f.rule, f.pcn, f.practice, SeverityOf(f), f.message}; }

// Findings compare on rule, PCN, practice and severity: a message changes with its numbers.
using Slot = std::tuple<std::string, std::string, std::string, std::string>;
Slot SlotOf(const FindingKey& k) { return {k.rule, k.pcn, k.practice, k.severity}; }

// Rules over the declared boundaries, the snapshot or the distribution's codes alone: no
// membership change alters their findings, so candidates are validated without them (OVL001
// and OVL002 overlay every pair of declared boundaries) and they are left out of comparisons.
bool MembershipBlind(const std::string& rule) {
  return rule == "OVL001" || rule == "OVL002" || rule == "GEO001" || rule == "DAT001";
}

// FNV-1a 64 of the kind and the moves: the same change has the same id in every run.
std::string IdOf(SuggestionKind kind, const std::vector<SuggestedMove>& moves) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  mix(SuggestionKindName(kind));
  for (const SuggestedMove& m : moves) {
    mix(m.practice);
    mix(m.from_pcn);
    mix(m.to_pcn);
  }
  return absl::StrFormat("s%012x", h & 0xffffffffffffULL);
}

PcnMetrics MetricsOf(const ReferenceData& ref, const PcnEntry* e, const std::string& code) {
  PcnMetrics m;
  m.code = code;
  if (e == nullptr) return m;
  m.exists = true;
  m.population = e->population;
  m.practices = static_cast<int>(e->practices.size());
  m.territory_areas = e->territory.areas;
  m.territory_area_km2 = e->territory.area_km2;
  m.parts = e->territory.parts;
  m.components = e->territory.components;
  const Geometry& drawn =
      e->territory_geometry.is_null() ? e->share_catchment_geometry : e->territory_geometry;
  if (!drawn.is_null()) m.territory = std::make_shared<const Geometry>(drawn);
  const int layer = ref.footprint_layer_index(FootprintKind::kIcb);
  if (layer < 0 || e->territory_areas.empty()) return m;
  double total = 0;
  std::map<std::string, double> by_code;
  for (int a : e->territory_areas) {
    const double area = ref.areas()[a].area_m2;
    total += area;
    for (const AreaShare& s : ref.FootprintSharesOf(layer, a)) {
      by_code[ref.footprint_layers()[layer].footprints[s.footprint].code] += area * s.fraction;
    }
  }
  if (total <= 0) return m;
  for (const auto& [code, v] : by_code) {
    m.icb_shares[code] = std::round(v / total * 1e6) / 1e6;
  }
  return m;
}

const PcnEntry* EntryIn(const Report& r, const std::string& code) {
  auto it = std::lower_bound(r.pcns.begin(), r.pcns.end(), code,
                             [](const PcnEntry& e, const std::string& c) { return e.code < c; });
  if (it != r.pcns.end() && it->code == code) return &*it;
  for (const PcnEntry& e : r.pcns) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

// Re-validates candidates on one working copy of the input (memberships changed in place and
// restored: the distribution is the bulk of the input and is never copied).
class Evaluator {
 public:
  Evaluator(const Engine& engine, const ValidationInput& input, const ValidationOptions& options,
            const Report& base, const SuggestWorld& world, const std::set<Slot>& target_slots)
      : engine_(engine),
        work_(input),
        options_(options),
        base_(base),
        world_(world),
        target_slots_(target_slots) {
    options_.other_catchment_geometry = false;
    options_.on_pcn_ready = nullptr;
    for (const char* rule : {"OVL001", "OVL002", "GEO001", "DAT001"}) {
      options_.ruleset.disabled.insert(rule);
    }
    for (size_t i = 0; i < work_.memberships.size(); ++i) {
      const Membership& m = work_.memberships[i];
      if (!m.pcn_code.empty() && !pcn_name_.contains(m.pcn_code)) {
        pcn_name_[m.pcn_code] = m.pcn_name;
      }
      membership_rows_[IndexOf(m.practice_code)].push_back(i);
    }
    // Dense practice numbers, so a neighbourhood is gathered with flags instead of string sets
    // (the gathering was a third of a candidate's time on the national workload).
    if (work_.distribution) {
      row_practice_.reserve(work_.distribution->rows.size());
      for (const DistributionRow& row : work_.distribution->rows) {
        row_practice_.push_back(IndexOf(row.practice_code));
      }
    }
    if (work_.list_sizes) {
      for (size_t i = 0; i < work_.list_sizes->size(); ++i) {
        list_size_rows_[IndexOf((*work_.list_sizes)[i].practice_code)].push_back(i);
      }
    }
  }

  int64_t evaluated() const { return evaluated_.load(); }

  // Re-validates, at once on every core, the candidates not validated before (for this target
  // or another): their results are then in the cache. Deterministic: the same candidates are
  // validated whatever the thread count, and each result depends on its candidate only.
  absl::Status Prepare(const std::vector<const Candidate*>& candidates) {
    std::vector<std::pair<const Candidate*, std::string>> todo;
    for (const Candidate* c : candidates) {
      std::vector<SuggestedMove> moves = Sorted(c->moves);
      std::string id = IdOf(c->kind, moves);
      if (cache_.contains(id)) continue;
      bool twice = false;
      for (const auto& t : todo) twice = twice || t.second == id;
      if (!twice) todo.emplace_back(c, std::move(id));
    }
    std::vector<absl::StatusOr<std::optional<Suggestion>>> out(todo.size(), std::nullopt);
    auto one = [&](size_t i) {
      out[i] = Run(*todo[i].first, Sorted(todo[i].first->moves), todo[i].second);
    };
    if (world_.area_level) {
      ParallelFor(todo.size(), 1, [&](int, size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) one(i);
      });
    } else {
      for (size_t i = 0; i < todo.size(); ++i) one(i);  // ValidateAll edits the shared input
    }
    for (size_t i = 0; i < todo.size(); ++i) {
      if (!out[i].ok()) return out[i].status();
      cache_.emplace(todo[i].second, *std::move(out[i]));
    }
    return absl::OkStatus();
  }

  // The suggestion when the candidate (prepared) clears `target` and adds no ERROR.
  std::optional<Suggestion> Judge(const Candidate& c, const FindingKey& target) const {
    auto cached = cache_.find(IdOf(c.kind, Sorted(c.moves)));
    if (cached == cache_.end() || !cached->second) return std::nullopt;
    const Suggestion& s = *cached->second;
    for (const FindingKey& k : s.resolves) {
      if (SlotOf(k) == SlotOf(target)) return s;
    }
    return std::nullopt;
  }

  static std::vector<SuggestedMove> Sorted(std::vector<SuggestedMove> moves) {
    std::sort(moves.begin(), moves.end(), [](const SuggestedMove& a, const SuggestedMove& b) {
      return std::tie(a.practice, a.from_pcn, a.to_pcn) <
             std::tie(b.practice, b.from_pcn, b.to_pcn);
    });
    return moves;
  }

 private:
  absl::StatusOr<std::optional<Suggestion>> Run(const Candidate& c,
                                                const std::vector<SuggestedMove>& moves,
                                                const std::string& id) {
    ++evaluated_;
    Suggestion s;
    s.id = id;
    s.kind = c.kind;
    s.moves = moves;
    s.merged_pcn = c.merged_pcn;
    s.new_pcn = c.new_pcn;
    s.new_pcn_name = c.new_pcn_name;
    s.patients_moved = c.patients();
    std::set<std::string> touched;
    for (const SuggestedMove& m : moves) {
      touched.insert(m.from_pcn);
      touched.insert(m.to_pcn);
    }
    std::set<std::string> affected = world_.Affected(moves);
    if (!world_.area_level) {  // no territories to bound the effect: check every PCN
      affected.clear();
      for (const PcnEntry& e : base_.pcns) affected.insert(e.code);
      affected.insert(touched.begin(), touched.end());
    }
    std::map<std::string, std::string> moved_to;
    for (const SuggestedMove& m : moves) moved_to[m.practice] = m.to_pcn;
    // The practices of the affected PCNs after the change: their findings are compared.
    std::set<std::string> affected_practices;
    for (const std::string& code : affected) {
      auto e = world_.pcn.find(code);
      if (e == world_.pcn.end()) continue;
      for (const std::string& p : e->second->practices) {
        auto it = moved_to.find(p);
        if (it == moved_to.end() || affected.contains(it->second)) affected_practices.insert(p);
      }
    }
    for (const auto& [p, to] : moved_to) {
      if (affected.contains(to)) affected_practices.insert(p);
    }

    absl::StatusOr<Report> after =
        world_.area_level ? ValidateNeighbourhood(c, moves, affected, affected_practices)
                          : ValidateAll(c, moves, affected);
    if (!after.ok()) return after.status();

    // Compare the findings about the affected PCNs and their practices: those the
    // re-validation computes exactly (whatever lies outside was not re-validated).
    auto visible = [&](const Finding& f) {
      if (MembershipBlind(f.rule)) return false;
      return f.pcn.empty() ? affected_practices.contains(f.practice) : affected.contains(f.pcn);
    };
    std::map<Slot, std::vector<FindingKey>> before_by, after_by;
    for (const Finding& f : base_.findings) {
      if (visible(f)) before_by[SlotOf(KeyOf(f))].push_back(KeyOf(f));
    }
    for (const Finding& f : after->findings) {
      if (visible(f)) after_by[SlotOf(KeyOf(f))].push_back(KeyOf(f));
    }
    bool new_error = false;
    for (const auto& [slot, keys] : after_by) {
      auto b = before_by.find(slot);
      const size_t had = b == before_by.end() ? 0 : b->second.size();
      for (size_t i = had; i < keys.size(); ++i) {
        s.added.push_back(keys[i]);
        new_error = new_error || keys[i].severity == "ERROR";
      }
    }
    for (const auto& [slot, keys] : before_by) {
      auto a = after_by.find(slot);
      const size_t has = a == after_by.end() ? 0 : a->second.size();
      for (size_t i = has; i < keys.size(); ++i) s.removed.push_back(keys[i]);
      // A targeted finding is cleared when its rule says nothing more about its PCN (a PCN
      // can have several CON001 parts: removing one of three clears nothing).
      if (has == 0 && target_slots_.contains(slot)) s.resolves.push_back(keys[0]);
    }
    if (new_error || s.resolves.empty()) return std::nullopt;
    // A split targets POP002: the new PCN must not be above the maximum either (it is new, so
    // a POP002 on it is in `added` and would not count as a new ERROR).
    for (const FindingKey& k : s.added) {
      if (k.rule == "POP002" && c.kind == SuggestionKind::kSplit) return std::nullopt;
    }
    s.errors_after = 0;
    for (const Finding& f : base_.findings) {
      if (!f.waiver && f.severity == Severity::kError) s.errors_after++;
    }
    for (const FindingKey& k : s.removed) s.errors_after -= k.severity == "ERROR" ? 1 : 0;
    s.findings_after = static_cast<int>(base_.findings.size() + s.added.size() - s.removed.size());
    for (const std::string& code : touched) {
      s.before.push_back(MetricsOf(*engine_.reference(), EntryIn(base_, code), code));
      s.after.push_back(MetricsOf(*engine_.reference(), EntryIn(*after, code), code));
    }
    // A merged PCN has no members left: the engine has no entry for it.
    return s;
  }

  void ApplyTo(const Candidate& c, const std::vector<SuggestedMove>& moves, Membership& m) {
    for (const SuggestedMove& mv : moves) {
      if (m.practice_code != mv.practice || m.pcn_code != mv.from_pcn) continue;
      m.pcn_code = mv.to_pcn;
      auto name = pcn_name_.find(mv.to_pcn);
      m.pcn_name = mv.to_pcn == c.new_pcn    ? c.new_pcn_name
                   : name != pcn_name_.end() ? name->second
                                             : std::string();
      return;
    }
  }

  // The whole configuration with the change (memberships changed in place and restored).
  absl::StatusOr<Report> ValidateAll(const Candidate& c, const std::vector<SuggestedMove>& moves,
                                     const std::set<std::string>& affected) {
    std::vector<Membership> saved = work_.memberships;
    for (Membership& m : work_.memberships) ApplyTo(c, moves, m);
    ValidationOptions options = options_;
    options.only_pcns = affected;
    absl::StatusOr<Report> after = engine_.Validate(work_, options);
    work_.memberships = std::move(saved);
    return after;
  }

  // The neighbourhood of the change, which gives the affected PCNs exactly the results the
  // whole configuration would: their practices with all their distribution rows, and every
  // row in an area where they have patients (so each such area's majority owner and N(a) are
  // the whole configuration's), with the memberships of every practice those rows name.
  absl::StatusOr<Report> ValidateNeighbourhood(const Candidate& c,
                                               const std::vector<SuggestedMove>& moves,
                                               const std::set<std::string>& affected,
                                               const std::set<std::string>& practices) {
    const std::vector<DistributionRow>& all = work_.distribution->rows;
    // Each row and practice once: flags, not a sort of the (heavily repeated) row lists.
    std::vector<bool> row_taken(all.size(), false);
    std::vector<bool> member(practice_index_.size(), false);
    std::vector<size_t> rows;
    std::vector<int> members;
    auto take_row = [&](size_t r) {
      if (row_taken[r]) return;
      row_taken[r] = true;
      rows.push_back(r);
      const int p = row_practice_[r];
      if (!member[p]) {
        member[p] = true;
        members.push_back(p);
      }
    };
    std::vector<int> areas;
    for (const std::string& p : practices) {
      auto idx = practice_index_.find(p);
      if (idx != practice_index_.end() && !member[idx->second]) {
        member[idx->second] = true;
        members.push_back(idx->second);
      }
      auto it = world_.rows_of_practice.find(p);
      if (it == world_.rows_of_practice.end()) continue;
      for (size_t r : it->second) take_row(r);
      auto a = world_.practice_areas.find(p);
      if (a != world_.practice_areas.end()) {
        areas.insert(areas.end(), a->second.begin(), a->second.end());
      }
    }
    std::sort(areas.begin(), areas.end());
    areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
    for (int a : areas) {
      for (size_t r : world_.rows_of_area[a]) take_row(r);
    }
    // The input's order, for the same results and errors: read off the flags when the
    // neighbourhood is a large part of the input, else sort the few rows taken.
    if (rows.size() * 16 > all.size()) {
      rows.clear();
      for (size_t r = 0; r < all.size(); ++r) {
        if (row_taken[r]) rows.push_back(r);
      }
    } else {
      std::sort(rows.begin(), rows.end());
    }

    ValidationInput sub;
    Distribution d;
    d.level = work_.distribution->level;
    d.rows.reserve(rows.size());
    for (size_t r : rows) d.rows.push_back(all[r]);
    sub.distribution = std::move(d);
    for (int p : members) {
      for (size_t i : membership_rows_[p]) {  // none: not in the practice file, "outside"
        sub.memberships.push_back(work_.memberships[i]);
        ApplyTo(c, moves, sub.memberships.back());
      }
    }
    std::sort(sub.memberships.begin(), sub.memberships.end(),
              [](const Membership& x, const Membership& y) { return x.row < y.row; });
    if (work_.list_sizes) {
      std::vector<size_t> picked;
      for (int p : members) {
        picked.insert(picked.end(), list_size_rows_[p].begin(), list_size_rows_[p].end());
      }
      std::sort(picked.begin(), picked.end());
      std::vector<ListSize> sizes;
      sizes.reserve(picked.size());
      for (size_t i : picked) sizes.push_back((*work_.list_sizes)[i]);
      sub.list_sizes = std::move(sizes);
    }
    sub.declared = work_.declared;
    sub.practice_register = work_.practice_register;
    ValidationOptions options = options_;
    options.only_pcns = affected;
    return engine_.Validate(sub, options);
  }

  const Engine& engine_;
  ValidationInput work_;
  ValidationOptions options_;
  const Report& base_;
  const SuggestWorld& world_;
  const std::set<Slot>& target_slots_;
  std::map<std::string, std::string> pcn_name_;
  // Practice codes numbered densely (IndexOf); per number its membership and list-size rows.
  int IndexOf(const std::string& code) {
    auto [it, added] = practice_index_.emplace(code, static_cast<int>(practice_index_.size()));
    if (added) {
      membership_rows_.emplace_back();
      list_size_rows_.emplace_back();
    }
    return it->second;
  }
  absl::flat_hash_map<std::string, int> practice_index_;
  std::vector<std::vector<size_t>> membership_rows_;
  std::vector<std::vector<size_t>> list_size_rows_;
  std::vector<int> row_practice_;  // distribution row -> practice number
  std::map<std::string, std::optional<Suggestion>> cache_;
  std::atomic<int64_t> evaluated_{0};
};

bool Better(const Suggestion& a, const Suggestion& b) {
  return std::make_tuple(a.patients_moved, a.moves.size(), a.findings_after, a.id) <
         std::make_tuple(b.patients_moved, b.moves.size(), b.findings_after, b.id);
}

}  // namespace

bool HasFixTargets(const Report& report) {
  return std::any_of(report.findings.begin(), report.findings.end(), Targeted);
}

std::string_view SuggestionKindName(SuggestionKind k) {
  switch (k) {
    case SuggestionKind::kMove:
      return "move";
    case SuggestionKind::kMerge:
      return "merge";
    case SuggestionKind::kSplit:
      return "split";
  }
  return "move";
}

absl::StatusOr<SuggestResult> Suggest(const Engine& engine, const ValidationInput& input,
                                      const ValidationOptions& options, const Report& base,
                                      const SuggestOptions& opt) {
  if (engine.reference() == nullptr) {
    return absl::FailedPreconditionError("reference data is not loaded");
  }
  if (opt.max_practices < 1 || opt.max_per_finding < 1 || opt.max_candidates < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max practices per suggestion, suggestions per finding and candidates per finding must "
        "be at least 1 (given ",
        opt.max_practices, ", ", opt.max_per_finding, ", ", opt.max_candidates, ")"));
  }
  const auto start = std::chrono::steady_clock::now();
  SuggestResult result;
  std::set<Slot> target_slots;
  for (const Finding& f : base.findings) {
    if (!Targeted(f)) continue;
    result.targets.push_back({KeyOf(f), {}, 0});
    target_slots.insert(SlotOf(KeyOf(f)));
  }
  const SuggestWorld world = SuggestWorld::Build(*engine.reference(), input, options, base);
  Evaluator evaluator(engine, input, options, base, world, target_slots);
  TerritoryScreen screen(*engine.reference(), input, options, base);
  const Ruleset& rs = options.ruleset;
  std::map<std::string, size_t> index_of;  // suggestion id -> position in result.suggestions

  int done = 0;
  for (SuggestTarget& target : result.targets) {
    const std::string& rule = target.finding.rule;
    const std::string& pcn = target.finding.pcn;
    std::vector<Suggestion> found;
    // Evaluates candidates (in cost order) until `cap` were validated for this target or
    // enough were found.
    auto run = [&](const std::vector<Candidate>& candidates, int cap) -> absl::Status {
      const size_t found_before = found.size();
      // In batches of a fixed number of candidates to re-validate, each batch on every core at
      // once; the batch, not the thread count, decides what is validated, so the output is the
      // same on any machine. A candidate the screen rules out is judged (and counted) in its
      // place in the order, without re-validation.
      constexpr size_t kBatch = 4;
      size_t next = 0;
      while (next < candidates.size()) {
        if (opt.cancelled && opt.cancelled()) {
          return absl::CancelledError(absl::StrCat("fix search stopped after ", done, " of ",
                                                   result.targets.size(), " findings"));
        }
        std::vector<const Candidate*> batch, to_validate;
        std::vector<bool> screened_out;
        for (; next < candidates.size() && to_validate.size() < kBatch; ++next) {
          if (target.candidates + static_cast<int>(batch.size()) >= cap) break;
          const Candidate& c = candidates[next];
          const bool out = opt.screen && screen.RulesOut(c, rule, pcn);
          batch.push_back(&c);
          screened_out.push_back(out);
          if (out) {
            ++result.candidates_screened;
          } else {
            to_validate.push_back(&c);
          }
        }
        if (batch.empty()) break;
        if (absl::Status st = evaluator.Prepare(to_validate); !st.ok()) return st;
        for (size_t i = 0; i < batch.size(); ++i) {
          ++target.candidates;  // screened out, validated now, or earlier for another target
          if (screened_out[i]) continue;
          if (std::optional<Suggestion> s = evaluator.Judge(*batch[i], target.finding)) {
            found.push_back(*s);
          }
          // Candidates come cheapest first: once enough are found, later ones are dearer.
          if (static_cast<int>(found.size() - found_before) >= opt.max_per_finding) {
            return absl::OkStatus();
          }
        }
      }
      return absl::OkStatus();
    };
    if (rule == "POP002") {
      if (absl::Status s = run(Splits(world, pcn, rs, opt, opt.max_candidates), opt.max_candidates);
          !s.ok()) {
        return s;
      }
    } else {
      const std::vector<Candidate> singles = SingleMoves(world, rule, pcn, rs, opt);
      if (absl::Status s = run(singles, opt.max_candidates); !s.ok()) return s;
      if (found.empty() && opt.max_practices >= 2) {
        const std::vector<Candidate> sets =
            MultiMoves(world, singles, rule, pcn, rs, opt, opt.max_candidates);
        if (absl::Status s = run(sets, opt.max_candidates); !s.ok()) return s;
      }
      // Merges are few (one per neighbour) and always tried, beyond the moves' budget.
      const std::vector<Candidate> merges = Merges(world, pcn, rs, opt);
      if (absl::Status s = run(merges, target.candidates + static_cast<int>(merges.size()));
          !s.ok()) {
        return s;
      }
    }
    std::sort(found.begin(), found.end(), Better);
    if (static_cast<int>(found.size()) > opt.max_per_finding) found.resize(opt.max_per_finding);
    const size_t first_new = result.suggestions.size();
    for (Suggestion& s : found) {
      target.suggestions.push_back(s.id);
      if (index_of.contains(s.id)) continue;
      index_of[s.id] = result.suggestions.size();
      result.suggestions.push_back(std::move(s));
    }
    if (opt.on_target) {
      std::vector<const Suggestion*> fresh;
      fresh.reserve(result.suggestions.size() - first_new);
      for (size_t i = first_new; i < result.suggestions.size(); ++i) {
        fresh.push_back(&result.suggestions[i]);
      }
      if (absl::Status s = opt.on_target(target, fresh); !s.ok()) return s;
    }
    if (opt.progress) opt.progress(++done, static_cast<int>(result.targets.size()));
  }
  result.candidates_evaluated = evaluator.evaluated();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

ValidationInput ApplySuggestion(const ValidationInput& input, const Suggestion& s) {
  ValidationInput out = input;
  std::map<std::string, std::string> names;
  for (const Membership& m : input.memberships) {
    if (!m.pcn_code.empty() && !names.contains(m.pcn_code)) names[m.pcn_code] = m.pcn_name;
  }
  if (!s.new_pcn.empty()) names[s.new_pcn] = s.new_pcn_name;
  for (Membership& m : out.memberships) {
    for (const SuggestedMove& mv : s.moves) {
      if (m.practice_code != mv.practice || m.pcn_code != mv.from_pcn) continue;
      m.pcn_code = mv.to_pcn;
      m.pcn_name = names[mv.to_pcn];
      break;
    }
  }
  return out;
}

}  // namespace pcnv
