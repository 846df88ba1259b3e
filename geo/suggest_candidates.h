// Candidate generation for fix suggestions (geo/suggest.h): the neighbourhood of each PCN on
// the snapshot's area graph, and the moves, merges and splits worth re-validating, cheapest
// first. Nothing here validates; geo/suggest.cc evaluates what these produce.
#ifndef PCNV_GEO_SUGGEST_CANDIDATES_H_
#define PCNV_GEO_SUGGEST_CANDIDATES_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "geo/model.h"
#include "geo/options.h"
#include "geo/reference.h"
#include "geo/report.h"
#include "geo/suggest.h"

namespace pcnv {

// What the search needs about the configuration, read once from the input and its report.
struct SuggestWorld {
  const ReferenceData* ref = nullptr;
  std::map<std::string, const PcnEntry*> pcn;        // code -> report entry
  std::map<std::string, int64_t> practice_patients;  // what it adds to its PCN
  std::map<std::string, std::string> practice_pcn;   // the PCN it counts in
  std::map<std::string, std::string> practice_icb;   // declared (mapping) codes
  std::map<std::string, std::string> practice_sub_icb;
  std::map<std::string, std::string> pcn_icb;  // members' majority
  std::map<std::string, std::string> pcn_sub_icb;
  std::map<std::string, std::vector<int>> practice_areas;      // areas with its patients
  std::vector<std::vector<std::string>> area_pcns;             // PCNs with patients there
  std::map<std::string, std::set<std::string>> neighbours;     // PCN -> neighbouring PCNs
  std::map<std::string, std::vector<int>> practice_catchment;  // share catchment (CON003)
  bool area_level = false;  // a distribution by area: territories exist
  // Distribution rows by practice and by area (indices into input.distribution->rows), for the
  // neighbourhood a candidate is re-validated on.
  std::map<std::string, std::vector<size_t>> rows_of_practice;
  std::vector<std::vector<size_t>> rows_of_area;

  static SuggestWorld Build(const ReferenceData& ref, const ValidationInput& input,
                            const ValidationOptions& options, const Report& base);
  // PCNs whose per-PCN checks a set of moves can change (territories, populations).
  std::set<std::string> Affected(const std::vector<SuggestedMove>& moves) const;
  int64_t Population(const std::string& pcn) const;
};

struct Candidate {
  SuggestionKind kind = SuggestionKind::kMove;
  std::vector<SuggestedMove> moves;
  std::string merged_pcn, new_pcn, new_pcn_name;
  int64_t patients() const;
};

// Single moves between `target` and its neighbours allowed by the constraints and by plain
// population arithmetic (no PCN emptied, none pushed below the minimum it was above), cheapest
// first. For POP001 only moves into the target that lift it to the minimum.
std::vector<Candidate> SingleMoves(const SuggestWorld& w, const std::string& rule,
                                   const std::string& target, const Ruleset& rs,
                                   const SuggestOptions& opt);
// Sets of 2..max_practices of those moves (distinct practices), by total patients, at most
// `limit`; POP001 sets must reach the minimum.
std::vector<Candidate> MultiMoves(const SuggestWorld& w, const std::vector<Candidate>& singles,
                                  const std::string& rule, const std::string& target,
                                  const Ruleset& rs, const SuggestOptions& opt, size_t limit);
// Merges of the target with each neighbour, within the usual maximum (the smaller one joins
// the larger).
std::vector<Candidate> Merges(const SuggestWorld& w, const std::string& target, const Ruleset& rs,
                              const SuggestOptions& opt);
// Splits of the target into two groups of practices, each connected (CON003's sense) and
// within [minimum, usual maximum], the smaller moved group first; at most `limit`.
std::vector<Candidate> Splits(const SuggestWorld& w, const std::string& target, const Ruleset& rs,
                              const SuggestOptions& opt, size_t limit);

}  // namespace pcnv

#endif  // PCNV_GEO_SUGGEST_CANDIDATES_H_
