#include "report/junit.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "geo/io/file_io.h"
#include "geo/rules/registry.h"
#include "report/disclosure.h"
#include "report/markup.h"

namespace pcnv::report {
namespace {

constexpr char kNoPcn[] = "";  // the suite of findings about no PCN

struct Suite {
  std::string pcn;
  std::string name;
};

std::string FindingText(const ReportView& view, size_t i) {
  const Finding& f = view.report.findings[i];
  const FindingMark& m = view.marks[i];
  std::string text = absl::StrCat(std::string(SeverityName(f.severity)), " ", f.rule);
  if (m.baseline != Baseline::kNone) {
    absl::StrAppend(&text, " [", std::string(BaselineLabel(m.baseline)), "]");
  }
  if (f.waiver) {
    absl::StrAppend(&text, " [WAIVED: ", f.waiver->reason, "; approved by ", f.waiver->approved_by,
                    "; expires ", f.waiver->expires, "]");
  }
  if (!f.practice.empty()) absl::StrAppend(&text, " practice ", f.practice);
  absl::StrAppend(&text, ": ", f.message);
  for (const auto& [k, v] : f.values) absl::StrAppend(&text, "\n  ", k, " = ", DisplayValue(k, v));
  return text;
}

}  // namespace

std::string RenderJunit(const ReportView& view) {
  const Report& r = view.report;
  std::vector<Suite> suites;
  std::set<std::string> known;
  for (const PcnEntry& p : r.pcns) {
    suites.push_back({p.code, absl::StrCat(p.code, " ", p.name)});
    known.insert(p.code);
  }
  // PCNs that only a finding names (fixed findings of a PCN the candidate no longer has).
  for (const Finding& f : r.findings) {
    if (!f.pcn.empty() && known.insert(f.pcn).second) suites.push_back({f.pcn, f.pcn});
  }
  suites.push_back({kNoPcn, "Practices and input files"});

  int total_tests = 0, total_failures = 0;
  std::string body;
  for (const Suite& s : suites) {
    int tests = 0, failures = 0, skipped = 0;
    std::string cases;
    const std::string classname =
        absl::StrCat("pcnv.", s.pcn.empty() ? std::string("inputs") : s.pcn);
    for (const RuleOutcome& o : r.summary.rules) {
      const RuleInfo* info = FindRule(o.rule);
      ++tests;
      absl::StrAppend(&cases, "    <testcase name=\"", EscapeMarkup(o.rule),
                      info ? absl::StrCat(" ", EscapeMarkup(info->title)) : "", "\" classname=\"",
                      EscapeMarkup(classname), "\" time=\"0\">\n");
      if (o.state == RuleState::kNotEvaluated) {
        ++skipped;
        absl::StrAppend(&cases, "      <skipped message=\"", EscapeMarkup(o.reason),
                        "\"/>\n    </testcase>\n");
        continue;
      }
      std::string failing_text, other_text, first_message, first_type;
      for (size_t i = 0; i < r.findings.size(); ++i) {
        const Finding& f = r.findings[i];
        if (f.rule != o.rule || f.pcn != s.pcn) continue;
        std::string& into = view.marks[i].failing ? failing_text : other_text;
        absl::StrAppend(&into, into.empty() ? "" : "\n", FindingText(view, i));
        if (view.marks[i].failing && first_message.empty()) {
          first_message = f.message;
          first_type = absl::StrCat(std::string(SeverityName(f.severity)), " ", f.rule);
        }
      }
      if (!failing_text.empty()) {
        ++failures;
        absl::StrAppend(&cases, "      <failure type=\"", EscapeMarkup(first_type), "\" message=\"",
                        EscapeMarkup(first_message), "\">", EscapeMarkup(failing_text),
                        "</failure>\n");
      }
      if (!other_text.empty()) {
        absl::StrAppend(&cases, "      <system-out>", EscapeMarkup(other_text), "</system-out>\n");
      }
      absl::StrAppend(&cases, "    </testcase>\n");
    }
    total_tests += tests;
    total_failures += failures;
    absl::StrAppend(&body, "  <testsuite name=\"", EscapeMarkup(s.name), "\" tests=\"", tests,
                    "\" failures=\"", failures, "\" errors=\"0\" skipped=\"", skipped,
                    "\" time=\"0\">\n", cases, "  </testsuite>\n");
  }
  return absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"",
                      EscapeMarkup(view.is_diff ? "pcnv diff" : "pcnv validate"), "\" tests=\"",
                      total_tests, "\" failures=\"", total_failures,
                      "\" errors=\"0\" time=\"0\">\n", body, "</testsuites>\n");
}

absl::Status WriteJunit(const ReportView& view, const std::string& path) {
  return io::WriteFile(path, RenderJunit(view));
}

}  // namespace pcnv::report
