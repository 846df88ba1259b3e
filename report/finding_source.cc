#include "report/finding_source.h"

#include <string_view>
#include <vector>

namespace pcnv::report {
namespace {

// The inputs a rule is about, most specific first. A report only has the roles it was given,
// so the first one present wins (POP001 on list sizes, or on the distribution without them).
std::vector<std::string_view> RolesFor(std::string_view rule) {
  if (rule == "POP003") return {"list_sizes", "distribution"};
  if (rule.starts_with("POP")) return {"list_sizes", "distribution", "practices"};
  if (rule == "MEM004" || rule == "DAT001") return {"distribution"};
  if (rule.starts_with("MEM") || rule == "NEST002") return {"practices"};
  if (rule.starts_with("OVL")) return {"declared"};
  if (rule == "GEO001") return {"declared", "areas"};
  if (rule == "CON004" || rule == "CMP002") return {"practices"};
  return {"distribution", "practices"};
}

int64_t IntValue(const Finding& f, const char* key) {
  auto it = f.values.find(key);
  if (it == f.values.end()) return 0;
  if (const auto* n = std::get_if<int64_t>(&it->second)) return *n;
  return 0;
}

}  // namespace

FindingSource SourceOf(const Report& report, const Finding& finding) {
  FindingSource out;
  for (std::string_view role : RolesFor(finding.rule)) {
    for (const SourceFile& s : report.provenance.inputs) {
      if (s.role == role) {
        out.role = s.role;
        out.path = s.path;
        break;
      }
    }
    if (!out.role.empty()) break;
  }
  out.row = IntValue(finding, "row");
  out.feature = IntValue(finding, "feature");
  return out;
}

}  // namespace pcnv::report
