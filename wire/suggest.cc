#include "wire/suggest.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "geo/field_error.h"
#include "geo/report.h"
#include "wire/convert.h"
#include "wire/convert_internal.h"

namespace pcnv::wire {
namespace {

void KeyToProto(const FindingKey& k, v1::FindingKey* out) {
  out->set_rule(k.rule);
  out->set_pcn(k.pcn);
  out->set_practice(k.practice);
  // FindingKey holds the severity's name; a name the report does not know cannot occur.
  const std::optional<Severity> severity = ParseSeverity(k.severity);
  out->set_severity(severity ? internal::SeverityToProto(*severity) : v1::SEVERITY_UNSPECIFIED);
  out->set_message(k.message);
}

absl::StatusOr<FindingKey> KeyFromProto(const v1::FindingKey& k, const std::string& field) {
  PCNV_ASSIGN_OR_RETURN(const Severity severity,
                        internal::SeverityFromProto(k.severity(), field + ".severity"));
  return FindingKey{k.rule(), k.pcn(), k.practice(), std::string(SeverityName(severity)),
                    k.message()};
}

void MetricsToProto(const PcnMetrics& m, v1::PcnMetrics* out) {
  if (!m.exists) return;
  out->set_exists(true);
  out->set_population(m.population);
  out->set_practices(m.practices);
  out->set_territory_areas(m.territory_areas);
  out->set_territory_area_km2(m.territory_area_km2);
  out->set_parts(m.parts);
  out->set_components(m.components);
  for (const auto& [code, share] : m.icb_shares) (*out->mutable_icb_shares())[code] = share;
}

PcnMetrics MetricsFromProto(const std::string& code, const v1::PcnMetrics& m) {
  PcnMetrics out;
  out.code = code;
  out.exists = m.exists();
  if (!out.exists) return out;
  out.population = m.population();
  out.practices = m.practices();
  out.territory_areas = m.territory_areas();
  out.territory_area_km2 = m.territory_area_km2();
  out.parts = m.parts();
  out.components = m.components();
  for (const auto& [icb, share] : m.icb_shares()) out.icb_shares[icb] = share;
  return out;
}

v1::SuggestionKind KindToProto(SuggestionKind k) {
  switch (k) {
    case SuggestionKind::kMove:
      return v1::SUGGESTION_KIND_MOVE;
    case SuggestionKind::kMerge:
      return v1::SUGGESTION_KIND_MERGE;
    case SuggestionKind::kSplit:
      return v1::SUGGESTION_KIND_SPLIT;
  }
  return v1::SUGGESTION_KIND_UNSPECIFIED;
}

absl::Status CheckMaximum(const char* field, int32_t value) {
  if (value >= 0) return absl::OkStatus();
  return FieldError(field,
                    absl::StrCat(value, " is negative: give at least 1, or 0 for the default"));
}

}  // namespace

v1::SuggestFixesRequest MakeSuggestRequest(const ValidationInput& input,
                                           const ValidationOptions& options,
                                           const SuggestOptions& suggest) {
  v1::SuggestFixesRequest request;
  *request.mutable_validation() = MakeRequest(input, options);
  for (const std::string& p : suggest.locked_practices) request.add_locked_practices(p);
  for (const std::string& p : suggest.locked_pcns) request.add_locked_pcns(p);
  request.set_allow_cross_icb(suggest.allow_cross_icb);
  request.set_allow_cross_sub_icb(suggest.allow_cross_sub_icb);
  request.set_max_practices(suggest.max_practices);
  request.set_max_per_finding(suggest.max_per_finding);
  request.set_max_candidates(suggest.max_candidates);
  request.set_no_screen(!suggest.screen);
  return request;
}

absl::StatusOr<SuggestOptions> SuggestOptionsFromProto(const v1::SuggestFixesRequest& request) {
  PCNV_RETURN_IF_ERROR(CheckMaximum("max_practices", request.max_practices()));
  PCNV_RETURN_IF_ERROR(CheckMaximum("max_per_finding", request.max_per_finding()));
  PCNV_RETURN_IF_ERROR(CheckMaximum("max_candidates", request.max_candidates()));
  SuggestOptions out;
  if (request.max_practices() > 0) out.max_practices = request.max_practices();
  if (request.max_per_finding() > 0) out.max_per_finding = request.max_per_finding();
  if (request.max_candidates() > 0) out.max_candidates = request.max_candidates();
  out.screen = !request.no_screen();
  for (int i = 0; i < request.locked_practices_size(); ++i) {
    if (request.locked_practices(i).empty()) {
      return FieldError(internal::At("locked_practices", i), "is empty: give a practice code");
    }
    out.locked_practices.insert(request.locked_practices(i));
  }
  for (int i = 0; i < request.locked_pcns_size(); ++i) {
    if (request.locked_pcns(i).empty()) {
      return FieldError(internal::At("locked_pcns", i), "is empty: give a PCN code");
    }
    out.locked_pcns.insert(request.locked_pcns(i));
  }
  out.allow_cross_icb = request.allow_cross_icb();
  out.allow_cross_sub_icb = request.allow_cross_sub_icb();
  return out;
}

v1::Suggestion SuggestionToProto(const Suggestion& s) {
  v1::Suggestion out;
  out.set_id(s.id);
  out.set_kind(KindToProto(s.kind));
  for (const FindingKey& k : s.resolves) KeyToProto(k, out.add_resolves());
  for (const SuggestedMove& m : s.moves) {
    v1::SuggestedMove* mv = out.add_moves();
    mv->set_practice(m.practice);
    mv->set_from_pcn(m.from_pcn);
    mv->set_to_pcn(m.to_pcn);
    mv->set_patients(m.patients);
  }
  out.set_merged_pcn(s.merged_pcn);
  out.set_new_pcn(s.new_pcn);
  out.set_new_pcn_name(s.new_pcn_name);
  out.set_patients_moved(s.patients_moved);
  for (size_t i = 0; i < s.before.size() && i < s.after.size(); ++i) {
    v1::PcnChange* c = out.add_pcns();
    c->set_code(s.before[i].code);
    MetricsToProto(s.before[i], c->mutable_before());
    MetricsToProto(s.after[i], c->mutable_after());
  }
  for (const FindingKey& k : s.added) KeyToProto(k, out.add_findings_added());
  for (const FindingKey& k : s.removed) KeyToProto(k, out.add_findings_removed());
  out.set_errors_after(s.errors_after);
  out.set_findings_after(s.findings_after);
  return out;
}

v1::SuggestTarget TargetToProto(const SuggestTarget& t) {
  v1::SuggestTarget out;
  KeyToProto(t.finding, out.mutable_finding());
  for (const std::string& id : t.suggestions) out.add_suggestions(id);
  out.set_candidates_evaluated(t.candidates);
  return out;
}

v1::SuggestSummary SummaryToProto(const SuggestResult& result, const std::string& tool) {
  v1::SuggestSummary out;
  int with = 0;
  for (const SuggestTarget& t : result.targets) with += t.suggestions.empty() ? 0 : 1;
  out.set_targets(static_cast<int32_t>(result.targets.size()));
  out.set_targets_with_suggestions(with);
  out.set_suggestions(static_cast<int32_t>(result.suggestions.size()));
  out.set_candidates_evaluated(result.candidates_evaluated);
  out.set_candidates_screened(result.candidates_screened);
  out.set_tool(tool);
  return out;
}

absl::StatusOr<Suggestion> SuggestionFromProto(const v1::Suggestion& s) {
  Suggestion out;
  out.id = s.id();
  switch (s.kind()) {
    case v1::SUGGESTION_KIND_MOVE:
      out.kind = SuggestionKind::kMove;
      break;
    case v1::SUGGESTION_KIND_MERGE:
      out.kind = SuggestionKind::kMerge;
      break;
    case v1::SUGGESTION_KIND_SPLIT:
      out.kind = SuggestionKind::kSplit;
      break;
    default:
      return FieldError("suggestion.kind", absl::StrCat(s.kind(), " is not a suggestion kind"));
  }
  for (int i = 0; i < s.resolves_size(); ++i) {
    PCNV_ASSIGN_OR_RETURN(FindingKey k,
                          KeyFromProto(s.resolves(i), internal::At("suggestion.resolves", i)));
    out.resolves.push_back(std::move(k));
  }
  for (const v1::SuggestedMove& m : s.moves()) {
    out.moves.push_back({m.practice(), m.from_pcn(), m.to_pcn(), m.patients()});
  }
  out.merged_pcn = s.merged_pcn();
  out.new_pcn = s.new_pcn();
  out.new_pcn_name = s.new_pcn_name();
  out.patients_moved = s.patients_moved();
  for (const v1::PcnChange& c : s.pcns()) {
    out.before.push_back(MetricsFromProto(c.code(), c.before()));
    out.after.push_back(MetricsFromProto(c.code(), c.after()));
  }
  for (int i = 0; i < s.findings_added_size(); ++i) {
    PCNV_ASSIGN_OR_RETURN(FindingKey k, KeyFromProto(s.findings_added(i),
                                                     internal::At("suggestion.findings_added", i)));
    out.added.push_back(std::move(k));
  }
  for (int i = 0; i < s.findings_removed_size(); ++i) {
    PCNV_ASSIGN_OR_RETURN(
        FindingKey k,
        KeyFromProto(s.findings_removed(i), internal::At("suggestion.findings_removed", i)));
    out.removed.push_back(std::move(k));
  }
  out.errors_after = s.errors_after();
  out.findings_after = s.findings_after();
  return out;
}

absl::StatusOr<SuggestTarget> TargetFromProto(const v1::SuggestTarget& t) {
  SuggestTarget out;
  PCNV_ASSIGN_OR_RETURN(out.finding, KeyFromProto(t.finding(), "target.finding"));
  out.suggestions.assign(t.suggestions().begin(), t.suggestions().end());
  out.candidates = t.candidates_evaluated();
  return out;
}

}  // namespace pcnv::wire
