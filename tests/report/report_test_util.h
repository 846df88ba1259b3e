// Shared by the writers tests: a small hand-made report (with and without geometries), the
// sample region's validate arguments, and schema paths.
#ifndef PCNV_TESTS_REPORT_REPORT_TEST_UTIL_H_
#define PCNV_TESTS_REPORT_REPORT_TEST_UTIL_H_

#include <string>
#include <vector>

#include "geo/report.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace pcnv::testing {

inline Geometry Wkt(const std::string& wkt) {
  auto g = Geometry::FromWkt(wkt);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? std::move(*g) : Geometry();
}

// Two PCNs side by side; one ERROR finding with a polygon, one WARNING with a point, one
// practice-level finding without geometry (and a small patient count to suppress).
inline Report TinyReport() {
  Report r;
  r.summary.verdict = "FAIL";
  r.summary.pcns = 2;
  r.summary.practices = 3;
  r.summary.findings_by_severity = {{"ERROR", 1}, {"WARNING", 1}, {"INFO", 1}};
  for (const char* rule : {"POP001", "CON001", "CON004", "MEM004"}) {
    r.summary.rules.push_back({rule, RuleState::kEvaluated, "", 0});
  }
  r.summary.rules.push_back({"OVL001", RuleState::kNotEvaluated, "needs declared boundaries", 0});
  PcnEntry a;
  a.code = "U00001";
  a.name = "NORTH & EAST <PCN>";
  a.population = 24100;
  a.population_basis = "list_sizes";
  a.practices = {"A00001", "A00002"};
  a.territory = {.areas = 4, .parts = 2, .area_km2 = 4.0, .patients_in_territory = 23000};
  a.territory_geometry =
      Wkt("MULTIPOLYGON(((430000 380000,432000 380000,432000 382000,430000 382000,430000 380000)),"
          "((433000 380000,433500 380000,433500 380500,433000 380500,433000 380000)))");
  a.share_catchment_geometry =
      Wkt("POLYGON((430000 380000,432500 380000,432500 382000,430000 382000,430000 380000))");
  PcnEntry b;
  b.code = "U00002";
  b.name = "SOUTH PCN";
  b.population = 41000;
  b.population_basis = "list_sizes";
  b.practices = {"A00003"};
  b.territory = {.areas = 2, .parts = 1, .area_km2 = 4.0, .patients_in_territory = 40000};
  b.territory_geometry =
      Wkt("POLYGON((432000 380000,434000 380000,434000 382000,432000 382000,432000 380000))");
  r.pcns = {a, b};
  r.practices = {
      {"A00001", "THE <SURGERY>", "U00001", "ok", Point{430500, 380500}, 12000},
      {"A00002", "SMITH & JONES", "U00001", "ok", Point{431500, 381500}, 12100},
      {"A00003", "NOWHERE", "U00002", "ok", std::nullopt, 41000},
  };
  Finding con;
  con.rule = "CON001";
  con.severity = Severity::kError;
  con.pcn = "U00001";
  con.message = "U00001 has a detached part of 1 area holding 3 patients, 1,000 m away.";
  con.values = {
      {"part_patients", std::string("<5")}, {"gap_m", 1000.0}, {"key", std::string("E01")}};
  con.geometry =
      Wkt("POLYGON((433000 380000,433500 380000,433500 380500,433000 380500,433000 380000))");
  Finding far;
  far.rule = "CON004";
  far.severity = Severity::kWarning;
  far.pcn = "U00002";
  far.practice = "A00003";
  far.message = "Practice A00003 lies 900 m outside U00002's territory.";
  far.values = {{"distance_m", 900.0}};
  far.geometry = Geometry::MakePoint({434900, 381000});
  Finding mem;
  mem.rule = "MEM004";
  mem.severity = Severity::kInfo;
  mem.practice = "Z99999";
  mem.message = "The distribution has 2 rows (1,234 patients) for practice Z99999 <unknown>.";
  mem.values = {{"patients", int64_t{1234}}, {"rows", int64_t{2}}, {"row", int64_t{17}}};
  r.findings = {con, far, mem};
  r.provenance.tool = "pcnv 0.1.0";
  r.provenance.method = "majority";
  r.provenance.inputs = {{"practices", "in/map.csv", "ab12", 3},
                         {"distribution", "/data/dist file.csv", "cd34", 100}};
  r.provenance.ruleset = {{"CON001.severity", std::string("ERROR")},
                          {"POP001.severity", std::string("ERROR")}};
  r.provenance.tolerances = {{"share_threshold", 0.05}};
  return r;
}

// `pcnv validate` on the generated sample region, every reference layer included.
inline std::vector<std::string> SampleValidateArgs(const std::string& sample_dir) {
  const std::string& s = sample_dir;
  return {PCNV_CLI,         "validate",
          "--practices",    s + "/gp-reg-pat-prac-map.csv",
          "--list-sizes",   s + "/gp-reg-pat-prac-all.csv",
          "--distribution", s + "/gp-reg-pat-prac-lsoa-all.csv",
          "--areas",        SampleDir() + "/areas.geojson:code",
          "--footprint",    "icb=" + SampleDir() + "/icb.geojson:code",
          "--footprint",    "sub-icb=" + SampleDir() + "/subicb.geojson:code",
          "--footprint",    "community=" + SampleDir() + "/community.geojson:code",
          "--postcodes",    SampleDir() + "/postcodes.csv"};
}

inline std::vector<std::string> SampleReferenceArgs() {
  return {"--areas",     SampleDir() + "/areas.geojson:code",
          "--footprint", "icb=" + SampleDir() + "/icb.geojson:code",
          "--footprint", "sub-icb=" + SampleDir() + "/subicb.geojson:code",
          "--footprint", "community=" + SampleDir() + "/community.geojson:code",
          "--postcodes", SampleDir() + "/postcodes.csv"};
}

inline std::string SchemaDir() { return SourceDir() + "/tests/schemas"; }

// xmllint --schema against the shipped JUnit XSD; "" when valid, else xmllint's complaint.
inline std::string JunitSchemaErrors(const std::string& xml_path) {
  CommandResult r =
      Run({"/usr/bin/xmllint", "--noout", "--schema", SchemaDir() + "/junit-10.xsd", xml_path});
  return r.exit_code == 0 ? "" : "xmllint exit " + std::to_string(r.exit_code) + ": " + r.err;
}

// python3-jsonschema against the shipped SARIF 2.1.0 schema; "" when valid.
inline std::string SarifSchemaErrors(const std::string& sarif_path) {
  CommandResult r =
      Run({"/usr/bin/python3", "-c",
           "import json, sys, jsonschema\n"
           "schema = json.load(open(sys.argv[1]))\n"
           "doc = json.load(open(sys.argv[2]))\n"
           "cls = jsonschema.validators.validator_for(schema)\n"
           "errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))\n"
           "for e in errors[:10]: print(list(e.path), e.message)\n"
           "sys.exit(1 if errors else 0)\n",
           SchemaDir() + "/sarif-schema-2.1.0.json", sarif_path});
  return r.exit_code == 0 ? ""
                          : "jsonschema exit " + std::to_string(r.exit_code) + ": " + r.out + r.err;
}

inline std::vector<std::string> Concat(std::vector<std::string> a,
                                       const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_REPORT_REPORT_TEST_UTIL_H_
