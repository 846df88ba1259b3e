#include "clients/cli/outputs.h"

#include "geo/io/file_io.h"
#include "report/geo_layers.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/sarif.h"

namespace pcnv::cli {

absl::Status CheckOutputPaths(const std::string& main, const OutputPaths& paths) {
  for (const std::string* path : {&main, &paths.geo_out, &paths.html, &paths.junit, &paths.sarif}) {
    if (path->empty()) continue;
    if (absl::Status s = io::CheckOutputPath(*path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status WriteOutputs(const ReportView& view, const OutputPaths& paths, Progress& progress,
                          const ReferenceData* reference, const SuggestResult* suggestions) {
  if (!paths.geo_out.empty()) {
    progress.Stage("writing GIS layers");
    std::optional<io::OutputCrs> crs;
    if (paths.geo_crs == 4326) crs = io::OutputCrs::kWgs84;
    if (paths.geo_crs == 27700) crs = io::OutputCrs::kBritishNationalGrid;
    auto files = report::WriteGeoLayers(
        view, paths.geo_out, crs,
        [&](std::string_view, int done, int total) { progress.Update(done, total, "layers"); });
    if (!files.ok()) return files.status();
    progress.Done(static_cast<int64_t>(view.report.findings.size() + view.report.pcns.size() +
                                       view.report.practices.size()),
                  "features");
  }
  if (!paths.html.empty()) {
    progress.Stage("writing the HTML report");
    report::HtmlReportOptions html;
    if (reference != nullptr) html.footprints = reference->footprint_layers();
    html.suggestions = suggestions;
    if (auto s = report::WriteHtmlReport(view, paths.html, html); !s.ok()) return s;
    progress.Done(0, "");
  }
  if (!paths.junit.empty()) {
    progress.Stage("writing JUnit XML");
    if (auto s = report::WriteJunit(view, paths.junit); !s.ok()) return s;
    progress.Done(0, "");
  }
  if (!paths.sarif.empty()) {
    progress.Stage("writing SARIF");
    if (auto s = report::WriteSarif(view, paths.sarif); !s.ok()) return s;
    progress.Done(0, "");
  }
  return absl::OkStatus();
}

}  // namespace pcnv::cli
