// Proto <-> domain conversion: lossless round trips (so a report from a gRPC reply is the same
// report), and INVALID_ARGUMENT naming the field and row for every kind of bad request.
#include "wire/convert.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

#include "geo/rules/registry.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "wire/stream.h"

namespace pcnv::wire {
namespace {

// A substring check with the whole message on failure (gmock is not linked into this test).
::testing::AssertionResult HasSubstr(const absl::Status& status, const std::string& part) {
  if (std::string(status.message()).find(part) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "'" << status.message() << "' lacks '" << part << "'";
}

Geometry Wkt(const std::string& wkt) {
  absl::StatusOr<Geometry> g = Geometry::FromWkt(wkt);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? *std::move(g) : Geometry();
}

// Geometries compare by their WKB, which is exactly what crosses the wire.
void ExpectSameGeometry(const Geometry& a, const Geometry& b, const std::string& what) {
  EXPECT_EQ(a.is_null(), b.is_null()) << what;
  EXPECT_EQ(a.ToWkb(), b.ToWkb()) << what;
}

// ---------------------------------------------------------------------------------------------
// Field-by-field equality. Written out (rather than comparing re-encoded protos) so that a field
// dropped in both directions would still be caught.

void ExpectSame(const SourceFile& a, const SourceFile& b) {
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.sha256, b.sha256);
  EXPECT_EQ(a.records, b.records);
}

void ExpectSame(const ValidationInput& a, const ValidationInput& b) {
  ASSERT_EQ(a.memberships.size(), b.memberships.size());
  for (size_t i = 0; i < a.memberships.size(); ++i) {
    const Membership& x = a.memberships[i];
    const Membership& y = b.memberships[i];
    SCOPED_TRACE("membership " + std::to_string(i));
    EXPECT_EQ(x.practice_code, y.practice_code);
    EXPECT_EQ(x.practice_name, y.practice_name);
    EXPECT_EQ(x.practice_postcode, y.practice_postcode);
    EXPECT_EQ(x.pcn_code, y.pcn_code);
    EXPECT_EQ(x.pcn_name, y.pcn_name);
    EXPECT_EQ(x.sub_icb_code, y.sub_icb_code);
    EXPECT_EQ(x.ons_sub_icb_code, y.ons_sub_icb_code);
    EXPECT_EQ(x.icb_code, y.icb_code);
    EXPECT_EQ(x.ons_icb_code, y.ons_icb_code);
    ASSERT_EQ(x.location.has_value(), y.location.has_value());
    if (x.location) {
      EXPECT_EQ(x.location->x, y.location->x);
      EXPECT_EQ(x.location->y, y.location->y);
    }
    EXPECT_EQ(x.list_size, y.list_size);
    EXPECT_EQ(x.row, y.row);
  }
  ASSERT_EQ(a.list_sizes.has_value(), b.list_sizes.has_value());
  if (a.list_sizes) {
    ASSERT_EQ(a.list_sizes->size(), b.list_sizes->size());
    for (size_t i = 0; i < a.list_sizes->size(); ++i) {
      EXPECT_EQ((*a.list_sizes)[i].practice_code, (*b.list_sizes)[i].practice_code);
      EXPECT_EQ((*a.list_sizes)[i].patients, (*b.list_sizes)[i].patients);
      EXPECT_EQ((*a.list_sizes)[i].row, (*b.list_sizes)[i].row);
    }
  }
  ASSERT_EQ(a.distribution.has_value(), b.distribution.has_value());
  if (a.distribution) {
    EXPECT_EQ(a.distribution->level, b.distribution->level);
    ASSERT_EQ(a.distribution->rows.size(), b.distribution->rows.size());
    for (size_t i = 0; i < a.distribution->rows.size(); ++i) {
      const DistributionRow& x = a.distribution->rows[i];
      const DistributionRow& y = b.distribution->rows[i];
      EXPECT_EQ(x.practice_code, y.practice_code);
      EXPECT_EQ(x.place, y.place);
      EXPECT_EQ(x.patients, y.patients);
      EXPECT_EQ(x.row, y.row);
    }
  }
  ASSERT_EQ(a.declared.has_value(), b.declared.has_value());
  if (a.declared) {
    ASSERT_EQ(a.declared->size(), b.declared->size());
    for (size_t i = 0; i < a.declared->size(); ++i) {
      EXPECT_EQ((*a.declared)[i].pcn_code, (*b.declared)[i].pcn_code);
      EXPECT_EQ((*a.declared)[i].feature, (*b.declared)[i].feature);
      EXPECT_EQ((*a.declared)[i].invalid_reason, (*b.declared)[i].invalid_reason);
      ExpectSameGeometry((*a.declared)[i].geometry, (*b.declared)[i].geometry, "declared");
    }
  }
  ASSERT_EQ(a.practice_register.has_value(), b.practice_register.has_value());
  if (a.practice_register) {
    ASSERT_EQ(a.practice_register->size(), b.practice_register->size());
    for (size_t i = 0; i < a.practice_register->size(); ++i) {
      const RegisteredPractice& x = (*a.practice_register)[i];
      const RegisteredPractice& y = (*b.practice_register)[i];
      SCOPED_TRACE("registered practice " + std::to_string(i));
      EXPECT_EQ(x.code, y.code);
      EXPECT_EQ(x.name, y.name);
      EXPECT_EQ(x.postcode, y.postcode);
      EXPECT_EQ(x.status, y.status);
      EXPECT_EQ(x.open_date, y.open_date);
      EXPECT_EQ(x.close_date, y.close_date);
      EXPECT_EQ(x.prescribing_setting, y.prescribing_setting);
      EXPECT_EQ(x.commissioner, y.commissioner);
      EXPECT_EQ(x.row, y.row);
    }
  }
  ASSERT_EQ(a.sources.size(), b.sources.size());
  for (size_t i = 0; i < a.sources.size(); ++i) ExpectSame(a.sources[i], b.sources[i]);
}

void ExpectSame(const ValidationOptions& a, const ValidationOptions& b) {
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.share_threshold, b.share_threshold);
  EXPECT_EQ(a.ruleset.name, b.ruleset.name);
  EXPECT_EQ(a.ruleset.pop_min, b.ruleset.pop_min);
  EXPECT_EQ(a.ruleset.pop_usual_max, b.ruleset.pop_usual_max);
  EXPECT_EQ(a.ruleset.list_size_tolerance, b.ruleset.list_size_tolerance);
  for (const RuleInfo& rule : RuleCatalogue()) {
    EXPECT_EQ(a.ruleset.SeverityOf(rule.code), b.ruleset.SeverityOf(rule.code)) << rule.code;
  }
  EXPECT_EQ(a.ruleset.severity, b.ruleset.severity);
  EXPECT_EQ(a.ruleset.disabled, b.ruleset.disabled);
  EXPECT_EQ(a.ruleset.con_detached_min_share, b.ruleset.con_detached_min_share);
  EXPECT_EQ(a.ruleset.con004_buffer_m, b.ruleset.con004_buffer_m);
  EXPECT_EQ(a.ruleset.nest001_max_outside, b.ruleset.nest001_max_outside);
  EXPECT_EQ(a.ruleset.nest003_max_outside, b.ruleset.nest003_max_outside);
  EXPECT_EQ(a.ruleset.com001_max_outside, b.ruleset.com001_max_outside);
  EXPECT_EQ(a.ruleset.ovl001_tolerance_m2, b.ruleset.ovl001_tolerance_m2);
  EXPECT_EQ(a.ruleset.ovl002_tolerance_m2, b.ruleset.ovl002_tolerance_m2);
  EXPECT_EQ(a.ruleset.ovl003_min_iou, b.ruleset.ovl003_min_iou);
  EXPECT_EQ(a.ruleset.cmp001_min_polsby_popper, b.ruleset.cmp001_min_polsby_popper);
  EXPECT_EQ(a.ruleset.cmp002_max_distance_m, b.ruleset.cmp002_max_distance_m);
  EXPECT_EQ(a.ruleset.repair_geometry, b.ruleset.repair_geometry);
  EXPECT_EQ(a.ruleset.contiguity.adjacency, b.ruleset.contiguity.adjacency);
  EXPECT_EQ(a.ruleset.contiguity.bridge_distance_m, b.ruleset.contiguity.bridge_distance_m);
  EXPECT_EQ(a.ruleset.contiguity.bridges, b.ruleset.contiguity.bridges);
  ASSERT_EQ(a.waivers.size(), b.waivers.size());
  for (size_t i = 0; i < a.waivers.size(); ++i) {
    EXPECT_EQ(a.waivers[i].rule, b.waivers[i].rule);
    EXPECT_EQ(a.waivers[i].pcn, b.waivers[i].pcn);
    EXPECT_EQ(a.waivers[i].reason, b.waivers[i].reason);
    EXPECT_EQ(a.waivers[i].approved_by, b.waivers[i].approved_by);
    EXPECT_EQ(a.waivers[i].expires, b.waivers[i].expires);
  }
  EXPECT_EQ(a.as_of, b.as_of);
  EXPECT_EQ(a.other_catchment_geometry, b.other_catchment_geometry);
}

void ExpectSame(const Report& a, const Report& b) {
  EXPECT_EQ(a.summary.verdict, b.summary.verdict);
  EXPECT_EQ(a.summary.pcns, b.summary.pcns);
  EXPECT_EQ(a.summary.practices, b.summary.practices);
  EXPECT_EQ(a.summary.findings_by_severity, b.summary.findings_by_severity);
  EXPECT_EQ(a.summary.waived, b.summary.waived);
  EXPECT_EQ(a.summary.expired_waivers, b.summary.expired_waivers);
  ASSERT_EQ(a.summary.rules.size(), b.summary.rules.size());
  for (size_t i = 0; i < a.summary.rules.size(); ++i) {
    EXPECT_EQ(a.summary.rules[i].rule, b.summary.rules[i].rule);
    EXPECT_EQ(a.summary.rules[i].state, b.summary.rules[i].state);
    EXPECT_EQ(a.summary.rules[i].reason, b.summary.rules[i].reason);
    EXPECT_EQ(a.summary.rules[i].findings, b.summary.rules[i].findings);
  }
  ASSERT_EQ(a.pcns.size(), b.pcns.size());
  for (size_t i = 0; i < a.pcns.size(); ++i) {
    const PcnEntry& x = a.pcns[i];
    const PcnEntry& y = b.pcns[i];
    EXPECT_EQ(x.code, y.code);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.population, y.population);
    EXPECT_EQ(x.population_basis, y.population_basis);
    EXPECT_EQ(x.practices, y.practices);
    EXPECT_EQ(x.territory.areas, y.territory.areas);
    EXPECT_EQ(x.territory.parts, y.territory.parts);
    EXPECT_EQ(x.territory.components, y.territory.components);
    EXPECT_EQ(x.territory.area_km2, y.territory.area_km2);
    EXPECT_EQ(x.territory.patients_in_territory, y.territory.patients_in_territory);
    ExpectSameGeometry(x.territory_geometry, y.territory_geometry, "territory " + x.code);
    ExpectSameGeometry(x.share_catchment_geometry, y.share_catchment_geometry, "share " + x.code);
  }
  ASSERT_EQ(a.practices.size(), b.practices.size());
  for (size_t i = 0; i < a.practices.size(); ++i) {
    const PracticeEntry& x = a.practices[i];
    const PracticeEntry& y = b.practices[i];
    EXPECT_EQ(x.code, y.code);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.pcn, y.pcn);
    EXPECT_EQ(x.status, y.status);
    ASSERT_EQ(x.location.has_value(), y.location.has_value()) << x.code;
    if (x.location) {
      EXPECT_EQ(x.location->x, y.location->x);
      EXPECT_EQ(x.location->y, y.location->y);
    }
    EXPECT_EQ(x.list_size, y.list_size) << x.code;
  }
  ASSERT_EQ(a.findings.size(), b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    const Finding& x = a.findings[i];
    const Finding& y = b.findings[i];
    EXPECT_EQ(x.rule, y.rule);
    EXPECT_EQ(x.severity, y.severity);
    EXPECT_EQ(x.pcn, y.pcn);
    EXPECT_EQ(x.practice, y.practice);
    EXPECT_EQ(x.message, y.message);
    EXPECT_EQ(x.values, y.values);  // std::variant compares kind and value
    ExpectSameGeometry(x.geometry, y.geometry, "finding " + std::to_string(i));
    ASSERT_EQ(x.waiver.has_value(), y.waiver.has_value()) << "finding " << i;
    if (x.waiver) {
      EXPECT_EQ(x.waiver->reason, y.waiver->reason);
      EXPECT_EQ(x.waiver->approved_by, y.waiver->approved_by);
      EXPECT_EQ(x.waiver->expires, y.waiver->expires);
    }
  }
  const Provenance& p = a.provenance;
  const Provenance& q = b.provenance;
  EXPECT_EQ(p.tool, q.tool);
  ASSERT_EQ(p.inputs.size(), q.inputs.size());
  for (size_t i = 0; i < p.inputs.size(); ++i) ExpectSame(p.inputs[i], q.inputs[i]);
  EXPECT_EQ(p.reference_path, q.reference_path);
  EXPECT_EQ(p.reference_sha256, q.reference_sha256);
  ASSERT_EQ(p.reference_layers.size(), q.reference_layers.size());
  for (size_t i = 0; i < p.reference_layers.size(); ++i) {
    EXPECT_EQ(p.reference_layers[i].name, q.reference_layers[i].name);
    EXPECT_EQ(p.reference_layers[i].source, q.reference_layers[i].source);
    EXPECT_EQ(p.reference_layers[i].sha256, q.reference_layers[i].sha256);
    EXPECT_EQ(p.reference_layers[i].vintage, q.reference_layers[i].vintage);
    EXPECT_EQ(p.reference_layers[i].features, q.reference_layers[i].features);
  }
  EXPECT_EQ(p.method, q.method);
  EXPECT_EQ(p.ruleset, q.ruleset);
  EXPECT_EQ(p.tolerances, q.tolerances);
  EXPECT_EQ(p.libraries, q.libraries);
}

// ---------------------------------------------------------------------------------------------
// Fixtures with every field set to something other than its default.

ValidationInput FullInput() {
  ValidationInput input;
  Membership m;
  m.practice_code = "A81001";
  m.practice_name = "The Densham Surgery";
  m.practice_postcode = "TS181HU";
  m.pcn_code = "U12345";
  m.pcn_name = "Stockton PCN";
  m.sub_icb_code = "16C";
  m.ons_sub_icb_code = "E38000247";
  m.icb_code = "QHM";
  m.ons_icb_code = "E54000050";
  m.location = Point{445123.25, 518234.5};
  m.list_size = 4321;
  m.row = 17;
  input.memberships.push_back(m);
  Membership bare;  // no location, no list size: both must stay "not given"
  bare.practice_code = "A81002";
  bare.pcn_code = "U";
  bare.row = 18;
  input.memberships.push_back(bare);
  input.list_sizes = std::vector<ListSize>{{"A81001", 4400, 3}, {"A81002", 0, 4}};
  Distribution d;
  d.level = DistributionLevel::kPostcode;
  d.rows = {{"A81001", "TS181HU", 12, 1832}, {"A81002", "TS181HX", 0, 1833}};
  input.distribution = d;
  DeclaredBoundary repaired;
  repaired.pcn_code = "U12345";
  repaired.geometry = Wkt("POLYGON((0 0,10 0,10 10,0 10,0 0))");
  repaired.feature = 4;
  repaired.invalid_reason = "Self-intersection[5 5]";
  DeclaredBoundary multi;
  multi.pcn_code = "U54321";
  multi.geometry = Wkt("MULTIPOLYGON(((20 20,30 20,30 30,20 20)),((40 40,50 40,50 50,40 40)))");
  multi.feature = 5;
  input.declared = std::vector<DeclaredBoundary>{repaired, multi};
  RegisteredPractice closed;
  closed.code = "A81003";
  closed.name = "VICTORIA MEDICAL PRACTICE";
  closed.postcode = "TS268DB";
  closed.status = 'C';
  closed.open_date = "1974-04-01";
  closed.close_date = "2017-10-31";
  closed.prescribing_setting = 9;  // not the default
  closed.commissioner = "00K";
  closed.row = 3;
  input.practice_register = std::vector<RegisteredPractice>{closed};
  input.sources = {{"practices", "/data/map.csv", std::string(64, 'f'), 6543},
                   {"distribution", "/data/lsoa.csv", std::string(64, 'e'), 1000000}};
  return input;
}

ValidationOptions FullOptions() {
  ValidationOptions o;
  o.method = CatchmentMethod::kShare;
  o.share_threshold = 0.125;
  o.other_catchment_geometry = false;  // not the default
  o.ruleset.name = "strict";
  o.ruleset.pop_min = 25000;
  o.ruleset.pop_usual_max = 60000;
  o.ruleset.list_size_tolerance = 0.02;
  o.ruleset.severity = {{"POP001", Severity::kWarning}, {"POP002", Severity::kInfo},
                        {"POP003", Severity::kError},   {"MEM001", Severity::kWarning},
                        {"MEM002", Severity::kInfo},    {"MEM003", Severity::kError},
                        {"MEM004", Severity::kError},   {"DAT001", Severity::kInfo},
                        {"CON001", Severity::kWarning}, {"OVL003", Severity::kError}};
  o.ruleset.disabled = {"CMP001", "CMP002"};
  o.ruleset.con_detached_min_share = 0.03;
  o.ruleset.con004_buffer_m = 750;
  o.ruleset.nest001_max_outside = 0.07;
  o.ruleset.nest003_max_outside = 0.08;
  o.ruleset.com001_max_outside = 0.15;
  o.ruleset.ovl001_tolerance_m2 = 50;
  o.ruleset.ovl002_tolerance_m2 = 25;
  o.ruleset.ovl003_min_iou = 0.5;
  o.ruleset.cmp001_min_polsby_popper = 0.2;
  o.ruleset.cmp002_max_distance_m = 20000;
  o.ruleset.repair_geometry = false;
  o.ruleset.contiguity.adjacency = Adjacency::kPoint;
  o.ruleset.contiguity.bridge_distance_m = 250;
  o.ruleset.contiguity.bridges = {{"E01018000", "E01018999"}, {"E01000001", "E01000002"}};
  o.waivers = {{"POP001", "U12345", "rural exception", "ICB board", "2027-03-31"},
               {"CON001", "U54321", "island", "J. Smith", "2025-01-01"}};
  o.as_of = "2026-11-22";
  return o;
}

Report FullReport() {
  Report r;
  r.summary.verdict = "FAIL";
  r.summary.pcns = 2;
  r.summary.practices = 7;
  r.summary.findings_by_severity = {{"ERROR", 1}, {"INFO", 0}, {"WARNING", 2}};
  r.summary.waived = 1;
  r.summary.expired_waivers = {"CON001 U54321 expired 2025-01-01"};
  r.summary.rules = {{"POP001", RuleState::kEvaluated, "", 1},
                     {"OVL001", RuleState::kNotEvaluated, "no declared boundaries given", 0}};
  PcnEntry e;
  e.code = "U12345";
  e.name = "Stockton PCN";
  e.population = 28765;
  e.population_basis = "list_sizes";
  e.practices = {"A81001", "A81002"};
  e.territory.areas = 12;
  e.territory.parts = 2;
  e.territory.components = 1;
  e.territory.area_km2 = 34.5678901234;
  e.territory.patients_in_territory = 27001;
  e.territory_geometry =
      Wkt("MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(2 2,3 2,3 3,2 2)),((20 0,30 0,30 5,20 0)))");
  e.share_catchment_geometry = Wkt("POLYGON((0 0,12 0,12 12,0 12,0 0))");
  r.pcns.push_back(e);
  PcnEntry without;  // no territory at all: the geometry must stay null, not become empty
  without.code = "U54321";
  without.population_basis = "none";
  r.pcns.push_back(without);
  PracticeEntry practice;
  practice.code = "A81001";
  practice.name = "The Densham Surgery";
  practice.pcn = "U12345";
  practice.status = "ok";
  practice.location = Point{445123.25, 518234.5};
  practice.list_size = 4321;
  r.practices.push_back(practice);
  PracticeEntry unknown;  // location and list size unknown: both must stay unknown
  unknown.code = "A81009";
  unknown.status = "unallocated";
  r.practices.push_back(unknown);
  Finding f;
  f.rule = "CON001";
  f.severity = Severity::kError;
  f.pcn = "U12345";
  f.practice = "A81002";
  f.message = "Territory of U12345 has a detached part holding 7.5% of its patients.";
  f.values = {{"patients", int64_t{2025}},
              {"share", 0.075},
              {"gap_m", 1234.5},
              {"part", std::string("2 of 2")},
              {"huge", std::numeric_limits<int64_t>::max()}};
  f.geometry = Wkt("POLYGON((20 0,30 0,30 5,20 0))");
  r.findings.push_back(f);
  Finding plain;
  plain.rule = "MEM003";
  plain.severity = Severity::kInfo;
  plain.message = "Single-practice PCN.";
  r.findings.push_back(plain);
  Finding warning;
  warning.rule = "POP002";
  warning.severity = Severity::kWarning;
  warning.geometry = Wkt("POINT(445123.25 518234.5)");
  warning.waiver = AppliedWaiver{"rural exception", "ICB board", "2027-03-31"};
  r.findings.push_back(warning);
  Provenance& p = r.provenance;
  p.tool = "pcnv 0.1.0";
  p.inputs = FullInput().sources;
  p.reference_path = "/data/ref.gpkg";
  p.reference_sha256 = std::string(64, 'a');
  p.reference_layers = {{"areas", "lsoa.shp", std::string(64, 'b'), "LSOA 2011", 32844},
                        {"icb", "icb.geojson", std::string(64, 'c'), "", 42}};
  p.method = "share";
  p.ruleset = {{"name", std::string("strict")}, {"pop_min", int64_t{25000}}, {"minpct", 0.125}};
  p.tolerances = {{"bridge_distance_m", 0.0}, {"slivers", int64_t{3}}};
  p.libraries = {{"gdal", "3.6.2"}, {"geos", "3.11.1"}, {"proj", "9.1.1"}};
  return r;
}

// ---------------------------------------------------------------------------------------------
// Round trips

TEST(ConvertRoundTrip, InputWithEveryFieldSet) {
  const ValidationInput input = FullInput();
  const v1::ValidateRequest request = MakeRequest(input, FullOptions());
  absl::StatusOr<ValidationInput> back = InputFromProto(request);
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(input, *back);
}

TEST(ConvertRoundTrip, InputSurvivesSerialisation) {
  // Through bytes, as on the wire: presence of optional parts must survive too.
  const ValidationInput input = FullInput();
  std::string bytes;
  ASSERT_TRUE(MakeRequest(input, FullOptions()).SerializeToString(&bytes));
  v1::ValidateRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  absl::StatusOr<ValidationInput> back = InputFromProto(parsed);
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(input, *back);
}

TEST(ConvertRoundTrip, AbsentOptionalInputsStayAbsent) {
  ValidationInput input;
  input.memberships = FullInput().memberships;
  const v1::ValidateRequest request = MakeRequest(input, ValidationOptions());
  EXPECT_FALSE(request.has_list_sizes());
  EXPECT_FALSE(request.has_distribution());
  EXPECT_FALSE(request.has_declared());
  EXPECT_FALSE(request.has_practice_register());
  absl::StatusOr<ValidationInput> back = InputFromProto(request);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_FALSE(back->list_sizes.has_value());
  EXPECT_FALSE(back->distribution.has_value());
  EXPECT_FALSE(back->declared.has_value());
  EXPECT_FALSE(back->practice_register.has_value());
}

// Every optional input given, but empty.
ValidationInput GivenButEmptyInput() {
  ValidationInput input;
  input.list_sizes.emplace();
  input.declared.emplace();
  input.distribution.emplace();
  input.practice_register.emplace();
  return input;
}

TEST(ConvertRoundTrip, GivenButEmptyDiffersFromNotGiven) {
  const ValidationInput input = GivenButEmptyInput();
  std::string bytes;
  ASSERT_TRUE(MakeRequest(input, ValidationOptions()).SerializeToString(&bytes));
  v1::ValidateRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  absl::StatusOr<ValidationInput> back = InputFromProto(parsed);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->list_sizes.has_value());
  EXPECT_TRUE(back->list_sizes->empty());
  ASSERT_TRUE(back->declared.has_value());
  EXPECT_TRUE(back->declared->empty());
  ASSERT_TRUE(back->distribution.has_value());
  EXPECT_TRUE(back->distribution->rows.empty());
  ASSERT_TRUE(back->practice_register.has_value());
  EXPECT_TRUE(back->practice_register->empty());
}

// ChunkRequest (what `pcnv validate --stream` sends) and StreamAssembler (what the server
// rebuilds) are inverses: chunks of one row, of three, and one chunk for everything.
TEST(StreamChunks, AssembleBackToTheSameRequest) {
  const v1::ValidateRequest whole = MakeRequest(FullInput(), FullOptions());
  for (int rows : {1, 3, 100000}) {
    SCOPED_TRACE(rows);
    v1::ValidateRequest copy = whole;
    std::vector<v1::ValidateStreamRequest> chunks = ChunkRequest(copy, rows);
    ASSERT_FALSE(chunks.empty());
    EXPECT_TRUE(chunks.back().has_end());
    if (rows == 1) EXPECT_GT(chunks.size(), 8u);  // two memberships, two distribution rows...
    StreamAssembler assembler;
    for (v1::ValidateStreamRequest& chunk : chunks) {
      absl::Status s = assembler.Add(chunk);
      ASSERT_TRUE(s.ok()) << s;
    }
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(assembler.request(), whole))
        << assembler.request().DebugString();
  }
}

TEST(StreamChunks, GivenButEmptyStaysGiven) {
  v1::ValidateRequest request = MakeRequest(GivenButEmptyInput(), ValidationOptions());
  std::vector<v1::ValidateStreamRequest> chunks = ChunkRequest(request, 10);
  StreamAssembler assembler;
  for (v1::ValidateStreamRequest& chunk : chunks) ASSERT_TRUE(assembler.Add(chunk).ok());
  EXPECT_TRUE(assembler.request().has_list_sizes());
  EXPECT_TRUE(assembler.request().has_distribution());
  EXPECT_TRUE(assembler.request().has_declared());
  EXPECT_TRUE(assembler.request().has_practice_register());
}

TEST(ConvertRoundTrip, OptionsWithEveryFieldSet) {
  v1::ValidationOptions proto;
  ToProto(FullOptions(), &proto);
  absl::StatusOr<ValidationOptions> back = OptionsFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(FullOptions(), *back);
}

TEST(ConvertRoundTrip, DefaultOptionsRoundTrip) {
  v1::ValidationOptions proto;
  ToProto(ValidationOptions(), &proto);
  absl::StatusOr<ValidationOptions> back = OptionsFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(ValidationOptions(), *back);
}

TEST(ConvertRoundTrip, AbsentOptionsMeanTheDefaults) {
  absl::StatusOr<ValidationOptions> back = OptionsFromProto(v1::ValidationOptions());
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(ValidationOptions(), *back);
}

// POP001-POP003, MEM001-MEM004 and DAT001 keep their own v1.Ruleset fields; in the domain they
// live in the one severity map with every other rule.
TEST(ConvertRoundTrip, RulesetSeverityFieldsMapThroughTheSeverityMap) {
  v1::ValidationOptions defaults;
  ToProto(ValidationOptions(), &defaults);
  EXPECT_EQ(defaults.ruleset().pop001(), v1::SEVERITY_ERROR);
  EXPECT_EQ(defaults.ruleset().mem003(), v1::SEVERITY_INFO);
  EXPECT_EQ(defaults.ruleset().dat001(), v1::SEVERITY_WARNING);
  EXPECT_TRUE(defaults.ruleset().severity().empty());

  v1::ValidationOptions full;
  ToProto(FullOptions(), &full);
  EXPECT_EQ(full.ruleset().pop001(), v1::SEVERITY_WARNING);
  EXPECT_EQ(full.ruleset().dat001(), v1::SEVERITY_INFO);
  EXPECT_EQ(full.ruleset().severity().size(), 2);  // CON001 and OVL003 only

  // The field is authoritative for its rule: a map entry for it is not read.
  v1::ValidationOptions p;
  p.mutable_ruleset()->set_pop002(v1::SEVERITY_ERROR);
  (*p.mutable_ruleset()->mutable_severity())["POP002"] = v1::SEVERITY_INFO;
  (*p.mutable_ruleset()->mutable_severity())["POP003"] = v1::SEVERITY_INFO;
  absl::StatusOr<ValidationOptions> back = OptionsFromProto(p);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ruleset.SeverityOf("POP002"), Severity::kError);
  EXPECT_EQ(back->ruleset.SeverityOf("POP003"), Severity::kWarning);
  EXPECT_EQ(back->ruleset.SeverityOf("CON001"), Severity::kError);
}

TEST(ConvertRoundTrip, ReportWithEveryFieldSet) {
  const Report report = FullReport();
  v1::Report proto;
  ToProto(report, &proto);
  std::string bytes;
  ASSERT_TRUE(proto.SerializeToString(&bytes));
  v1::Report parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  absl::StatusOr<Report> back = ReportFromProto(parsed);
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(report, *back);
}

TEST(ConvertRoundTrip, ValueKindsArePreserved) {
  // 2 and 2.0 are different values in the JSON report ("2" vs "2.0"); the wire keeps them apart.
  Report report;
  Finding f;
  f.rule = "X";
  f.severity = Severity::kWarning;
  f.values = {{"i", int64_t{2}}, {"d", 2.0}, {"s", std::string("2")}, {"nan", std::nan("")}};
  report.findings.push_back(f);
  v1::Report proto;
  ToProto(report, &proto);
  absl::StatusOr<Report> back = ReportFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  const auto& values = back->findings[0].values;
  EXPECT_EQ(std::get<int64_t>(values.at("i")), 2);
  EXPECT_EQ(std::get<double>(values.at("d")), 2.0);
  EXPECT_EQ(std::get<std::string>(values.at("s")), "2");
  EXPECT_TRUE(std::isnan(std::get<double>(values.at("nan"))));
}

TEST(ConvertRoundTrip, GeometryCarriesSrid) {
  v1::Report proto;
  ToProto(FullReport(), &proto);
  EXPECT_EQ(proto.findings(0).geometry().srid(), kSrid);
  EXPECT_EQ(proto.pcns(0).territory_geometry().srid(), kSrid);
  EXPECT_EQ(proto.pcns(0).share_catchment_geometry().srid(), kSrid);
  EXPECT_FALSE(proto.pcns(1).has_territory_geometry());
  EXPECT_FALSE(proto.pcns(1).has_share_catchment_geometry());
  EXPECT_FALSE(proto.practices(1).has_location());
  EXPECT_FALSE(proto.practices(1).has_list_size());
  EXPECT_FALSE(proto.findings(1).has_geometry());
}

// A tripwire for drift: the domain structs keep growing, and a field the proto does not mirror
// would silently vanish from `pcnv validate --server` reports. When one of these sizes changes,
// mirror the new field in proto/pcnv/v1/validator.proto and wire/convert_*.cc, set it in the
// Full* fixtures above, compare it in ExpectSame, then update the number here.
TEST(ConvertCoverage, DomainStructsAreTheOnesTheProtoMirrors) {
#if defined(__x86_64__) && defined(__GLIBCXX__)
  EXPECT_EQ(sizeof(Membership), 336u);
  EXPECT_EQ(sizeof(ListSize), 48u);
  EXPECT_EQ(sizeof(DistributionRow), 80u);
  EXPECT_EQ(sizeof(Distribution), 32u);
  EXPECT_EQ(sizeof(DeclaredBoundary), 80u);
  EXPECT_EQ(sizeof(SourceFile), 104u);
  EXPECT_EQ(sizeof(ValidationInput), 184u);
  EXPECT_EQ(sizeof(RegisteredPractice), 216u);
  // The POP, MEM and DAT rules' severities have v1.Ruleset fields of their own but live in
  // `severity` here (RulesetSeverityFieldsMapThroughTheSeverityMap).
  EXPECT_EQ(sizeof(Ruleset), 280u);
  EXPECT_EQ(sizeof(ContiguityOptions), 40u);
  EXPECT_EQ(sizeof(Waiver), 160u);
  // + `cancelled` and `on_pcn_ready`, the front door's hooks, and `only_pcns` (the fix
  // suggestions' re-validation of a neighbourhood, geo/suggest.h): deliberately not on the wire.
  EXPECT_EQ(sizeof(ValidationOptions), 488u);
  EXPECT_EQ(sizeof(AppliedWaiver), 96u);
  EXPECT_EQ(sizeof(Finding), 296u);
  EXPECT_EQ(sizeof(RuleOutcome), 80u);
  EXPECT_EQ(sizeof(TerritoryMetrics), 40u);
  // + `territory_areas` (indices for in-process callers): deliberately not on the wire.
  EXPECT_EQ(sizeof(PcnEntry), 216u);
  EXPECT_EQ(sizeof(PracticeEntry), 176u);
  EXPECT_EQ(sizeof(Summary), 144u);
  EXPECT_EQ(sizeof(Provenance::Layer), 136u);
  EXPECT_EQ(sizeof(Provenance), 320u);
  EXPECT_EQ(sizeof(Report), 536u);
#else
  GTEST_SKIP() << "sizes recorded for x86-64 libstdc++ only";
#endif
}

// ---------------------------------------------------------------------------------------------
// Refusals: each bad field gives INVALID_ARGUMENT naming it (and the source row when known).

struct BadRequestCase {
  std::string name;
  std::function<void(v1::ValidateRequest&)> mutate;
  std::string expected;  // a substring of the error message
};

class BadRequestTest : public ::testing::TestWithParam<BadRequestCase> {};

TEST_P(BadRequestTest, IsInvalidArgumentNamingTheField) {
  v1::ValidateRequest request = MakeRequest(FullInput(), FullOptions());
  GetParam().mutate(request);
  absl::Status status = InputFromProto(request).status();
  if (status.ok()) status = OptionsFromProto(request.options()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(HasSubstr(status, GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, BadRequestTest,
    ::testing::Values(
        BadRequestCase{"NegativePatients",
                       [](v1::ValidateRequest& r) {
                         r.mutable_distribution()->mutable_rows(1)->set_patients(-4);
                       },
                       "distribution.rows[1].patients: -4 is negative (source row 1833)"},
        BadRequestCase{"UnknownLevel",
                       [](v1::ValidateRequest& r) {
                         r.mutable_distribution()->set_level(static_cast<v1::DistributionLevel>(7));
                       },
                       "distribution.level: unknown DistributionLevel value 7"},
        BadRequestCase{"UnspecifiedLevel",
                       [](v1::ValidateRequest& r) {
                         r.mutable_distribution()->set_level(v1::DISTRIBUTION_LEVEL_UNSPECIFIED);
                       },
                       "distribution.level: unspecified"},
        BadRequestCase{"EmptyDistributionPractice",
                       [](v1::ValidateRequest& r) {
                         r.mutable_distribution()->mutable_rows(0)->clear_practice_code();
                       },
                       "distribution.rows[0].practice_code: is empty (source row 1832)"},
        BadRequestCase{"RegisterStatus",
                       [](v1::ValidateRequest& r) {
                         r.mutable_practice_register()->mutable_practices(0)->set_status("X");
                       },
                       "practice_register.practices[0].status: 'X' is not A (active), C, D or P "
                       "(source row 3)"},
        BadRequestCase{"RegisterCode",
                       [](v1::ValidateRequest& r) {
                         r.mutable_practice_register()->mutable_practices(0)->clear_code();
                       },
                       "practice_register.practices[0].code: is empty (source row 3)"},
        BadRequestCase{"RegisterSetting",
                       [](v1::ValidateRequest& r) {
                         r.mutable_practice_register()->mutable_practices(0)->set_prescribing_setting(
                             100);
                       },
                       "practice_register.practices[0].prescribing_setting: 100 is not a setting"},
        BadRequestCase{"BadWkb",
                       [](v1::ValidateRequest& r) {
                         r.mutable_declared()->mutable_boundaries(1)->mutable_geometry()->set_wkb(
                             "\x01\x03\x00\x00\x00\xff\xff");
                       },
                       "declared.boundaries[1].geometry.wkb: cannot parse WKB"},
        BadRequestCase{
            "EmptyWkb",
            [](v1::ValidateRequest& r) {
              r.mutable_declared()->mutable_boundaries(0)->mutable_geometry()->clear_wkb();
            },
            "declared.boundaries[0].geometry.wkb: is empty"},
        BadRequestCase{"WrongSrid",
                       [](v1::ValidateRequest& r) {
                         r.mutable_declared()->mutable_boundaries(0)->mutable_geometry()->set_srid(
                             4326);
                       },
                       "declared.boundaries[0].geometry.srid: 4326 is not 27700"},
        BadRequestCase{
            "MissingSrid",
            [](v1::ValidateRequest& r) {
              r.mutable_declared()->mutable_boundaries(0)->mutable_geometry()->clear_srid();
            },
            "declared.boundaries[0].geometry.srid: 0 is not 27700"},
        BadRequestCase{"MissingGeometry",
                       [](v1::ValidateRequest& r) {
                         r.mutable_declared()->mutable_boundaries(0)->clear_geometry();
                       },
                       "declared.boundaries[0].geometry: is missing"},
        BadRequestCase{"LineGeometry",
                       [](v1::ValidateRequest& r) {
                         ToProto(Wkt("LINESTRING(0 0,1 1)"),
                                 r.mutable_declared()->mutable_boundaries(0)->mutable_geometry());
                       },
                       "declared.boundaries[0].geometry: LineString is not a Polygon"},
        BadRequestCase{"EmptyPolygon",
                       [](v1::ValidateRequest& r) {
                         ToProto(Wkt("POLYGON EMPTY"),
                                 r.mutable_declared()->mutable_boundaries(0)->mutable_geometry());
                       },
                       "declared.boundaries[0].geometry: is empty"},
        BadRequestCase{"DeclaredFarOutsideGreatBritain",
                       [](v1::ValidateRequest& r) {
                         // The fuzzer's leak of GEOS's buffer came from magnitudes like these.
                         ToProto(Wkt("POLYGON((430000 380000,1e189 1e219,2e154 383016,"
                                     "430000 380000))"),
                                 r.mutable_declared()->mutable_boundaries(1)->mutable_geometry());
                       },
                       "declared.boundaries[1].geometry.wkb: geometry extends from "
                       "easting/northing 430000"},
        BadRequestCase{"DeclaredNanCoordinate",
                       [](v1::ValidateRequest& r) {
                         v1::Geometry* g =
                             r.mutable_declared()->mutable_boundaries(0)->mutable_geometry();
                         ToProto(Wkt("POLYGON((430000 380000,431000 380000,431000 381000,"
                                     "430000 380000))"),
                                 g);
                         // The third point's northing (after 13 bytes of header and two
                         // points) becomes NaN.
                         const double nan = std::nan("");
                         std::string wkb = g->wkb();
                         std::memcpy(wkb.data() + 13 + 2 * 16 + 8, &nan, sizeof nan);
                         g->set_wkb(wkb);
                       },
                       "declared.boundaries[0].geometry.wkb: a coordinate is not a finite number"},
        BadRequestCase{"DeclaredWithoutPcn",
                       [](v1::ValidateRequest& r) {
                         r.mutable_declared()->mutable_boundaries(1)->clear_pcn_code();
                       },
                       "declared.boundaries[1].pcn_code: is empty"},
        BadRequestCase{
            "NoPracticeCode",
            [](v1::ValidateRequest& r) { r.mutable_memberships(1)->clear_practice_code(); },
            "memberships[1].practice_code: is empty (source row 18)"},
        BadRequestCase{"NanLocation",
                       [](v1::ValidateRequest& r) {
                         r.mutable_memberships(0)->mutable_location()->set_y(std::nan(""));
                       },
                       "memberships[0].location.y: nan is not a finite number (source row 17)"},
        BadRequestCase{"NegativeListSizeInMap",
                       [](v1::ValidateRequest& r) { r.mutable_memberships(0)->set_list_size(-1); },
                       "memberships[0].list_size: -1 is negative (source row 17)"},
        BadRequestCase{"NegativeRow",
                       [](v1::ValidateRequest& r) { r.mutable_memberships(1)->set_row(-3); },
                       "memberships[1].row: -3 is negative"},
        BadRequestCase{"NegativeListSize",
                       [](v1::ValidateRequest& r) {
                         r.mutable_list_sizes()->mutable_rows(1)->set_patients(-10);
                       },
                       "list_sizes.rows[1].patients: -10 is negative (source row 4)"},
        BadRequestCase{"NegativeRecords",
                       [](v1::ValidateRequest& r) { r.mutable_sources(1)->set_records(-1); },
                       "sources[1].records: -1 is negative"},
        BadRequestCase{"UnknownMethod",
                       [](v1::ValidateRequest& r) {
                         r.mutable_options()->set_method(static_cast<v1::CatchmentMethod>(9));
                       },
                       "options.method: unknown CatchmentMethod value 9"},
        BadRequestCase{"InfiniteThreshold",
                       [](v1::ValidateRequest& r) {
                         r.mutable_options()->set_share_threshold(
                             std::numeric_limits<double>::infinity());
                       },
                       "options.share_threshold: inf is not a finite number"},
        BadRequestCase{"UnknownSeverity",
                       [](v1::ValidateRequest& r) {
                         r.mutable_options()->mutable_ruleset()->set_pop002(
                             static_cast<v1::Severity>(42));
                       },
                       "options.ruleset.pop002: unknown Severity value 42"},
        BadRequestCase{"UnspecifiedSeverityInMap",
                       [](v1::ValidateRequest& r) {
                         (*r.mutable_options()->mutable_ruleset()->mutable_severity())["CON001"] =
                             v1::SEVERITY_UNSPECIFIED;
                       },
                       "options.ruleset.severity[\"CON001\"]: severity is unspecified"},
        BadRequestCase{"NanThreshold",
                       [](v1::ValidateRequest& r) {
                         r.mutable_options()->mutable_ruleset()->set_ovl003_min_iou(std::nan(""));
                       },
                       "options.ruleset.ovl003_min_iou: nan is not a finite number"},
        BadRequestCase{
            "UnknownAdjacency",
            [](v1::ValidateRequest& r) {
              r.mutable_options()->mutable_ruleset()->mutable_contiguity()->set_adjacency(
                  static_cast<v1::Adjacency>(3));
            },
            "options.ruleset.contiguity.adjacency: unknown Adjacency value 3"},
        BadRequestCase{
            "NegativeBridgeDistance",
            [](v1::ValidateRequest& r) {
              r.mutable_options()->mutable_ruleset()->mutable_contiguity()->set_bridge_distance_m(
                  -1);
            },
            "options.ruleset.contiguity.bridge_distance_m: -1 is negative"},
        BadRequestCase{"HalfABridge",
                       [](v1::ValidateRequest& r) {
                         r.mutable_options()
                             ->mutable_ruleset()
                             ->mutable_contiguity()
                             ->mutable_bridges(1)
                             ->clear_to_area();
                       },
                       "options.ruleset.contiguity.bridges[1].to_area: is empty"},
        BadRequestCase{
            "NegativePopMin",
            [](v1::ValidateRequest& r) { r.mutable_options()->mutable_ruleset()->set_pop_min(-5); },
            "options.ruleset.pop_min: -5 is negative"}),
    [](const ::testing::TestParamInfo<BadRequestCase>& info) { return info.param.name; });

TEST(ConvertErrors, FirstBadRowIsTheOneReported) {
  v1::ValidateRequest request = MakeRequest(FullInput(), FullOptions());
  request.mutable_distribution()->mutable_rows(0)->set_patients(-1);
  request.mutable_distribution()->mutable_rows(1)->set_patients(-2);
  absl::Status status = InputFromProto(request).status();
  EXPECT_TRUE(HasSubstr(status, "distribution.rows[0]"));
}

// The reply side: the client refuses a reply it cannot read rather than guessing.
struct BadReportCase {
  std::string name;
  std::function<void(v1::Report&)> mutate;
  std::string expected;
};

class BadReportTest : public ::testing::TestWithParam<BadReportCase> {};

TEST_P(BadReportTest, IsRefusedNamingTheField) {
  v1::Report proto;
  ToProto(FullReport(), &proto);
  GetParam().mutate(proto);
  absl::Status status = ReportFromProto(proto).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(HasSubstr(status, GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, BadReportTest,
    ::testing::Values(
        BadReportCase{
            "UnspecifiedSeverity",
            [](v1::Report& r) { r.mutable_findings(1)->set_severity(v1::SEVERITY_UNSPECIFIED); },
            "findings[1].severity: severity is unspecified"},
        BadReportCase{
            "ValueWithoutKind",
            [](v1::Report& r) { (*r.mutable_findings(0)->mutable_values())["patients"].Clear(); },
            "findings[0].values[\"patients\"]: value has no kind set"},
        BadReportCase{"UnknownRuleState",
                      [](v1::Report& r) {
                        r.mutable_summary()->mutable_rules(1)->set_state(
                            static_cast<v1::RuleState>(5));
                      },
                      "summary.rules[1].state"},
        BadReportCase{"BadTerritoryWkb",
                      [](v1::Report& r) {
                        r.mutable_pcns(0)->mutable_territory_geometry()->set_wkb("nonsense");
                      },
                      "pcns[0].territory_geometry.wkb"},
        BadReportCase{"BadShareCatchmentSrid",
                      [](v1::Report& r) {
                        r.mutable_pcns(0)->mutable_share_catchment_geometry()->set_srid(3857);
                      },
                      "pcns[0].share_catchment_geometry.srid: 3857 is not 27700"},
        BadReportCase{"ProvenanceValueWithoutKind",
                      [](v1::Report& r) {
                        (*r.mutable_provenance()->mutable_tolerances())["slivers"].Clear();
                      },
                      "provenance.tolerances[\"slivers\"]"}),
    [](const ::testing::TestParamInfo<BadReportCase>& info) { return info.param.name; });

}  // namespace
}  // namespace pcnv::wire
