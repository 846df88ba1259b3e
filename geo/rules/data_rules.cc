// DAT001: distribution rows that cannot be placed in an area.
#include <array>

#include "absl/strings/str_cat.h"
#include "geo/rules/context.h"
#include "geo/rules/messages.h"

namespace pcnv {

void CheckDat001(const ValidationContext& ctx, RuleRun& run) {
  if (!ctx.has_distribution()) {
    run.NotEvaluated("needs a distribution (--distribution)");
    return;
  }
  run.Evaluated();
  constexpr int kKinds = 5;
  constexpr int kExamples = 5;
  std::array<int64_t, kKinds> rows{}, patients{};
  std::array<std::vector<std::string>, kKinds> examples;
  const auto& drows = ctx.input.distribution->rows;
  for (size_t i = 0; i < drows.size(); ++i) {
    int k = static_cast<int>(ctx.resolved[i].why);
    if (k == 0) continue;
    rows[k]++;
    patients[k] += drows[i].patients;
    if (examples[k].size() < kExamples) {
      examples[k].push_back(absl::StrCat("row ", drows[i].row, " '", drows[i].place, "'"));
    }
  }
  int64_t total_rows = 0, total_patients = 0;
  std::vector<std::string> parts;
  Finding f;
  for (int k = 1; k < kKinds; ++k) {
    if (rows[k] == 0) continue;
    total_rows += rows[k];
    total_patients += patients[k];
    std::string name(UnresolvedName(static_cast<Unresolved>(k)));
    parts.push_back(
        msg::Dat001Kind(name, rows[k], patients[k], examples[k], ctx.options.disclosure));
    f.values[name + "_rows"] = rows[k];
    f.values[name + "_patients"] = patients[k];
  }
  if (total_rows == 0) return;
  Finding& out =
      run.Add(ctx, "", "",
              msg::Dat001Unresolved(total_rows, total_patients, parts, ctx.options.disclosure));
  out.values = std::move(f.values);
  out.values["rows"] = total_rows;
  out.values["patients"] = total_patients;
}

}  // namespace pcnv
