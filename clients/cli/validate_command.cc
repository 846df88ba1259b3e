// `pcnv validate`: read inputs, validate in-process or through a server, write the report.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/remote/remote_validate.h"
#include "geo/io/report_json.h"
#include "geo/io/versions.h"
#include "geo/validate.h"

namespace pcnv::cli {
namespace {

constexpr char kToolName[] = "pcnv 0.1.0";

absl::StatusOr<ValidationOptions> OptionsFrom(const ValidateCommand& cmd) {
  ValidationOptions o;
  if (cmd.method == "majority") {
    o.method = CatchmentMethod::kMajority;
  } else if (cmd.method == "share") {
    o.method = CatchmentMethod::kShare;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--method: '", cmd.method, "' is not one of majority, share"));
  }
  if (!(cmd.share_threshold > 0 && cmd.share_threshold <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--share-threshold: ", cmd.share_threshold, " is outside (0, 1]"));
  }
  o.share_threshold = cmd.share_threshold;
  return o;
}

absl::StatusOr<Report> ValidateHere(const ValidateCommand& cmd, const ValidationInput& input,
                                    const ValidationOptions& options) {
  auto ref = LoadReference(cmd.reference);
  if (!ref.ok()) return ref.status();
  auto report = Validate(**ref, input, options);
  if (!report.ok()) return report.status();
  report->provenance.tool = kToolName;
  report->provenance.libraries = io::LibraryVersions();
  return report;
}

void PrintVerdict(const Report& r, const std::string& out_path) {
  const auto& by = r.summary.findings_by_severity;
  auto count = [&](const char* k) { return by.count(k) ? by.at(k) : 0; };
  std::cout << r.summary.verdict << ": " << r.summary.pcns << " PCNs, " << r.summary.practices
            << " practices; " << count("ERROR") << " errors, " << count("WARNING")
            << " warnings, " << count("INFO") << " info\n";
  for (const Finding& f : r.findings) {
    if (f.severity == Severity::kInfo) continue;
    std::cout << "  " << SeverityName(f.severity) << " " << f.rule << " "
              << (f.pcn.empty() ? f.practice : f.pcn) << ": " << f.message << "\n";
  }
  std::cout << "Report written to " << out_path << "\n";
}

}  // namespace

int BadInput(std::string_view message) {
  std::cerr << "pcnv: error: " << message << "\n";
  return kExitBadInput;
}

int BadInput(const absl::Status& status) { return BadInput(std::string(status.message())); }

int RunValidate(const ValidateCommand& cmd) {
  auto options = OptionsFrom(cmd);
  if (!options.ok()) return BadInput(options.status());
  auto input = LoadInputs(cmd.inputs);
  if (!input.ok()) return BadInput(input.status());

  absl::StatusOr<Report> report;
  if (cmd.server.empty()) {
    report = ValidateHere(cmd, *input, *options);
  } else {
    if (cmd.reference.given() && !cmd.quiet) {
      std::cerr << "pcnv: note: reference flags are not used with --server; the server "
                   "validates against its own reference snapshot\n";
    }
    report = remote::ValidateRemote(cmd.server, *input, *options,
                                    absl::Seconds(cmd.timeout_s));
  }
  if (!report.ok()) return BadInput(report.status());

  if (auto s = io::WriteReportJson(*report, cmd.out); !s.ok()) return BadInput(s);
  if (!cmd.quiet) PrintVerdict(*report, cmd.out);
  return HasFindingAtOrAbove(*report, Severity::kError) ? kExitFindings : kExitClean;
}

}  // namespace pcnv::cli
