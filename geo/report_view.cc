#include "geo/report_view.h"

#include <ctime>

#include "absl/strings/str_cat.h"

namespace pcnv {

std::string_view BaselineName(Baseline b) {
  switch (b) {
    case Baseline::kNone:
      return "";
    case Baseline::kNew:
      return "new";
    case Baseline::kUnchanged:
      return "unchanged";
    case Baseline::kUpdated:
      return "updated";
    case Baseline::kAbsent:
      return "absent";
  }
  return "";
}

std::string_view BaselineLabel(Baseline b) {
  switch (b) {
    case Baseline::kNone:
      return "";
    case Baseline::kNew:
      return "NEW";
    case Baseline::kUnchanged:
      return "UNCHANGED";
    case Baseline::kUpdated:
      return "CHANGED";
    case Baseline::kAbsent:
      return "FIXED";
  }
  return "";
}

bool ReportView::AnyFailing() const {
  for (const FindingMark& m : marks) {
    if (m.failing) return true;
  }
  return false;
}

bool ReportView::IsCurrent(size_t i) const {
  return marks[i].baseline != Baseline::kAbsent && !report.findings[i].waiver.has_value();
}

std::string ReportView::PcnVerdict(const std::string& pcn) const {
  Severity worst = Severity::kInfo;
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const Finding& f = report.findings[i];
    if (f.pcn == pcn && IsCurrent(i) && f.severity > worst) worst = f.severity;
  }
  return worst == Severity::kError ? "FAIL" : worst == Severity::kWarning ? "WARN" : "PASS";
}

ReportView ViewForValidate(Report report, Severity fail_at) {
  ReportView view;
  view.fail_policy = absl::StrCat("findings at ", std::string(SeverityName(fail_at)), " or above");
  view.marks.resize(report.findings.size());
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const Finding& f = report.findings[i];
    view.marks[i].failing = f.severity >= fail_at && !f.waiver;
  }
  view.report = std::move(report);
  return view;
}

std::string TodayUtc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace pcnv
