#include "report/diff_json.h"

#include "nlohmann/json.hpp"
#include "report/disclosure.h"

namespace pcnv::report {

std::string DiffToJson(const ReportDiff& diff) {
  using Json = nlohmann::ordered_json;
  const Report& r = diff.view.report;
  Json findings = Json::array();
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    const FindingMark& m = diff.view.marks[i];
    const std::string_view status = m.baseline == Baseline::kAbsent ? "fixed"
                                    : m.baseline == Baseline::kNew  ? "new"
                                                                    : "unchanged";
    Json j = {{"status", std::string(status)},
              {"rule", f.rule},
              {"severity", std::string(SeverityName(f.severity))},
              {"pcn", f.pcn},
              {"practice", f.practice},
              {"message", f.message},
              {"values", Json::parse(ValuesJson(f.values))},
              {"failing", m.failing}};
    if (m.baseline == Baseline::kUpdated) j["numbers_changed"] = true;
    if (f.waiver) {
      j["waiver"] = {{"reason", f.waiver->reason},
                     {"approved_by", f.waiver->approved_by},
                     {"expires", f.waiver->expires}};
    }
    findings.push_back(std::move(j));
  }
  Json root = {{"summary",
                {{"new", diff.counts.new_findings},
                 {"fixed", diff.counts.fixed},
                 {"unchanged", diff.counts.unchanged},
                 {"waived", diff.counts.waived},
                 {"failing", diff.counts.failing},
                 {"fail_on", diff.view.fail_policy},
                 {"verdict", diff.counts.failing > 0 ? "FAIL" : "PASS"}}},
               {"findings", std::move(findings)}};
  // As ReportToJson: never throws on text that is not UTF-8.
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace pcnv::report
