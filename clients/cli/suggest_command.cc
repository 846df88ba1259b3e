// `pcnv suggest`: fix suggestions for the failing PCNs of a configuration (geo/suggest.h), as
// JSON; `--apply ID --out practices.csv` writes the practice file with one applied.
#include <fstream>
#include <future>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/apply_practices.h"
#include "clients/cli/commands.h"
#include "clients/cli/progress.h"
#include "clients/remote/remote_suggest.h"
#include "geo/engine.h"
#include "geo/io/file_io.h"
#include "geo/suggest.h"
#include "report/suggest_json.h"

namespace pcnv::cli {
namespace {

// Codes that must not change: one per line (practice or PCN code; '#' starts a comment), from
// the file and from --lock-code; each must be a practice or a PCN of the practice file.
absl::Status ReadLocks(const SuggestCommand& cmd, const ValidationInput& input,
                       SuggestOptions& opt) {
  std::set<std::string> practices, pcns;
  for (const Membership& m : input.memberships) {
    practices.insert(m.practice_code);
    pcns.insert(m.pcn_code);
  }
  auto add = [&](const std::string& code, const std::string& where) -> absl::Status {
    if (practices.contains(code)) {
      opt.locked_practices.insert(code);
    } else if (pcns.contains(code)) {
      opt.locked_pcns.insert(code);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": '", code, "' is neither a practice nor a PCN of ", cmd.inputs.practices));
    }
    return absl::OkStatus();
  };
  for (const std::string& code : cmd.lock_codes) {
    if (absl::Status s = add(code, "--lock-code"); !s.ok()) return s;
  }
  if (cmd.lock.empty()) return absl::OkStatus();
  std::ifstream in(cmd.lock);
  if (!in) return absl::NotFoundError(absl::StrCat(cmd.lock, ": cannot be opened"));
  int row = 0;
  for (std::string line; std::getline(in, line);) {
    ++row;
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const std::string code(absl::StripAsciiWhitespace(line));
    if (code.empty()) continue;
    if (absl::Status s = add(code, absl::StrCat(cmd.lock, " row ", row)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

int RunSuggest(const SuggestCommand& cmd) {
  auto options = ParseValidationOptions(cmd.options);
  if (!options.ok()) return BadInput(options.status());
  options->other_catchment_geometry = false;
  if (!cmd.suggestions.empty() && cmd.apply.empty()) {
    return BadInput("--suggestions is read only with --apply ID");
  }
  // A saved suggestion is applied to the practice file directly: no reference, no search.
  if (!cmd.apply.empty() && !cmd.suggestions.empty()) {
    auto s = report::ReadSuggestion(cmd.suggestions, cmd.apply);
    if (!s.ok()) return BadInput(s.status());
    if (auto st = ApplyToPracticeFile(cmd.inputs.practices, *s, cmd.out); !st.ok()) {
      return BadInput(st);
    }
    if (!cmd.quiet) std::cout << "Suggestion " << cmd.apply << " applied: " << cmd.out << "\n";
    return kExitClean;
  }

  // The reference data loads while the inputs are read (a bad input is reported once it has).
  std::future<absl::StatusOr<std::shared_ptr<const ReferenceData>>> loading;
  if (cmd.server.empty()) loading = StartLoadingReference(cmd.reference);
  Progress progress = Progress::ForStderr(cmd.quiet, 4);
  progress.Stage("reading inputs");
  auto input = LoadInputs(cmd.inputs, options->as_of);
  if (!input.ok()) return BadInput(input.status());
  progress.Done(static_cast<int64_t>(input->memberships.size()), "practice rows");
  SuggestOptions opt;
  opt.max_practices = cmd.max_practices;
  opt.max_per_finding = cmd.max_per_finding;
  opt.max_candidates = cmd.max_candidates;
  opt.allow_cross_icb = cmd.allow_cross_icb;
  opt.allow_cross_sub_icb = cmd.allow_cross_sub_icb;
  opt.screen = !cmd.no_screen;
  if (absl::Status s = ReadLocks(cmd, *input, opt); !s.ok()) return BadInput(s);

  absl::StatusOr<SuggestResult> result;
  std::string tool;
  if (cmd.server.empty()) {
    progress.Stage("loading reference data");
    auto ref = loading.get();
    if (!ref.ok()) return BadInput(ref.status());
    progress.Done(static_cast<int64_t>((*ref)->areas().size()), "areas");
    const Engine engine(*std::move(ref));
    progress.Stage("validating");
    auto base = engine.Validate(*input, *options);
    if (!base.ok()) return BadInput(base.status());
    progress.Done(static_cast<int64_t>(base->pcns.size()), "PCNs");
    progress.Stage("searching fixes");
    opt.progress = [&](int done, int total) { progress.Update(done, total, "findings"); };
    result = Suggest(engine, *input, *options, *base, opt);
    Provenance stamp;
    engine.Stamp(stamp);
    tool = stamp.tool;
  } else {
    if (cmd.reference.given() && !cmd.quiet) {
      std::cerr << "pcnv: note: reference flags are not used with --server; the server "
                   "searches against its own reference snapshot\n";
    }
    auto security = remote::ResolveSecurity(cmd.security);
    if (!security.ok()) return BadInput(security.status());
    progress.Stage("loading reference data (on the server)");
    progress.Done(0, "");
    progress.Stage("validating (on the server)");
    progress.Done(0, "");
    progress.Stage("searching fixes on " + cmd.server);
    auto remote = remote::SuggestRemote(cmd.server, *security, *input, *options, opt,
                                        absl::Seconds(cmd.timeout_s));
    if (!remote.ok()) return BadInput(remote.status());
    tool = remote->tool;
    result = std::move(remote->result);
  }
  if (!result.ok()) return BadInput(result.status());
  progress.Done(result->candidates_evaluated, "candidates");

  if (!cmd.apply.empty()) {
    for (const Suggestion& s : result->suggestions) {
      if (s.id != cmd.apply) continue;
      if (auto st = ApplyToPracticeFile(cmd.inputs.practices, s, cmd.out); !st.ok()) {
        return BadInput(st);
      }
      if (!cmd.quiet) std::cout << "Suggestion " << cmd.apply << " applied: " << cmd.out << "\n";
      return kExitClean;
    }
    return BadInput(absl::StrCat("--apply: no suggestion with id '", cmd.apply,
                                 "' for these inputs and constraints"));
  }
  if (auto st = io::WriteFile(cmd.out, report::SuggestionsToJson(*result, opt, tool)); !st.ok()) {
    return BadInput(st);
  }
  if (!cmd.quiet) {
    int with = 0;
    for (const SuggestTarget& t : result->targets) with += t.suggestions.empty() ? 0 : 1;
    std::cout << result->targets.size() << " findings to fix, " << with << " with suggestions; "
              << result->suggestions.size() << " suggestions; "
              << result->candidates_evaluated + result->candidates_screened << " candidates ("
              << result->candidates_screened << " ruled out by the territory screen, "
              << result->candidates_evaluated << " re-validated) in "
              << absl::StrFormat("%.1f", result->seconds) << " s\n"
              << "Suggestions written to " << cmd.out << "\n";
  }
  return kExitClean;
}

}  // namespace pcnv::cli
