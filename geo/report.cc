#include "geo/report.h"

#include "geo/options.h"

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

std::string_view CatchmentMethodName(CatchmentMethod m) {
  return m == CatchmentMethod::kShare ? "share" : "majority";
}

bool HasFindingAtOrAbove(const Report& report, Severity fail_at) {
  for (const Finding& f : report.findings) {
    if (f.severity >= fail_at) return true;
  }
  return false;
}

}  // namespace pcnv
