// `pcnv diff`: validate (or read) a base and a candidate release, classify every finding as
// new, fixed or unchanged, apply waivers, and fail only as --fail-on says.
#include <filesystem>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "clients/cli/commands.h"
#include "clients/cli/progress.h"
#include "geo/engine.h"
#include "geo/io/file_io.h"
#include "geo/io/ruleset_json.h"
#include "report/diff_json.h"
#include "report/report_json_read.h"

namespace pcnv::cli {
namespace {

namespace fs = std::filesystem;

// The file names a release folder may hold: NHS Digital's own, or short plain ones.
constexpr const char* kPracticeNames[] = {"gp-reg-pat-prac-map.csv", "practices.csv"};
constexpr const char* kListSizeNames[] = {"gp-reg-pat-prac-all.csv", "list_sizes.csv"};
constexpr const char* kDistributionNames[] = {"gp-reg-pat-prac-lsoa-all.csv", "distribution.csv"};
constexpr const char* kDeclaredNames[] = {"declared.gpkg", "declared.geojson", "declared.shp",
                                          "declared.fgb"};

template <size_t N>
std::string FindIn(const fs::path& dir, const char* const (&names)[N]) {
  for (const char* name : names) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
  }
  return "";
}

absl::StatusOr<InputPaths> FolderInputs(const std::string& dir, const std::string& side,
                                        const std::string& declared_field,
                                        const std::string& encoding) {
  InputPaths p;
  p.encoding = encoding;
  p.practices = FindIn(dir, kPracticeNames);
  if (p.practices.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", side, " ", dir, ": no gp-reg-pat-prac-map.csv (or practices.csv) in the folder"));
  }
  p.list_sizes = FindIn(dir, kListSizeNames);
  p.distribution = FindIn(dir, kDistributionNames);
  p.declared = FindIn(dir, kDeclaredNames);
  if (!p.declared.empty() && !declared_field.empty()) {
    p.declared = absl::StrCat(p.declared, ":", declared_field);
  }
  return p;
}

// Loads the shared reference once, on first use (two report sides need none).
class Reference {
 public:
  explicit Reference(const ReferencePaths& paths) : paths_(paths) {}
  absl::StatusOr<Engine> Get() {
    if (!data_) {
      auto ref = LoadReference(paths_);
      if (!ref.ok()) return ref.status();
      data_ = std::move(*ref);
    }
    return Engine(data_);
  }
  // The reference if a side was validated from a folder, else null.
  const ReferenceData* loaded() const { return data_.get(); }

 private:
  const ReferencePaths& paths_;
  std::shared_ptr<const ReferenceData> data_;
};

absl::StatusOr<Report> LoadSide(const DiffCommand& cmd, const std::string& side,
                                const std::string& path, const ValidationOptions& options,
                                Reference& reference, Progress& progress) {
  std::error_code ec;
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat("--", side, " is required"));
  if (fs::is_directory(path, ec)) {
    auto paths = FolderInputs(path, side, cmd.declared_field, cmd.input_encoding);
    if (!paths.ok()) return paths.status();
    paths->max_vertices = cmd.reference.max_vertices;
    progress.Stage(absl::StrCat("validating the ", side, " release"));
    auto input = LoadInputs(*paths, options.as_of);
    if (!input.ok()) return input.status();
    auto engine = reference.Get();
    if (!engine.ok()) return engine.status();
    auto report = engine->Validate(*input, options);
    if (report.ok()) progress.Done(static_cast<int64_t>(report->pcns.size()), "PCNs");
    return report;
  }
  if (!fs::is_regular_file(path, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", side, " ", path, ": no such report file or input folder"));
  }
  progress.Stage(absl::StrCat("reading the ", side, " report"));
  auto report = report::ReadReportJson(path);
  if (report.ok()) progress.Done(static_cast<int64_t>(report->findings.size()), "findings");
  return report;
}

std::string Who(const Finding& f) {
  if (!f.pcn.empty() && !f.practice.empty()) return absl::StrCat(f.pcn, "/", f.practice);
  return f.pcn.empty() ? f.practice : f.pcn;
}

void PrintDiff(const ReportDiff& diff, const std::string& fail_on) {
  const auto& c = diff.counts;
  std::cout << (c.failing > 0 ? "FAIL" : "PASS") << ": " << c.new_findings << " new, " << c.fixed
            << " fixed, " << c.unchanged << " unchanged; " << c.waived << " waived; --fail-on "
            << fail_on << ": " << c.failing << " failing\n";
  const Report& r = diff.view.report;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    const FindingMark& m = diff.view.marks[i];
    const char* label = m.baseline == Baseline::kNew      ? "NEW"
                        : m.baseline == Baseline::kAbsent ? "FIXED"
                                                          : nullptr;
    if (label == nullptr && !f.waiver) continue;  // unchanged and not waived: no news
    const bool waived = f.waiver && m.baseline != Baseline::kAbsent;
    std::cout << "  " << (label ? label : "UNCHANGED") << (waived ? " (waived)" : "")
              << (m.failing ? " [failing]" : "") << " " << SeverityName(f.severity) << " " << f.rule
              << " " << Who(f) << ": " << f.message << "\n";
    if (waived) {
      std::cout << "      waived: " << f.waiver->reason << " (approved by " << f.waiver->approved_by
                << ", expires " << f.waiver->expires << ")\n";
    }
  }
}

}  // namespace

int RunDiff(const DiffCommand& cmd) {
  if (absl::Status s = CheckInputEncoding(cmd.input_encoding); !s.ok()) return BadInput(s);
  auto parsed = ParseValidationOptions(cmd.options);
  if (!parsed.ok()) return BadInput(parsed.status());
  auto fail_on = ParseFailOn(cmd.fail_on);
  if (!fail_on.ok()) return BadInput(fail_on.status());
  if (absl::Status s = CheckOutputPaths(cmd.out, cmd.outputs); !s.ok()) return BadInput(s);
  // Waivers apply to the candidate only: the base is what was accepted before, and waiving a
  // base finding would make its fix look like nothing changed.
  const ValidationOptions candidate_options = *parsed;
  const std::vector<Waiver> waivers = candidate_options.waivers;
  const std::string today = candidate_options.as_of;
  ValidationOptions base_options = *parsed;
  base_options.waivers.clear();

  Progress progress = Progress::ForStderr(cmd.quiet, 3 + cmd.outputs.count() + !cmd.out.empty());
  Reference reference(cmd.reference);
  auto base = LoadSide(cmd, "base", cmd.base, base_options, reference, progress);
  if (!base.ok()) return BadInput(base.status());
  auto candidate =
      LoadSide(cmd, "candidate", cmd.candidate, candidate_options, reference, progress);
  if (!candidate.ok()) return BadInput(candidate.status());

  progress.Stage("comparing findings");
  ReportDiff diff = Engine::Diff(*base, std::move(*candidate), *fail_on, waivers, today);
  progress.Done(static_cast<int64_t>(diff.view.report.findings.size()), "findings");

  if (!cmd.out.empty()) {
    progress.Stage("writing the diff JSON");
    if (auto s = io::WriteFile(cmd.out, report::DiffToJson(diff)); !s.ok()) return BadInput(s);
    progress.Done(0, "");
  }
  if (auto s = WriteOutputs(diff.view, cmd.outputs, progress, reference.loaded()); !s.ok()) {
    return BadInput(s);
  }
  if (!cmd.quiet) PrintDiff(diff, cmd.fail_on);
  return diff.counts.failing > 0 ? kExitFindings : kExitClean;
}

}  // namespace pcnv::cli
