#include "geo/report_diff.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "geo/waivers.h"

namespace pcnv {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string>;

Key KeyOf(const Finding& f) {
  std::string stable;
  auto it = f.values.find("key");
  if (it != f.values.end()) {
    if (const auto* s = std::get_if<std::string>(&it->second)) stable = *s;
  }
  return {f.rule, f.pcn, f.practice, stable};
}

bool Fails(FailOn policy, const Finding& f, Baseline b) {
  switch (policy) {
    case FailOn::kNewErrors:
      return b == Baseline::kNew && f.severity == Severity::kError;
    case FailOn::kAnyErrors:
      return b != Baseline::kAbsent && f.severity == Severity::kError;
    case FailOn::kNewWarnings:
      return b == Baseline::kNew && f.severity >= Severity::kWarning;
  }
  return false;
}

std::string PolicyText(FailOn f) {
  switch (f) {
    case FailOn::kNewErrors:
      return "new ERROR findings";
    case FailOn::kAnyErrors:
      return "any ERROR finding in the candidate";
    case FailOn::kNewWarnings:
      return "new WARNING or ERROR findings";
  }
  return "";
}

}  // namespace

absl::StatusOr<FailOn> ParseFailOn(std::string_view text) {
  if (text == "new-errors") return FailOn::kNewErrors;
  if (text == "any-errors") return FailOn::kAnyErrors;
  if (text == "new-warnings") return FailOn::kNewWarnings;
  return absl::InvalidArgumentError(absl::StrCat(
      "--fail-on: '", std::string(text), "' is not one of new-errors, any-errors, new-warnings"));
}

std::string_view FailOnName(FailOn f) {
  switch (f) {
    case FailOn::kNewErrors:
      return "new-errors";
    case FailOn::kAnyErrors:
      return "any-errors";
    case FailOn::kNewWarnings:
      return "new-warnings";
  }
  return "";
}

ReportDiff DiffReports(const Report& base, Report candidate, FailOn fail_on,
                       const std::vector<Waiver>& waivers, const std::string& today) {
  // Base findings by key, in report order; each candidate finding takes the first unmatched.
  std::map<Key, std::vector<size_t>> unmatched;
  for (size_t i = 0; i < base.findings.size(); ++i) {
    unmatched[KeyOf(base.findings[i])].push_back(i);
  }
  std::map<Key, size_t> taken;  // how many of each key's base findings are matched

  const Waivers live(waivers, today);
  for (Finding& f : candidate.findings) {
    if (!f.waiver) live.Apply(f);
  }

  ReportDiff diff;
  diff.view.is_diff = true;
  diff.view.fail_policy = PolicyText(fail_on);
  std::vector<FindingMark>& marks = diff.view.marks;
  for (const Finding& f : candidate.findings) {
    FindingMark m;
    const Key key = KeyOf(f);
    auto it = unmatched.find(key);
    size_t& used = taken[key];
    if (it != unmatched.end() && used < it->second.size()) {
      const Finding& before = base.findings[it->second[used++]];
      m.baseline = before.message == f.message ? Baseline::kUnchanged : Baseline::kUpdated;
      diff.counts.unchanged++;
    } else {
      m.baseline = Baseline::kNew;
      diff.counts.new_findings++;
    }
    if (f.waiver) diff.counts.waived++;
    m.failing = !f.waiver && Fails(fail_on, f, m.baseline);
    if (m.failing) diff.counts.failing++;
    marks.push_back(m);
  }
  for (const auto& [key, indices] : unmatched) {
    for (size_t k = taken[key]; k < indices.size(); ++k) {
      candidate.findings.push_back(base.findings[indices[k]]);
      FindingMark m;
      m.baseline = Baseline::kAbsent;
      marks.push_back(m);
      diff.counts.fixed++;
    }
  }
  diff.view.report = std::move(candidate);
  return diff;
}

}  // namespace pcnv
