// ValidateRequest <-> ValidationInput and ValidationOptions.
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/contiguity.h"
#include "geo/input_limits.h"
#include "geo/options_check.h"
#include "geo/rules/registry.h"
#include "wire/convert.h"
#include "wire/convert_internal.h"

namespace pcnv::wire {
namespace {

using internal::At;
using internal::Bad;
using internal::CheckFinite;
using internal::CheckNonNegative;
using internal::CheckRequired;
using internal::CheckRow;
using internal::SeverityFromProto;
using internal::SeverityToProto;
using internal::SourceFromProto;
using internal::SourceToProto;

// The first release's rules have a Severity field of their own in v1.Ruleset; the rest travel
// in its `severity` map, and in the domain all live in Ruleset::severity. The field is
// authoritative for its rule: ToProto always fills it with the severity in force, and a map entry
// for one of these codes was never read (it still is not), so the wire means what it meant.
struct SeverityField {
  std::string_view rule;
  std::string_view name;  // of the field, for errors
  v1::Severity (v1::Ruleset::*get)() const;
  void (v1::Ruleset::*set)(v1::Severity);
};
constexpr SeverityField kSeverityFields[] = {
    {"POP001", "pop001", &v1::Ruleset::pop001, &v1::Ruleset::set_pop001},
    {"POP002", "pop002", &v1::Ruleset::pop002, &v1::Ruleset::set_pop002},
    {"POP003", "pop003", &v1::Ruleset::pop003, &v1::Ruleset::set_pop003},
    {"MEM001", "mem001", &v1::Ruleset::mem001, &v1::Ruleset::set_mem001},
    {"MEM002", "mem002", &v1::Ruleset::mem002, &v1::Ruleset::set_mem002},
    {"MEM003", "mem003", &v1::Ruleset::mem003, &v1::Ruleset::set_mem003},
    {"MEM004", "mem004", &v1::Ruleset::mem004, &v1::Ruleset::set_mem004},
    {"DAT001", "dat001", &v1::Ruleset::dat001, &v1::Ruleset::set_dat001},
};

bool HasSeverityField(std::string_view rule) {
  for (const SeverityField& f : kSeverityFields) {
    if (f.rule == rule) return true;
  }
  return false;
}

// A dedicated severity field into the ruleset. UNSPECIFIED, and the registry default itself
// (which ToProto writes for a rule the ruleset leaves alone), set nothing.
absl::Status RulesetSeverity(const v1::Ruleset& pr, const SeverityField& field, Ruleset& out) {
  const v1::Severity s = (pr.*field.get)();
  if (s == v1::SEVERITY_UNSPECIFIED) return absl::OkStatus();
  absl::StatusOr<Severity> sev =
      SeverityFromProto(s, absl::StrCat("options.ruleset.", std::string(field.name)));
  if (!sev.ok()) return sev.status();
  if (*sev != FindRule(field.rule)->default_severity) out.severity[std::string(field.rule)] = *sev;
  return absl::OkStatus();
}

// A count of patients: within the bounds the CLI's readers apply too (geo/input_limits.h), so
// that no population sum can overflow.
absl::Status CheckPatientCount(const std::string& field, int64_t n, int row) {
  if (absl::Status s = CheckPatients(n); !s.ok()) return Bad(field, s.message(), row);
  return absl::OkStatus();
}

// An optional ruleset threshold: absent keeps the default; present must be a finite number.
absl::Status RulesetDouble(bool present, double value, absl::string_view name, double* out) {
  if (!present) return absl::OkStatus();
  PCNV_RETURN_IF_ERROR(CheckFinite(absl::StrCat("options.ruleset.", name), value));
  *out = value;
  return absl::OkStatus();
}

absl::Status ContiguityFromProto(const v1::Contiguity& p, ContiguityOptions* out) {
  constexpr char kField[] = "options.ruleset.contiguity";
  switch (p.adjacency()) {
    case v1::ADJACENCY_UNSPECIFIED:
    case v1::ADJACENCY_EDGE:
      out->adjacency = Adjacency::kEdge;
      break;
    case v1::ADJACENCY_POINT:
      out->adjacency = Adjacency::kPoint;
      break;
    default:
      return Bad(absl::StrCat(kField, ".adjacency"),
                 absl::StrCat("unknown Adjacency value ", p.adjacency()));
  }
  if (p.has_bridge_distance_m()) {
    const std::string field = absl::StrCat(kField, ".bridge_distance_m");
    PCNV_RETURN_IF_ERROR(CheckFinite(field, p.bridge_distance_m()));
    if (p.bridge_distance_m() < 0) {
      return Bad(field, absl::StrCat(p.bridge_distance_m(), " is negative"));
    }
    out->bridge_distance_m = p.bridge_distance_m();
  }
  for (int i = 0; i < p.bridges_size(); ++i) {
    const v1::Bridge& b = p.bridges(i);
    const std::string field = At(absl::StrCat(kField, ".bridges"), i);
    PCNV_RETURN_IF_ERROR(CheckRequired(field + ".from_area", b.from_area()));
    PCNV_RETURN_IF_ERROR(CheckRequired(field + ".to_area", b.to_area()));
    out->bridges.emplace_back(b.from_area(), b.to_area());
  }
  return absl::OkStatus();
}

void ToProto(const Membership& m, v1::Membership* out) {
  out->set_practice_code(m.practice_code);
  out->set_practice_name(m.practice_name);
  out->set_practice_postcode(m.practice_postcode);
  out->set_pcn_code(m.pcn_code);
  out->set_pcn_name(m.pcn_name);
  out->set_sub_icb_code(m.sub_icb_code);
  out->set_ons_sub_icb_code(m.ons_sub_icb_code);
  out->set_icb_code(m.icb_code);
  out->set_ons_icb_code(m.ons_icb_code);
  if (m.location) {
    out->mutable_location()->set_x(m.location->x);
    out->mutable_location()->set_y(m.location->y);
  }
  if (m.list_size) out->set_list_size(*m.list_size);
  out->set_row(m.row);
}

absl::StatusOr<Membership> MembershipFromProto(const v1::Membership& p, const std::string& f) {
  const int row = p.row();
  PCNV_RETURN_IF_ERROR(CheckRow(f, row));
  PCNV_RETURN_IF_ERROR(CheckRequired(f + ".practice_code", p.practice_code(), row));
  Membership m;
  m.practice_code = p.practice_code();
  m.practice_name = p.practice_name();
  m.practice_postcode = p.practice_postcode();
  m.pcn_code = p.pcn_code();
  m.pcn_name = p.pcn_name();
  m.sub_icb_code = p.sub_icb_code();
  m.ons_sub_icb_code = p.ons_sub_icb_code();
  m.icb_code = p.icb_code();
  m.ons_icb_code = p.ons_icb_code();
  if (p.has_location()) {
    PCNV_RETURN_IF_ERROR(CheckFinite(f + ".location.x", p.location().x(), row));
    PCNV_RETURN_IF_ERROR(CheckFinite(f + ".location.y", p.location().y(), row));
    m.location = Point{p.location().x(), p.location().y()};
  }
  if (p.has_list_size()) {
    PCNV_RETURN_IF_ERROR(CheckPatientCount(f + ".list_size", p.list_size(), row));
    m.list_size = p.list_size();
  }
  m.row = row;
  return m;
}

absl::StatusOr<ListSize> ListSizeFromProto(const v1::ListSize& p, const std::string& f) {
  PCNV_RETURN_IF_ERROR(CheckRow(f, p.row()));
  PCNV_RETURN_IF_ERROR(CheckRequired(f + ".practice_code", p.practice_code(), p.row()));
  PCNV_RETURN_IF_ERROR(CheckPatientCount(f + ".patients", p.patients(), p.row()));
  return ListSize{p.practice_code(), p.patients(), p.row()};
}

absl::StatusOr<RegisteredPractice> RegisteredFromProto(const v1::RegisteredPractice& p,
                                                       const std::string& f) {
  PCNV_RETURN_IF_ERROR(CheckRow(f, p.row()));
  PCNV_RETURN_IF_ERROR(CheckRequired(f + ".code", p.code(), p.row()));
  if (p.status().size() != 1 || !absl::StrContains("ACDP", p.status())) {
    return Bad(f + ".status", absl::StrCat("'", p.status(), "' is not A (active), C, D or P"),
               p.row());
  }
  if (p.prescribing_setting() < 0 || p.prescribing_setting() > 99) {
    return Bad(f + ".prescribing_setting",
               absl::StrCat(p.prescribing_setting(), " is not a setting code (0 to 99)"), p.row());
  }
  RegisteredPractice r;
  r.code = p.code();
  r.name = p.name();
  r.postcode = p.postcode();
  r.status = p.status()[0];
  r.open_date = p.open_date();
  r.close_date = p.close_date();
  r.prescribing_setting = p.prescribing_setting();
  r.commissioner = p.commissioner();
  r.row = p.row();
  return r;
}

// Rows are the bulk of a request (hundreds to a million): the checks are plain comparisons, and a
// field name is built only for the error.
absl::Status CheckDistributionRow(const v1::DistributionRow& p, int index) {
  if (p.row() >= 0 && !p.practice_code().empty() && p.patients() >= 0 &&
      p.patients() <= kMaxPatients) {
    return absl::OkStatus();
  }
  const std::string f = At("distribution.rows", index);
  PCNV_RETURN_IF_ERROR(CheckRow(f, p.row()));
  PCNV_RETURN_IF_ERROR(CheckRequired(f + ".practice_code", p.practice_code(), p.row()));
  return CheckPatientCount(f + ".patients", p.patients(), p.row());
}

absl::StatusOr<Distribution> DistributionFromProto(const v1::Distribution& p) {
  Distribution d;
  switch (p.level()) {
    case v1::DISTRIBUTION_LEVEL_AREA:
      d.level = DistributionLevel::kArea;
      break;
    case v1::DISTRIBUTION_LEVEL_POSTCODE:
      d.level = DistributionLevel::kPostcode;
      break;
    case v1::DISTRIBUTION_LEVEL_UNSPECIFIED:
      return Bad("distribution.level", "unspecified; set AREA or POSTCODE");
    default:
      return Bad("distribution.level", absl::StrCat("unknown DistributionLevel value ", p.level()));
  }
  d.rows.reserve(p.rows_size());
  for (int i = 0; i < p.rows_size(); ++i) {
    const v1::DistributionRow& row = p.rows(i);
    PCNV_RETURN_IF_ERROR(CheckDistributionRow(row, i));
    d.rows.push_back({row.practice_code(), row.place(), row.patients(), row.row()});
  }
  return d;
}

absl::StatusOr<DeclaredBoundary> DeclaredFromProto(const v1::DeclaredBoundary& p,
                                                   const std::string& f) {
  PCNV_RETURN_IF_ERROR(CheckRequired(f + ".pcn_code", p.pcn_code()));
  if (p.feature() < 0) return Bad(f + ".feature", absl::StrCat(p.feature(), " is negative"));
  if (!p.has_geometry()) return Bad(f + ".geometry", "is missing");
  absl::StatusOr<Geometry> g = GeometryFromProto(p.geometry(), f + ".geometry");
  if (!g.ok()) return g.status();
  // The readers refuse these too; an invalid polygon, by contrast, is GEO001's to report.
  if (g->IsEmpty()) return Bad(f + ".geometry", "is empty");
  const std::string type = g->TypeName();
  if (type != "Polygon" && type != "MultiPolygon") {
    return Bad(f + ".geometry", absl::StrCat(type, " is not a Polygon or MultiPolygon"));
  }
  DeclaredBoundary b;
  b.pcn_code = p.pcn_code();
  b.geometry = *std::move(g);
  b.feature = p.feature();
  b.invalid_reason = p.invalid_reason();
  return b;
}

}  // namespace

v1::ValidateRequest MakeRequest(const ValidationInput& input, const ValidationOptions& options) {
  v1::ValidateRequest request;
  ToProto(input, &request);
  ToProto(options, request.mutable_options());
  return request;
}

void ToProto(const ValidationInput& input, v1::ValidateRequest* out) {
  for (const Membership& m : input.memberships) ToProto(m, out->add_memberships());
  if (input.list_sizes) {
    v1::ListSizes* sizes = out->mutable_list_sizes();  // present even when empty
    for (const ListSize& s : *input.list_sizes) {
      v1::ListSize* p = sizes->add_rows();
      p->set_practice_code(s.practice_code);
      p->set_patients(s.patients);
      p->set_row(s.row);
    }
  }
  if (input.distribution) {
    v1::Distribution* d = out->mutable_distribution();
    d->set_level(input.distribution->level == DistributionLevel::kPostcode
                     ? v1::DISTRIBUTION_LEVEL_POSTCODE
                     : v1::DISTRIBUTION_LEVEL_AREA);
    for (const DistributionRow& r : input.distribution->rows) {
      v1::DistributionRow* p = d->add_rows();
      p->set_practice_code(r.practice_code);
      p->set_place(r.place);
      p->set_patients(r.patients);
      p->set_row(r.row);
    }
  }
  if (input.declared) {
    v1::DeclaredBoundaries* declared = out->mutable_declared();
    for (const DeclaredBoundary& b : *input.declared) {
      v1::DeclaredBoundary* p = declared->add_boundaries();
      p->set_pcn_code(b.pcn_code);
      if (!b.geometry.is_null()) ToProto(b.geometry, p->mutable_geometry());
      p->set_feature(b.feature);
      p->set_invalid_reason(b.invalid_reason);
    }
  }
  if (input.practice_register) {
    v1::PracticeRegister* reg = out->mutable_practice_register();  // present even when empty
    for (const RegisteredPractice& r : *input.practice_register) {
      v1::RegisteredPractice* p = reg->add_practices();
      p->set_code(r.code);
      p->set_name(r.name);
      p->set_postcode(r.postcode);
      p->set_status(std::string(1, r.status));
      p->set_open_date(r.open_date);
      p->set_close_date(r.close_date);
      p->set_prescribing_setting(r.prescribing_setting);
      p->set_commissioner(r.commissioner);
      p->set_row(r.row);
    }
  }
  for (const SourceFile& s : input.sources) SourceToProto(s, out->add_sources());
}

absl::StatusOr<ValidationInput> InputFromProto(const v1::ValidateRequest& request) {
  ValidationInput input;
  input.memberships.reserve(request.memberships_size());
  for (int i = 0; i < request.memberships_size(); ++i) {
    absl::StatusOr<Membership> m =
        MembershipFromProto(request.memberships(i), At("memberships", i));
    if (!m.ok()) return m.status();
    input.memberships.push_back(*std::move(m));
  }
  if (request.has_list_sizes()) {
    const v1::ListSizes& sizes = request.list_sizes();
    input.list_sizes.emplace();
    input.list_sizes->reserve(sizes.rows_size());
    for (int i = 0; i < sizes.rows_size(); ++i) {
      absl::StatusOr<ListSize> s = ListSizeFromProto(sizes.rows(i), At("list_sizes.rows", i));
      if (!s.ok()) return s.status();
      input.list_sizes->push_back(*std::move(s));
    }
  }
  if (request.has_distribution()) {
    absl::StatusOr<Distribution> d = DistributionFromProto(request.distribution());
    if (!d.ok()) return d.status();
    input.distribution = *std::move(d);
  }
  if (request.has_declared()) {
    const v1::DeclaredBoundaries& declared = request.declared();
    input.declared.emplace();
    for (int i = 0; i < declared.boundaries_size(); ++i) {
      absl::StatusOr<DeclaredBoundary> b =
          DeclaredFromProto(declared.boundaries(i), At("declared.boundaries", i));
      if (!b.ok()) return b.status();
      input.declared->push_back(*std::move(b));
    }
  }
  if (request.has_practice_register()) {
    const v1::PracticeRegister& reg = request.practice_register();
    input.practice_register.emplace();
    input.practice_register->reserve(reg.practices_size());
    for (int i = 0; i < reg.practices_size(); ++i) {
      absl::StatusOr<RegisteredPractice> r =
          RegisteredFromProto(reg.practices(i), At("practice_register.practices", i));
      if (!r.ok()) return r.status();
      input.practice_register->push_back(*std::move(r));
    }
  }
  for (int i = 0; i < request.sources_size(); ++i) {
    absl::StatusOr<SourceFile> s = SourceFromProto(request.sources(i), At("sources", i));
    if (!s.ok()) return s.status();
    input.sources.push_back(*std::move(s));
  }
  return input;
}

void ToProto(const ValidationOptions& options, v1::ValidationOptions* out) {
  out->set_method(options.method == CatchmentMethod::kShare ? v1::CATCHMENT_METHOD_SHARE
                                                            : v1::CATCHMENT_METHOD_MAJORITY);
  out->set_share_threshold(options.share_threshold);
  out->set_omit_other_catchment_geometry(!options.other_catchment_geometry);
  if (options.disclosure.enabled()) {
    out->set_suppress_below(options.disclosure.suppress_below);
  } else {
    out->set_unsuppressed(true);
  }
  const Ruleset& r = options.ruleset;
  v1::Ruleset* p = out->mutable_ruleset();
  p->set_name(r.name);
  p->set_pop_min(r.pop_min);
  p->set_pop_usual_max(r.pop_usual_max);
  p->set_list_size_tolerance(r.list_size_tolerance);
  for (const SeverityField& f : kSeverityFields) {
    (p->*f.set)(SeverityToProto(r.SeverityOf(f.rule)));
  }
  for (const auto& [rule, severity] : r.severity) {
    if (!HasSeverityField(rule)) (*p->mutable_severity())[rule] = SeverityToProto(severity);
  }
  for (const std::string& rule : r.disabled) p->add_disabled(rule);
  p->set_con_detached_min_share(r.con_detached_min_share);
  p->set_con004_buffer_m(r.con004_buffer_m);
  p->set_nest001_max_outside(r.nest001_max_outside);
  p->set_nest003_max_outside(r.nest003_max_outside);
  p->set_com001_max_outside(r.com001_max_outside);
  p->set_ovl001_tolerance_m2(r.ovl001_tolerance_m2);
  p->set_ovl002_tolerance_m2(r.ovl002_tolerance_m2);
  p->set_ovl003_min_iou(r.ovl003_min_iou);
  p->set_cmp001_min_polsby_popper(r.cmp001_min_polsby_popper);
  p->set_cmp002_max_distance_m(r.cmp002_max_distance_m);
  p->set_repair_geometry(r.repair_geometry);
  v1::Contiguity* c = p->mutable_contiguity();
  c->set_adjacency(r.contiguity.adjacency == Adjacency::kPoint ? v1::ADJACENCY_POINT
                                                               : v1::ADJACENCY_EDGE);
  c->set_bridge_distance_m(r.contiguity.bridge_distance_m);
  for (const auto& [from, to] : r.contiguity.bridges) {
    v1::Bridge* b = c->add_bridges();
    b->set_from_area(from);
    b->set_to_area(to);
  }
  for (const Waiver& w : options.waivers) {
    v1::Waiver* pw = out->add_waivers();
    pw->set_rule(w.rule);
    pw->set_pcn(w.pcn);
    pw->set_reason(w.reason);
    pw->set_approved_by(w.approved_by);
    pw->set_expires(w.expires);
  }
  out->set_as_of(options.as_of);
}

absl::StatusOr<ValidationOptions> OptionsFromProto(const v1::ValidationOptions& p) {
  ValidationOptions options;
  switch (p.method()) {
    case v1::CATCHMENT_METHOD_UNSPECIFIED:
    case v1::CATCHMENT_METHOD_MAJORITY:
      options.method = CatchmentMethod::kMajority;
      break;
    case v1::CATCHMENT_METHOD_SHARE:
      options.method = CatchmentMethod::kShare;
      break;
    default:
      return Bad("options.method", absl::StrCat("unknown CatchmentMethod value ", p.method()));
  }
  // Non-numbers are refused here; ranges by CheckValidationOptions at the end.
  if (p.has_share_threshold()) {
    PCNV_RETURN_IF_ERROR(CheckFinite("options.share_threshold", p.share_threshold()));
    options.share_threshold = p.share_threshold();
  }
  options.other_catchment_geometry = !p.omit_other_catchment_geometry();
  if (p.has_suppress_below()) {
    PCNV_RETURN_IF_ERROR(CheckSuppressBelow(p.suppress_below(), "options.suppress_below"));
    options.disclosure.suppress_below = p.suppress_below();
  }
  if (p.unsuppressed()) options.disclosure.suppress_below = 0;
  const v1::Ruleset& pr = p.ruleset();
  Ruleset& r = options.ruleset;
  if (!pr.name().empty()) r.name = pr.name();
  if (pr.has_pop_min()) {
    PCNV_RETURN_IF_ERROR(CheckNonNegative("options.ruleset.pop_min", pr.pop_min()));
    r.pop_min = pr.pop_min();
  }
  if (pr.has_pop_usual_max()) {
    PCNV_RETURN_IF_ERROR(CheckNonNegative("options.ruleset.pop_usual_max", pr.pop_usual_max()));
    r.pop_usual_max = pr.pop_usual_max();
  }
  if (pr.has_list_size_tolerance()) {
    PCNV_RETURN_IF_ERROR(
        CheckFinite("options.ruleset.list_size_tolerance", pr.list_size_tolerance()));
    r.list_size_tolerance = pr.list_size_tolerance();
  }
  for (const SeverityField& f : kSeverityFields) {
    PCNV_RETURN_IF_ERROR(RulesetSeverity(pr, f, r));
  }
  for (const auto& [rule, severity] : pr.severity()) {
    absl::StatusOr<Severity> sev =
        SeverityFromProto(severity, absl::StrCat("options.ruleset.severity[\"", rule, "\"]"));
    if (!sev.ok()) return sev.status();
    if (!HasSeverityField(rule)) r.severity[rule] = *sev;
  }
  r.disabled.insert(pr.disabled().begin(), pr.disabled().end());
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_con_detached_min_share(), pr.con_detached_min_share(),
                                     "con_detached_min_share", &r.con_detached_min_share));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_con004_buffer_m(), pr.con004_buffer_m(),
                                     "con004_buffer_m", &r.con004_buffer_m));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_nest001_max_outside(), pr.nest001_max_outside(),
                                     "nest001_max_outside", &r.nest001_max_outside));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_nest003_max_outside(), pr.nest003_max_outside(),
                                     "nest003_max_outside", &r.nest003_max_outside));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_com001_max_outside(), pr.com001_max_outside(),
                                     "com001_max_outside", &r.com001_max_outside));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_ovl001_tolerance_m2(), pr.ovl001_tolerance_m2(),
                                     "ovl001_tolerance_m2", &r.ovl001_tolerance_m2));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_ovl002_tolerance_m2(), pr.ovl002_tolerance_m2(),
                                     "ovl002_tolerance_m2", &r.ovl002_tolerance_m2));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_ovl003_min_iou(), pr.ovl003_min_iou(), "ovl003_min_iou",
                                     &r.ovl003_min_iou));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_cmp001_min_polsby_popper(),
                                     pr.cmp001_min_polsby_popper(), "cmp001_min_polsby_popper",
                                     &r.cmp001_min_polsby_popper));
  PCNV_RETURN_IF_ERROR(RulesetDouble(pr.has_cmp002_max_distance_m(), pr.cmp002_max_distance_m(),
                                     "cmp002_max_distance_m", &r.cmp002_max_distance_m));
  if (pr.has_repair_geometry()) r.repair_geometry = pr.repair_geometry();
  PCNV_RETURN_IF_ERROR(ContiguityFromProto(pr.contiguity(), &r.contiguity));
  for (const v1::Waiver& w : p.waivers()) {
    options.waivers.push_back({w.rule(), w.pcn(), w.reason(), w.approved_by(), w.expires()});
  }
  options.as_of = p.as_of();
  // The ranges, rule codes, waivers and dates the CLI's ruleset and waiver files are held to
  // (geo/options_check.h): one judgement for both front doors.
  PCNV_RETURN_IF_ERROR(CheckValidationOptions(options, OptionNames::kRequest));
  return options;
}

}  // namespace pcnv::wire
