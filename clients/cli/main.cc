// pcnv: the command-line front door. All flags are parsed here and nowhere else.
#include <cmath>
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include "CLI/CLI.hpp"
#include "clients/cli/commands.h"
#include "clients/remote/security.h"
#include "geo/version.h"

namespace {

// --timeout: a finite number of seconds from 0.001 to a week. CLI11's ranges let NaN through
// (every comparison with it is false), and 1e308 seconds overflows the deadline's arithmetic.
const CLI::Validator kSecondsToWait(
    [](std::string& text) -> std::string {
      std::size_t used = 0;
      double seconds = 0;
      try {
        seconds = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || !std::isfinite(seconds) || seconds < 0.001 ||
          seconds > 7 * 86400) {
        return text + " is not a number of seconds from 0.001 to 604800 (a week)";
      }
      return "";
    },
    "SECONDS", "seconds to wait");

void AddReferenceFlags(CLI::App* app, pcnv::cli::ReferencePaths& ref) {
  app->add_option("--areas", ref.areas, "Area polygons (LSOA) as FILE[:CODE_FIELD]");
  app->add_option("--footprint", ref.footprints,
                  "Footprint layer as KIND=FILE[:CODE_FIELD]; KIND is icb, sub-icb, stp or "
                  "community; repeatable");
  app->add_option("--postcodes", ref.postcodes,
                  "Postcode directory: an NSPL/ONSPD-style CSV or a folder of them");
  app->add_option("--vintage", ref.vintages,
                  "Boundary vintage of a layer as LAYER=YYYY-MM (LAYER: areas, icb, sub-icb, "
                  "stp, community, postcodes), recorded in the store and the report's "
                  "provenance; else read from the file name when it holds one year-month; "
                  "repeatable");
}

// The writers `validate` and `diff` share (report/, docs/OUTPUTS.md).
void AddOutputFlags(CLI::App* app, pcnv::cli::OutputPaths& out) {
  app->add_option("--geo-out", out.geo_out,
                  "GIS layers for QGIS: FILE.gpkg (one GeoPackage) or FILE.geojson (one file "
                  "per layer: FILE_pcn_territories.geojson, ...)");
  app->add_option("--geo-crs", out.geo_crs,
                  "EPSG code of the --geo-out layers: 27700 (British National Grid) or 4326 "
                  "(WGS84); default 27700 for a GeoPackage, 4326 for GeoJSON (RFC 7946)")
      ->check(CLI::IsMember({27700, 4326}));
  app->add_option("--html", out.html, "Self-contained HTML report with a map");
  app->add_option("--junit", out.junit, "JUnit XML: a testcase per PCN and rule");
  app->add_option("--sarif", out.sarif, "SARIF 2.1.0 log for code-scanning dashboards");
}

// How CSV inputs are encoded (docs/HOSTILE_INPUTS.md): every CSV field must be UTF-8 unless the
// file's encoding is named here.
void AddEncodingFlag(CLI::App* app, std::string& encoding) {
  app->add_option("--input-encoding", encoding,
                  "Text encoding of the CSV inputs, e.g. windows-1252 (a CSV saved by Excel on "
                  "Windows) or iso-8859-1; transcoded to UTF-8 as read (default: utf-8, "
                  "checked; a file starting with a UTF-16 byte-order mark is read as UTF-16)")
      ->type_name("NAME");
}

// Bounds on the work a vector layer may ask for (docs/HOSTILE_INPUTS.md).
void AddVertexFlag(CLI::App* app, int64_t& max_vertices) {
  app->add_option("--max-vertices", max_vertices,
                  "Most vertices one polygon of an area, footprint or declared layer may have; "
                  "a polygon with more is refused")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void AddOptionFlags(CLI::App* app, pcnv::cli::OptionFlags& o) {
  app->add_option("--method", o.method, "Catchment method: majority or share")
      ->capture_default_str();
  app->add_option("--share-threshold", o.share_threshold, "Share catchment threshold (0, 1]")
      ->capture_default_str();
  app->add_option("--ruleset", o.ruleset,
                  "Ruleset (JSON): thresholds, severities, enabled rules, contiguity tolerances "
                  "and bridges (docs/RULES.md)");
  app->add_option("--waivers", o.waivers,
                  "Waivers (JSON: rule, pcn, reason, approved_by, expires); a waived finding "
                  "never fails the run");
  app->add_option("--as-of", o.as_of,
                  "Date (YYYY-MM-DD) against which waivers expire and ePCN practice-to-PCN "
                  "relationships are in force; default today (UTC)");
  app->add_option("--suppress-below", o.suppress_below,
                  "Small-number disclosure control: patient counts from 1 to N-1 are shown as "
                  "\"<N\" in every output, and counts that would give them away by subtraction "
                  "are withheld (docs/OUTPUTS.md)")
      ->capture_default_str();
  app->add_flag("--unsuppressed", o.unsuppressed,
                "Publish every patient count exactly, small ones included. For internal analysis "
                "only: the outputs are then not fit to share");
}

// How to reach a pcnv server and what token to send (clients/remote/security.h, where each flag's
// environment fallback is resolved). Each flag needs --server.
void AddSecurityFlags(CLI::App* app, CLI::Option* server, pcnv::remote::SecurityFlags& s) {
  app->add_option("--token-file", s.token_file,
                  "File holding the bearer token for --server (else PCNV_TOKEN_FILE, else "
                  "PCNV_TOKEN)")
      ->type_name("FILE")
      ->needs(server);
  app->add_flag("--tls", s.tls,
                "Connect to --server with TLS; without --tls-ca, trust the system's CAs (else "
                "PCNV_TLS)")
      ->needs(server);
  app->add_option("--tls-ca", s.tls_ca,
                  "PEM file of the CAs to trust for --server; turns TLS on (else "
                  "PCNV_TLS_ROOT_CERTS)")
      ->type_name("FILE")
      ->needs(server);
  app->add_option("--tls-cert", s.tls_cert,
                  "Client certificate chain (PEM) for mutual TLS; needs --tls-key (else "
                  "PCNV_TLS_CLIENT_CERT)")
      ->type_name("FILE")
      ->needs(server);
  app->add_option("--tls-key", s.tls_key,
                  "Private key (PEM) of --tls-cert; needs --tls-cert (else PCNV_TLS_CLIENT_KEY)")
      ->type_name("FILE")
      ->needs(server);
}

}  // namespace

namespace {

int Run(int argc, char** argv);

}  // namespace

// Usage errors are caught in Run. Any other exception (a library's, on input nothing checked
// first) ends the run with a clean error rather than an abort: readers refuse bad input with a
// Status, so reaching this is a pcnv bug, and the message says to report it. std::bad_alloc is
// an exhausted machine and ends it as before.
// NOLINTNEXTLINE(bugprone-exception-escape)
int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    std::cerr << "pcnv: error: internal error (please report it): " << e.what() << "\n";
    return pcnv::cli::kExitBadInput;
  }
}

namespace {

int Run(int argc, char** argv) {
  CLI::App app{"pcnv: validate the geography of NHS England Primary Care Networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", pcnv::kToolName,
                       "Print the version (as stamped in reports) and exit");

  pcnv::cli::ValidateCommand validate;
  CLI::App* v = app.add_subcommand("validate", "Validate a PCN configuration and write a report");
  v->add_option("--reference", validate.reference.store, "Reference store (GeoPackage)");
  AddReferenceFlags(v, validate.reference);
  v->add_option("--practices", validate.inputs.practices,
                "Practice -> PCN mapping: gp-reg-pat-prac-map.csv, a plain CSV, the ePCN \"PCN "
                "Core Partner Details\" sheet as CSV, or the ePCN workbook (.xlsx, both sheets); "
                "detected from the header row. ePCN relationships count when in force on "
                "--as-of")
      ->required();
  v->add_option("--pcn-details", validate.inputs.pcn_details,
                "ePCN \"PCN Details\" sheet as CSV (PCN names and CCG codes), with a Core "
                "Partner Details CSV as --practices");
  v->add_option("--practice-register", validate.inputs.practice_register,
                "ODS practice register epraccur.csv: closed, dormant or proposed practices "
                "(MEM005) and non-GP prescribing settings (MEM006) are reported; fills in "
                "practice postcodes the practice file lacks");
  v->add_option("--list-sizes", validate.inputs.list_sizes, "gp-reg-pat-prac-all.csv");
  v->add_option("--distribution", validate.inputs.distribution,
                "Patients per practice per LSOA (gp-reg-pat-prac-lsoa-all.csv) or per postcode");
  v->add_option("--declared", validate.inputs.declared,
                "Declared PCN boundaries as FILE[:PCN_CODE_FIELD]");
  AddEncodingFlag(v, validate.inputs.encoding);
  AddVertexFlag(v, validate.inputs.max_vertices);
  v->add_option("--max-declared-features", validate.inputs.max_declared_features,
                "Most features --declared may have (a national file has about 1,250 PCNs)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  AddOptionFlags(v, validate.options);
  v->add_option("--out", validate.out, "JSON report to write")->required();
  CLI::Option* server =
      v->add_option("--server", validate.server, "Validate through a pcnv server at HOST:PORT");
  AddSecurityFlags(v, server, validate.security);
  v->add_option("--timeout", validate.timeout_s, "Seconds to wait for the server")
      ->capture_default_str()
      ->check(kSecondsToWait);
  v->add_flag("--stream", validate.stream,
              "With --server: send the inputs in chunks (the ValidateStream RPC), showing the "
              "server's progress; for inputs too big for one message")
      ->needs(server);
  AddOutputFlags(v, validate.outputs);
  v->add_option("--fail-on", validate.fail_on,
                "Lowest severity that makes the exit code 1: error, warning or info")
      ->capture_default_str();
  v->add_flag("--suggest", validate.suggest,
              "With --html: search fixes for each failing PCN's \"What would fix it\" (the "
              "search of pcnv suggest, default constraints; about 15 s for all of England)");
  v->add_flag("--quiet,-q", validate.quiet, "Print nothing but errors (and no progress)");

  pcnv::cli::DiffCommand diff;
  CLI::App* d = app.add_subcommand(
      "diff", "Compare a candidate release with a base release; fail only on regressions");
  d->add_option("--base", diff.base,
                "Base release: a saved JSON report, or a folder of inputs "
                "(gp-reg-pat-prac-map.csv, gp-reg-pat-prac-all.csv, "
                "gp-reg-pat-prac-lsoa-all.csv, declared.gpkg|geojson)")
      ->required();
  d->add_option("--candidate", diff.candidate,
                "Candidate release: a saved JSON report or a folder of inputs, as --base")
      ->required();
  d->add_option("--reference", diff.reference.store,
                "Reference store (GeoPackage), for sides given as folders");
  AddReferenceFlags(d, diff.reference);
  d->add_option("--declared-field", diff.declared_field,
                "PCN code field of declared.* in the folders (default: guessed)");
  AddEncodingFlag(d, diff.input_encoding);
  AddVertexFlag(d, diff.reference.max_vertices);
  AddOptionFlags(d, diff.options);
  d->add_option("--fail-on", diff.fail_on, "When to exit 1: new-errors, any-errors or new-warnings")
      ->capture_default_str();
  d->add_option("--out", diff.out, "Diff as JSON (new / fixed / unchanged findings)");
  AddOutputFlags(d, diff.outputs);
  d->add_flag("--quiet,-q", diff.quiet, "Print nothing but errors (and no progress)");

  pcnv::cli::SuggestCommand suggest;
  CLI::App* sg = app.add_subcommand(
      "suggest", "Suggest membership changes that clear the failing PCNs' errors (verified)");
  sg->add_option("--reference", suggest.reference.store, "Reference store (GeoPackage)");
  AddReferenceFlags(sg, suggest.reference);
  sg->add_option("--practices", suggest.inputs.practices,
                 "Practice -> PCN mapping, as for validate (--apply rewrites it: NHS Digital or "
                 "plain CSV)")
      ->required();
  sg->add_option("--pcn-details", suggest.inputs.pcn_details, "ePCN \"PCN Details\" CSV");
  sg->add_option("--practice-register", suggest.inputs.practice_register, "epraccur.csv");
  sg->add_option("--list-sizes", suggest.inputs.list_sizes, "gp-reg-pat-prac-all.csv");
  sg->add_option("--distribution", suggest.inputs.distribution,
                 "Patients per practice per LSOA (gp-reg-pat-prac-lsoa-all.csv) or per postcode");
  sg->add_option("--declared", suggest.inputs.declared,
                 "Declared PCN boundaries as FILE[:PCN_CODE_FIELD]");
  AddOptionFlags(sg, suggest.options);
  sg->add_option("--out", suggest.out,
                 "Suggestions JSON to write; with --apply, the practice file to write")
      ->required();
  sg->add_option("--apply", suggest.apply, "Write the practice file with this suggestion applied");
  sg->add_option("--suggestions", suggest.suggestions,
                 "With --apply: take the suggestion from this saved suggestions JSON");
  sg->add_option("--lock", suggest.lock,
                 "File of practice and PCN codes that must not change (one a line, # comments)");
  sg->add_option("--lock-code", suggest.lock_codes, "A practice or PCN code that must not change");
  sg->add_option("--max-practices", suggest.max_practices, "Practices moved per suggestion")
      ->capture_default_str();
  sg->add_option("--max-per-finding", suggest.max_per_finding, "Suggestions kept per finding")
      ->capture_default_str();
  sg->add_option("--max-candidates", suggest.max_candidates,
                 "Candidates judged per finding, screened or re-validated (the search bound)")
      ->capture_default_str();
  sg->add_flag("--allow-cross-icb", suggest.allow_cross_icb,
               "Allow moves into a PCN of another declared ICB (STP)");
  sg->add_flag("--allow-cross-sub-icb", suggest.allow_cross_sub_icb,
               "Allow moves into a PCN of another declared sub-ICB (CCG)");
  sg->add_flag("--no-screen", suggest.no_screen,
               "Re-validate every candidate instead of ruling out first those that could only "
               "be rejected (slower; the suggestions are the same)");
  CLI::Option* suggest_server = sg->add_option(
      "--server", suggest.server, "Search through a pcnv server at HOST:PORT (SuggestFixes)");
  AddSecurityFlags(sg, suggest_server, suggest.security);
  sg->add_option("--timeout", suggest.timeout_s, "Seconds to wait for the server")
      ->capture_default_str()
      ->check(kSecondsToWait);
  sg->add_flag("--quiet,-q", suggest.quiet, "Print nothing but errors (and no progress)");

  CLI::App* r = app.add_subcommand("reference", "Manage reference stores");
  r->require_subcommand(1);
  pcnv::cli::ReferenceBuildCommand build;
  CLI::App* rb = r->add_subcommand("build", "Pack areas, footprints and postcodes into a store");
  AddReferenceFlags(rb, build.reference);
  AddEncodingFlag(rb, build.reference.encoding);
  AddVertexFlag(rb, build.reference.max_vertices);
  rb->add_option("--out", build.out, "GeoPackage to write")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);  // prints help or the usage error
    return rc == 0 ? 0 : pcnv::cli::kExitBadInput;
  }
  // The one --input-encoding covers the practice, list-size and distribution CSVs and the
  // postcode directory alike.
  validate.reference.encoding = validate.inputs.encoding;
  validate.reference.max_vertices = validate.inputs.max_vertices;
  diff.reference.encoding = diff.input_encoding;
  if (v->parsed()) return pcnv::cli::RunValidate(validate);
  if (rb->parsed()) return pcnv::cli::RunReferenceBuild(build);
  if (d->parsed()) return pcnv::cli::RunDiff(diff);
  if (sg->parsed()) return pcnv::cli::RunSuggest(suggest);
  return pcnv::cli::kExitBadInput;
}

}  // namespace
