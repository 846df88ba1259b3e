#include "geo/report.h"

#include <map>

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

Severity DefaultSeverity(std::string_view rule) {
  static const std::map<std::string, Severity, std::less<>> kDefaults = {
      {"POP001", Severity::kError},   {"POP002", Severity::kWarning},
      {"POP003", Severity::kWarning}, {"MEM001", Severity::kError},
      {"MEM002", Severity::kError},   {"MEM003", Severity::kInfo},
      {"MEM004", Severity::kWarning}, {"CON001", Severity::kError},
      {"CON002", Severity::kInfo},    {"CON003", Severity::kError},
      {"CON004", Severity::kWarning}, {"NEST001", Severity::kWarning},
      {"NEST002", Severity::kError},  {"NEST003", Severity::kWarning},
      {"COM001", Severity::kWarning}, {"OVL001", Severity::kError},
      {"OVL002", Severity::kWarning}, {"OVL003", Severity::kWarning},
      {"GEO001", Severity::kWarning}, {"DAT001", Severity::kWarning},
      {"CMP001", Severity::kInfo},    {"CMP002", Severity::kWarning},
  };
  auto it = kDefaults.find(rule);
  return it == kDefaults.end() ? Severity::kInfo : it->second;
}

Severity Ruleset::SeverityOf(std::string_view rule) const {
  const std::pair<std::string_view, Severity> named[] = {
      {"POP001", pop001}, {"POP002", pop002}, {"POP003", pop003}, {"MEM001", mem001},
      {"MEM002", mem002}, {"MEM003", mem003}, {"MEM004", mem004}, {"DAT001", dat001}};
  for (const auto& [code, sev] : named) {
    if (code == rule) return sev;
  }
  auto it = severity.find(std::string(rule));
  return it == severity.end() ? DefaultSeverity(rule) : it->second;
}

void Ruleset::SetSeverity(std::string_view rule, Severity s) {
  const std::pair<std::string_view, Severity*> named[] = {
      {"POP001", &pop001}, {"POP002", &pop002}, {"POP003", &pop003}, {"MEM001", &mem001},
      {"MEM002", &mem002}, {"MEM003", &mem003}, {"MEM004", &mem004}, {"DAT001", &dat001}};
  for (const auto& [code, field] : named) {
    if (code == rule) {
      *field = s;
      return;
    }
  }
  severity[std::string(rule)] = s;
}

bool HasFindingAtOrAbove(const Report& report, Severity fail_at) {
  for (const Finding& f : report.findings) {
    if (!f.waiver && f.severity >= fail_at) return true;  // a waived finding never fails a run
  }
  return false;
}

}  // namespace pcnv
