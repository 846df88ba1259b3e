// `pcnv validate`: read inputs, validate in-process or through a server, write the report and
// any other outputs asked for.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/cli/progress.h"
#include "clients/remote/remote_validate.h"
#include "clients/writers/report_view.h"
#include "geo/io/report_json.h"
#include "geo/io/ruleset_json.h"
#include "geo/io/versions.h"
#include "geo/validate.h"

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

void PrintVerdict(const writers::ReportView& view, const std::string& out_path) {
  const Report& r = view.report;
  const auto& by = r.summary.findings_by_severity;
  auto count = [&](const char* k) { return by.count(k) ? by.at(k) : 0; };
  std::cout << r.summary.verdict << ": " << r.summary.pcns << " PCNs, " << r.summary.practices
            << " practices; " << count("ERROR") << " errors, " << count("WARNING") << " warnings, "
            << count("INFO") << " info\n";
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    if (f.severity == Severity::kInfo) continue;
    std::cout << "  " << SeverityName(f.severity) << " " << f.rule << " "
              << (f.pcn.empty() ? f.practice : f.pcn) << ": " << f.message
              << (f.waiver ? " [WAIVED]" : "") << "\n";
  }
  std::cout << "Report written to " << out_path << "\n";
}

}  // namespace

int BadInput(std::string_view message) {
  std::cerr << "pcnv: error: " << message << "\n";
  return kExitBadInput;
}

int BadInput(const absl::Status& status) { return BadInput(std::string(status.message())); }

absl::StatusOr<ValidationOptions> ParseValidationOptions(const std::string& method,
                                                         double share_threshold) {
  ValidationOptions o;
  if (method == "majority") {
    o.method = CatchmentMethod::kMajority;
  } else if (method == "share") {
    o.method = CatchmentMethod::kShare;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--method: '", method, "' is not one of majority, share"));
  }
  if (!(share_threshold > 0 && share_threshold <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--share-threshold: ", share_threshold, " is outside (0, 1]"));
  }
  o.share_threshold = share_threshold;
  return o;
}

absl::StatusOr<Report> ValidateInProcess(const ReferenceData& reference,
                                         const ValidationInput& input,
                                         const ValidationOptions& options) {
  auto report = Validate(reference, input, options);
  if (!report.ok()) return report.status();
  report->provenance.tool = kToolName;
  report->provenance.libraries = io::LibraryVersions();
  return report;
}

int RunValidate(const ValidateCommand& cmd) {
  auto options = ParseValidationOptions(cmd.method, cmd.share_threshold);
  if (!options.ok()) return BadInput(options.status());
  auto fail_at = FailAt(cmd.fail_on);
  if (!fail_at.ok()) return BadInput(fail_at.status());
  if (!cmd.waivers.empty()) {
    auto w = io::ReadWaivers(cmd.waivers);
    if (!w.ok()) return BadInput(w.status());
    options->waivers = std::move(*w);
    options->as_of = writers::TodayUtc();
  }

  Progress progress = Progress::ForStderr(cmd.quiet, 3 + cmd.outputs.count());
  progress.Stage("reading inputs");
  auto input = LoadInputs(cmd.inputs);
  if (!input.ok()) return BadInput(input.status());
  progress.Done(InputRecords(*input), "records");

  absl::StatusOr<Report> report;
  if (cmd.server.empty()) {
    progress.Stage("loading reference data");
    auto ref = LoadReference(cmd.reference);
    if (!ref.ok()) return BadInput(ref.status());
    progress.Done(static_cast<int64_t>((*ref)->areas().size()), "areas");
    progress.Stage("validating");
    report = ValidateInProcess(**ref, *input, *options);
  } else {
    if (cmd.reference.given() && !cmd.quiet) {
      std::cerr << "pcnv: note: reference flags are not used with --server; the server "
                   "validates against its own reference snapshot\n";
    }
    progress.Stage("loading reference data (on the server)");
    progress.Done(0, "");
    progress.Stage("validating on " + cmd.server);
    report = remote::ValidateRemote(cmd.server, *input, *options, absl::Seconds(cmd.timeout_s));
  }
  if (!report.ok()) return BadInput(report.status());
  progress.Done(static_cast<int64_t>(report->pcns.size()), "PCNs");

  if (auto s = io::WriteReportJson(*report, cmd.out); !s.ok()) return BadInput(s);
  writers::ReportView view = writers::ViewForValidate(std::move(*report), *fail_at);
  if (auto s = WriteOutputs(view, cmd.outputs, progress); !s.ok()) return BadInput(s);
  if (!cmd.quiet) PrintVerdict(view, cmd.out);
  return view.AnyFailing() ? kExitFindings : kExitClean;
}

}  // namespace pcnv::cli
