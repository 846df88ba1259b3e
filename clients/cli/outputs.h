// The writers both `pcnv validate` and `pcnv diff` offer, chosen by flags.
#ifndef PCNV_CLIENTS_CLI_OUTPUTS_H_
#define PCNV_CLIENTS_CLI_OUTPUTS_H_

#include <string>

#include "absl/status/status.h"
#include "clients/cli/progress.h"
#include "geo/reference.h"
#include "geo/report_view.h"
#include "geo/suggest.h"

namespace pcnv::cli {

struct OutputPaths {
  std::string geo_out;  // FILE.gpkg or FILE.geojson
  int geo_crs = 0;      // --geo-crs: 27700 or 4326; 0: the format's default (report/geo_layers.h)
  std::string html;
  std::string junit;
  std::string sarif;
  int count() const { return !geo_out.empty() + !html.empty() + !junit.empty() + !sarif.empty(); }
};

// Refuses, before any work, an output path (`main`, the JSON report or diff, then every path
// in `paths`) that exists and is not a regular file: /dev/full, a directory (geo/io/file_io.h).
absl::Status CheckOutputPaths(const std::string& main, const OutputPaths& paths);

// Writes every requested output, one progress stage each; stops at the first failure. The
// reference, when the run loaded one, gives the HTML map its footprint outlines; suggestions,
// when the run searched fixes, give the HTML its "What would fix it" sections.
absl::Status WriteOutputs(const ReportView& view, const OutputPaths& paths, Progress& progress,
                          const ReferenceData* reference = nullptr,
                          const SuggestResult* suggestions = nullptr);

}  // namespace pcnv::cli

#endif  // PCNV_CLIENTS_CLI_OUTPUTS_H_
