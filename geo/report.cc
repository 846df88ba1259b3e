#include "geo/report.h"

namespace pcnv {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "INFO";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kError:
      return "ERROR";
  }
  return "INFO";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kError}) {
    if (SeverityName(s) == name) return s;
  }
  return std::nullopt;
}

bool HasFindingAtOrAbove(const Report& report, Severity fail_at) {
  for (const Finding& f : report.findings) {
    if (!f.waiver && f.severity >= fail_at) return true;  // a waived finding never fails a run
  }
  return false;
}

}  // namespace pcnv
