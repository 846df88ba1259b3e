// `pcnv validate`: read inputs, validate in-process or through a server, write the report and
// any other outputs asked for.
#include <algorithm>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/cli/progress.h"
#include "clients/remote/remote_validate.h"
#include "geo/engine.h"
#include "geo/format.h"
#include "geo/io/readers.h"
#include "geo/io/ruleset_json.h"
#include "geo/io/text_encoding.h"
#include "geo/options_check.h"
#include "geo/report_view.h"
#include "geo/suggest.h"
#include "report/report_json.h"

namespace pcnv::cli {
namespace {

absl::StatusOr<Severity> FailAt(const std::string& text) {
  std::string upper = text;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (auto s = ParseSeverity(upper)) return *s;
  return absl::InvalidArgumentError(
      absl::StrCat("--fail-on: '", text, "' is not one of error, warning, info"));
}

int64_t InputRecords(const ValidationInput& input) {
  int64_t n = 0;
  for (const SourceFile& s : input.sources) n += s.records;
  return n;
}

// The rules that were not evaluated, grouped by reason in catalogue order: "CON001, CON002
// (no area polygons ...)".
std::vector<std::string> NotEvaluatedGroups(const Report& r, int* count) {
  std::vector<std::pair<std::string, std::vector<std::string>>> by_reason;
  *count = 0;
  for (const RuleOutcome& o : r.summary.rules) {
    if (o.state != RuleState::kNotEvaluated) continue;
    ++*count;
    auto it = std::find_if(by_reason.begin(), by_reason.end(),
                           [&](const auto& g) { return g.first == o.reason; });
    if (it == by_reason.end()) it = by_reason.insert(by_reason.end(), {o.reason, {}});
    it->second.push_back(o.rule);
  }
  std::vector<std::string> out;
  out.reserve(by_reason.size());
  for (const auto& [reason, rules] : by_reason) {
    out.push_back(absl::StrCat(absl::StrJoin(rules, ", "), " (", reason, ")"));
  }
  return out;
}

void PrintVerdict(const ReportView& view, const std::string& out_path) {
  const Report& r = view.report;
  const auto& by = r.summary.findings_by_severity;
  auto count = [&](const char* k) -> int64_t { return by.count(k) ? by.at(k) : 0; };
  int not_evaluated = 0;
  const std::vector<std::string> groups = NotEvaluatedGroups(r, &not_evaluated);
  std::cout << r.summary.verdict << ": " << Count(r.summary.pcns, "PCN") << ", "
            << Count(r.summary.practices, "practice") << "; " << Count(count("ERROR"), "error")
            << ", " << Count(count("WARNING"), "warning") << ", " << count("INFO") << " info";
  // A run that could not check most rules must not read as a clean pass.
  if (not_evaluated > 0) {
    std::cout << "; " << not_evaluated << " of " << r.summary.rules.size()
              << (not_evaluated == 1 ? " rule" : " rules") << " not evaluated";
  }
  std::cout << "\n";
  for (const std::string& g : groups) std::cout << "  not evaluated: " << g << "\n";
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    if (f.severity == Severity::kInfo) continue;
    std::cout << "  " << SeverityName(f.severity) << " " << f.rule << " "
              << (!f.pcn.empty()        ? f.pcn
                  : !f.practice.empty() ? f.practice
                                        : "inputs")
              << ": " << f.message << (f.waiver ? " [WAIVED]" : "") << "\n";
  }
  std::cout << "Report written to " << out_path << "\n";
}

}  // namespace

int BadInput(std::string_view message) {
  std::cerr << "pcnv: error: " << message << "\n";
  return kExitBadInput;
}

int BadInput(const absl::Status& status) { return BadInput(std::string(status.message())); }

absl::Status CheckInputEncoding(const std::string& encoding) {
  return io::CheckEncoding(encoding, "--input-encoding");
}

absl::StatusOr<ValidationOptions> ParseValidationOptions(const OptionFlags& flags) {
  ValidationOptions o;
  if (flags.method == "majority") {
    o.method = CatchmentMethod::kMajority;
  } else if (flags.method == "share") {
    o.method = CatchmentMethod::kShare;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--method: '", flags.method, "' is not one of majority, share"));
  }
  if (absl::Status s = CheckShareThreshold(flags.share_threshold, "--share-threshold"); !s.ok()) {
    return s;
  }
  o.share_threshold = flags.share_threshold;
  if (!flags.ruleset.empty()) {
    auto rs = io::ReadRuleset(flags.ruleset);
    if (!rs.ok()) return rs.status();
    o.ruleset = std::move(*rs);
  }
  if (!flags.waivers.empty()) {
    auto w = io::ReadWaivers(flags.waivers);
    if (!w.ok()) return w.status();
    o.waivers = std::move(*w);
  }
  if (absl::Status s = CheckSuppressBelow(flags.suppress_below, "--suppress-below"); !s.ok()) {
    return s;
  }
  o.disclosure.suppress_below = flags.unsuppressed ? 0 : flags.suppress_below;
  o.as_of = flags.as_of.empty() ? TodayUtc() : flags.as_of;
  if (absl::Status s = CheckDate(o.as_of); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--as-of: ", s.message()));
  }
  return o;
}

absl::StatusOr<std::vector<SourceFile>> OptionSources(const OptionFlags& flags) {
  std::vector<SourceFile> out;
  for (const auto& [role, path] : {std::pair<std::string, std::string>{"ruleset", flags.ruleset},
                                   {"waivers", flags.waivers}}) {
    if (path.empty()) continue;
    auto sha = io::Sha256OfPath(path);
    if (!sha.ok()) return sha.status();
    out.push_back({role, path, *sha, 0});
  }
  return out;
}

int RunValidate(const ValidateCommand& cmd) {
  if (absl::Status s = CheckInputEncoding(cmd.inputs.encoding); !s.ok()) return BadInput(s);
  auto options = ParseValidationOptions(cmd.options);
  if (!options.ok()) return BadInput(options.status());
  auto option_sources = OptionSources(cmd.options);
  if (!option_sources.ok()) return BadInput(option_sources.status());
  auto fail_at = FailAt(cmd.fail_on);
  if (!fail_at.ok()) return BadInput(fail_at.status());
  if (absl::Status s = CheckOutputPaths(cmd.out, cmd.outputs); !s.ok()) return BadInput(s);
  // Resolved (and its files read) before any input, so a bad flag fails fast. Without --server
  // the variables are not read at all: they may be set for other runs.
  remote::Security security;
  if (!cmd.server.empty()) {
    auto resolved = remote::ResolveSecurity(cmd.security);
    if (!resolved.ok()) return BadInput(resolved.status());
    security = *std::move(resolved);
  }

  // The catchment the checks do not use is only drawn in the GeoPackage/GeoJSON layers.
  options->other_catchment_geometry = !cmd.outputs.geo_out.empty();
  // --suggest: the HTML report shows what would fix each failing PCN, from the search of `pcnv
  // suggest` in this process (its before/after maps need the territories the search makes).
  if (cmd.suggest && cmd.outputs.html.empty()) {
    return BadInput(
        "--suggest adds \"What would fix it\" to the HTML report: give --html FILE "
        "(pcnv suggest writes the suggestions as JSON)");
  }
  if (cmd.suggest && !cmd.server.empty()) {
    return BadInput(
        "--suggest searches in this process, not on a server: leave out --server, "
        "or run pcnv suggest --server for the suggestions as JSON");
  }
  const bool suggest = cmd.suggest;
  Progress progress = Progress::ForStderr(cmd.quiet, 3 + suggest + cmd.outputs.count());
  // The reference data loads on another thread while the inputs are read here: neither needs
  // the other. (A bad input is reported once the reference has loaded too.)
  std::future<absl::StatusOr<std::shared_ptr<const ReferenceData>>> loading;
  if (cmd.server.empty()) loading = StartLoadingReference(cmd.reference);
  progress.Stage("reading inputs");
  std::vector<std::string> notes;
  auto input = LoadInputs(cmd.inputs, options->as_of, &notes);
  if (!input.ok()) return BadInput(input.status());
  for (SourceFile& src : *option_sources) input->sources.push_back(std::move(src));
  progress.Done(InputRecords(*input), "records");
  if (!cmd.quiet) {
    for (const std::string& note : notes) std::cerr << "pcnv: note: " << note << "\n";
  }

  absl::StatusOr<Report> report;
  std::shared_ptr<const ReferenceData> reference;  // kept for the HTML map's footprints
  std::optional<SuggestResult> fixes;
  if (cmd.server.empty()) {
    progress.Stage("loading reference data");
    auto ref = loading.get();
    if (!ref.ok()) return BadInput(ref.status());
    progress.Done(static_cast<int64_t>((*ref)->areas().size()), "areas");
    progress.Stage("validating");
    reference = *ref;
    const Engine engine(*std::move(ref));
    report = engine.Validate(*input, *options);
    if (report.ok() && suggest) {
      progress.Done(static_cast<int64_t>(report->pcns.size()), "PCNs");
      progress.Stage("searching fixes for the HTML report");
      SuggestOptions search;
      search.progress = [&](int done, int total) { progress.Update(done, total, "findings"); };
      absl::StatusOr<SuggestResult> found = HasFixTargets(*report)
                                                ? Suggest(engine, *input, *options, *report, search)
                                                : SuggestResult{};
      if (!found.ok()) return BadInput(found.status());
      fixes = *std::move(found);
    }
  } else {
    if (cmd.reference.given() && !cmd.quiet) {
      std::cerr << "pcnv: note: reference flags are not used with --server; the server "
                   "validates against its own reference snapshot\n";
    }
    progress.Stage("loading reference data (on the server)");
    progress.Done(0, "");
    progress.Stage("validating on " + cmd.server);
    if (cmd.stream) {
      report = remote::ValidateStreamRemote(
          cmd.server, security, *input, *options, absl::Seconds(cmd.timeout_s),
          [&](const std::string& stage, int64_t done, int64_t total) {
            progress.Update(done, total, stage == "receive" ? "rows sent" : "PCNs");
          });
    } else {
      report = remote::ValidateRemote(cmd.server, security, *input, *options,
                                      absl::Seconds(cmd.timeout_s));
    }
  }
  if (!report.ok()) return BadInput(report.status());
  if (fixes) {
    progress.Done(static_cast<int64_t>(fixes->suggestions.size()), "suggestions");
  } else {
    progress.Done(static_cast<int64_t>(report->pcns.size()), "PCNs");
  }

  if (auto s = report::WriteReportJson(*report, cmd.out); !s.ok()) return BadInput(s);
  ReportView view = ViewForValidate(std::move(*report), *fail_at);
  if (auto s =
          WriteOutputs(view, cmd.outputs, progress, reference.get(), fixes ? &*fixes : nullptr);
      !s.ok()) {
    return BadInput(s);
  }
  if (!cmd.quiet) PrintVerdict(view, cmd.out);
  const int code = view.AnyFailing() ? kExitFindings : kExitClean;
  // The process ends after this return. Freeing the national snapshot, the inputs and the
  // report piece by piece (millions of small objects) only hands memory back to a process that
  // is exiting, so they are kept, reachable, until it does.
  static auto* const kept_until_exit = new std::vector<std::shared_ptr<const void>>();
  kept_until_exit->push_back(std::move(reference));
  kept_until_exit->push_back(std::make_shared<const ValidationInput>(*std::move(input)));
  kept_until_exit->push_back(std::make_shared<const ReportView>(std::move(view)));
  return code;
}

}  // namespace pcnv::cli
