// Report <-> v1::Report.
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "wire/convert.h"
#include "wire/convert_internal.h"

namespace pcnv::wire {
namespace {

using internal::At;
using internal::Bad;
using internal::OptionalGeometryFromProto;
using internal::SeverityFromProto;
using internal::SeverityToProto;
using internal::SourceFromProto;
using internal::SourceToProto;

// Values: the kind is part of the value (2 and 2.0 are written differently in JSON).
void ToProto(const Value& value, v1::Value* out) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    out->set_int_value(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    out->set_double_value(*d);
  } else {
    out->set_string_value(std::get<std::string>(value));
  }
}

absl::StatusOr<Value> ValueFromProto(const v1::Value& value, absl::string_view field) {
  switch (value.kind_case()) {
    case v1::Value::kIntValue:
      return Value(value.int_value());
    case v1::Value::kDoubleValue:
      return Value(value.double_value());
    case v1::Value::kStringValue:
      return Value(value.string_value());
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return Bad(field, "value has no kind set");
}

void ToProto(const std::map<std::string, Value>& values,
             google::protobuf::Map<std::string, v1::Value>* out) {
  for (const auto& [key, value] : values) ToProto(value, &(*out)[key]);
}

absl::Status ValuesFromProto(const google::protobuf::Map<std::string, v1::Value>& values,
                             absl::string_view field, std::map<std::string, Value>* out) {
  for (const auto& [key, value] : values) {
    absl::StatusOr<Value> v = ValueFromProto(value, absl::StrCat(field, "[\"", key, "\"]"));
    if (!v.ok()) return v.status();
    out->emplace(key, *std::move(v));
  }
  return absl::OkStatus();
}

void ToProto(const RuleOutcome& r, v1::RuleOutcome* out) {
  out->set_rule(r.rule);
  out->set_state(r.state == RuleState::kEvaluated ? v1::RULE_STATE_EVALUATED
                                                  : v1::RULE_STATE_NOT_EVALUATED);
  out->set_reason(r.reason);
  out->set_findings(r.findings);
}

absl::StatusOr<RuleOutcome> RuleOutcomeFromProto(const v1::RuleOutcome& p, const std::string& f) {
  RuleOutcome r{p.rule(), RuleState::kEvaluated, p.reason(), p.findings()};
  switch (p.state()) {
    case v1::RULE_STATE_EVALUATED:
      break;
    case v1::RULE_STATE_NOT_EVALUATED:
      r.state = RuleState::kNotEvaluated;
      break;
    default:
      return Bad(f + ".state", absl::StrCat("unknown or unspecified RuleState value ", p.state()));
  }
  return r;
}

absl::StatusOr<PcnEntry> PcnFromProto(const v1::Pcn& p, const std::string& f) {
  PcnEntry e;
  e.code = p.code();
  e.name = p.name();
  e.population = p.population();
  e.population_suppressed = p.population_suppressed();
  e.population_basis = p.population_basis();
  e.practices.assign(p.practices().begin(), p.practices().end());
  e.territory.areas = p.territory().areas();
  e.territory.parts = p.territory().parts();
  e.territory.components = p.territory().components();
  e.territory.area_km2 = p.territory().area_km2();
  e.territory.patients_in_territory = p.territory().patients_in_territory();
  e.territory.patients_suppressed = p.territory().patients_in_territory_suppressed();
  absl::StatusOr<Geometry> g = OptionalGeometryFromProto(
      p.has_territory_geometry(), p.territory_geometry(), f + ".territory_geometry");
  if (!g.ok()) return g.status();
  e.territory_geometry = *std::move(g);
  g = OptionalGeometryFromProto(p.has_share_catchment_geometry(), p.share_catchment_geometry(),
                                f + ".share_catchment_geometry");
  if (!g.ok()) return g.status();
  e.share_catchment_geometry = *std::move(g);
  return e;
}

void ToProto(const PracticeEntry& e, v1::Practice* out) {
  out->set_code(e.code);
  out->set_name(e.name);
  out->set_pcn(e.pcn);
  out->set_status(e.status);
  if (e.location) {
    out->mutable_location()->set_x(e.location->x);
    out->mutable_location()->set_y(e.location->y);
  }
  if (e.list_size && !e.list_size_suppressed) out->set_list_size(*e.list_size);
  out->set_list_size_suppressed(e.list_size_suppressed);
}

PracticeEntry PracticeFromProto(const v1::Practice& p) {
  PracticeEntry e;
  e.code = p.code();
  e.name = p.name();
  e.pcn = p.pcn();
  e.status = p.status();
  if (p.has_location()) e.location = Point{p.location().x(), p.location().y()};
  if (p.has_list_size()) e.list_size = p.list_size();
  e.list_size_suppressed = p.list_size_suppressed();
  return e;
}

absl::StatusOr<Finding> FindingFromProto(const v1::Finding& p, const std::string& f) {
  Finding finding;
  finding.rule = p.rule();
  absl::StatusOr<Severity> severity = SeverityFromProto(p.severity(), f + ".severity");
  if (!severity.ok()) return severity.status();
  finding.severity = *severity;
  finding.pcn = p.pcn();
  finding.practice = p.practice();
  finding.message = p.message();
  PCNV_RETURN_IF_ERROR(ValuesFromProto(p.values(), f + ".values", &finding.values));
  absl::StatusOr<Geometry> g =
      OptionalGeometryFromProto(p.has_geometry(), p.geometry(), f + ".geometry");
  if (!g.ok()) return g.status();
  finding.geometry = *std::move(g);
  if (p.has_waiver()) {
    finding.waiver =
        AppliedWaiver{p.waiver().reason(), p.waiver().approved_by(), p.waiver().expires()};
  }
  return finding;
}

void ToProto(const Provenance& prov, v1::Provenance* out) {
  out->set_tool(prov.tool);
  for (const SourceFile& s : prov.inputs) SourceToProto(s, out->add_inputs());
  out->set_reference_path(prov.reference_path);
  out->set_reference_sha256(prov.reference_sha256);
  for (const Provenance::Layer& l : prov.reference_layers) {
    v1::ReferenceLayer* layer = out->add_reference_layers();
    layer->set_name(l.name);
    layer->set_source(l.source);
    layer->set_sha256(l.sha256);
    layer->set_vintage(l.vintage);
    layer->set_features(l.features);
  }
  out->set_method(prov.method);
  ToProto(prov.ruleset, out->mutable_ruleset());
  ToProto(prov.tolerances, out->mutable_tolerances());
  out->mutable_libraries()->insert(prov.libraries.begin(), prov.libraries.end());
}

absl::StatusOr<Provenance> ProvenanceFromProto(const v1::Provenance& p) {
  Provenance prov;
  prov.tool = p.tool();
  for (int i = 0; i < p.inputs_size(); ++i) {
    absl::StatusOr<SourceFile> s = SourceFromProto(p.inputs(i), At("provenance.inputs", i));
    if (!s.ok()) return s.status();
    prov.inputs.push_back(*std::move(s));
  }
  prov.reference_path = p.reference_path();
  prov.reference_sha256 = p.reference_sha256();
  for (const v1::ReferenceLayer& l : p.reference_layers()) {
    prov.reference_layers.push_back({l.name(), l.source(), l.sha256(), l.vintage(), l.features()});
  }
  prov.method = p.method();
  PCNV_RETURN_IF_ERROR(ValuesFromProto(p.ruleset(), "provenance.ruleset", &prov.ruleset));
  PCNV_RETURN_IF_ERROR(ValuesFromProto(p.tolerances(), "provenance.tolerances", &prov.tolerances));
  prov.libraries.insert(p.libraries().begin(), p.libraries().end());
  return prov;
}

}  // namespace

void ToProto(const PcnEntry& e, v1::Pcn* out) {
  out->set_code(e.code);
  out->set_name(e.name);
  out->set_population(e.population_suppressed ? 0 : e.population);
  out->set_population_suppressed(e.population_suppressed);
  out->set_population_basis(e.population_basis);
  for (const std::string& p : e.practices) out->add_practices(p);
  v1::TerritoryMetrics* t = out->mutable_territory();
  t->set_areas(e.territory.areas);
  t->set_parts(e.territory.parts);
  t->set_components(e.territory.components);
  t->set_area_km2(e.territory.area_km2);
  t->set_patients_in_territory(e.territory.patients_suppressed ? 0
                                                               : e.territory.patients_in_territory);
  t->set_patients_in_territory_suppressed(e.territory.patients_suppressed);
  if (!e.territory_geometry.is_null()) {
    ToProto(e.territory_geometry, out->mutable_territory_geometry());
  }
  if (!e.share_catchment_geometry.is_null()) {
    ToProto(e.share_catchment_geometry, out->mutable_share_catchment_geometry());
  }
}

void ToProto(const Finding& finding, v1::Finding* out) {
  out->set_rule(finding.rule);
  out->set_severity(SeverityToProto(finding.severity));
  out->set_pcn(finding.pcn);
  out->set_practice(finding.practice);
  out->set_message(finding.message);
  ToProto(finding.values, out->mutable_values());
  if (!finding.geometry.is_null()) ToProto(finding.geometry, out->mutable_geometry());
  if (finding.waiver) {
    v1::AppliedWaiver* w = out->mutable_waiver();
    w->set_reason(finding.waiver->reason);
    w->set_approved_by(finding.waiver->approved_by);
    w->set_expires(finding.waiver->expires);
  }
}

void ToProto(const Report& report, v1::Report* out) {
  v1::Summary* summary = out->mutable_summary();
  summary->set_verdict(report.summary.verdict);
  summary->set_pcns(report.summary.pcns);
  summary->set_practices(report.summary.practices);
  summary->mutable_findings_by_severity()->insert(report.summary.findings_by_severity.begin(),
                                                  report.summary.findings_by_severity.end());
  for (const RuleOutcome& r : report.summary.rules) ToProto(r, summary->add_rules());
  summary->set_waived(report.summary.waived);
  for (const std::string& w : report.summary.expired_waivers) summary->add_expired_waivers(w);
  for (const PcnEntry& e : report.pcns) ToProto(e, out->add_pcns());
  for (const PracticeEntry& e : report.practices) ToProto(e, out->add_practices());
  for (const Finding& f : report.findings) ToProto(f, out->add_findings());
  ToProto(report.provenance, out->mutable_provenance());
}

absl::StatusOr<Report> ReportFromProto(const v1::Report& p) {
  Report report;
  const v1::Summary& s = p.summary();
  report.summary.verdict = s.verdict();
  report.summary.pcns = s.pcns();
  report.summary.practices = s.practices();
  report.summary.findings_by_severity.insert(s.findings_by_severity().begin(),
                                             s.findings_by_severity().end());
  for (int i = 0; i < s.rules_size(); ++i) {
    absl::StatusOr<RuleOutcome> r = RuleOutcomeFromProto(s.rules(i), At("summary.rules", i));
    if (!r.ok()) return r.status();
    report.summary.rules.push_back(*std::move(r));
  }
  report.summary.waived = s.waived();
  report.summary.expired_waivers.assign(s.expired_waivers().begin(), s.expired_waivers().end());
  for (int i = 0; i < p.pcns_size(); ++i) {
    absl::StatusOr<PcnEntry> e = PcnFromProto(p.pcns(i), At("pcns", i));
    if (!e.ok()) return e.status();
    report.pcns.push_back(*std::move(e));
  }
  for (const v1::Practice& practice : p.practices()) {
    report.practices.push_back(PracticeFromProto(practice));
  }
  for (int i = 0; i < p.findings_size(); ++i) {
    absl::StatusOr<Finding> f = FindingFromProto(p.findings(i), At("findings", i));
    if (!f.ok()) return f.status();
    report.findings.push_back(*std::move(f));
  }
  absl::StatusOr<Provenance> prov = ProvenanceFromProto(p.provenance());
  if (!prov.ok()) return prov.status();
  report.provenance = *std::move(prov);
  return report;
}

}  // namespace pcnv::wire
