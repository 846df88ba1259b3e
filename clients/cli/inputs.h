// Reading the CLI's input files into a ValidationInput and a reference snapshot.
#ifndef PCNV_CLIENTS_CLI_INPUTS_H_
#define PCNV_CLIENTS_CLI_INPUTS_H_

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/io/readers.h"
#include "geo/model.h"
#include "geo/reference.h"

namespace pcnv::cli {

struct InputPaths {
  // gp-reg-pat-prac-map.csv, a plain CSV, the ePCN "PCN Core Partner Details" sheet as CSV or
  // the ePCN workbook (.xlsx: both sheets); the format is detected from the header row.
  std::string practices;
  std::string pcn_details;        // optional: ePCN "PCN Details" as CSV (with a partner CSV)
  std::string practice_register;  // optional: epraccur.csv
  std::string list_sizes;         // optional
  std::string distribution;       // optional
  std::string declared;           // optional, FILE[:FIELD]
  std::string encoding;           // --input-encoding of the CSVs; empty: UTF-8
  int64_t max_vertices = io::kDefaultMaxVertices;                   // per declared polygon
  int64_t max_declared_features = io::kDefaultMaxDeclaredFeatures;  // of --declared
};

struct ReferencePaths {
  std::string store;                    // --reference REF.gpkg
  std::string areas;                    // --areas FILE[:FIELD]
  std::vector<std::string> footprints;  // --footprint KIND=FILE[:FIELD]
  std::string postcodes;                // --postcodes PATH
  std::vector<std::string> vintages;    // --vintage LAYER=YYYY-MM
  std::string encoding;                 // --input-encoding of the postcode CSVs; empty: UTF-8
  int64_t max_vertices = io::kDefaultMaxVertices;  // per area or footprint polygon
  bool given() const {
    return !store.empty() || !areas.empty() || !footprints.empty() || !postcodes.empty();
  }
};

// Reads every input (recording each file's SHA-256 in input.sources). When a postcode
// directory is at hand (from the reference), practices without a location are geocoded later
// by the engine; nothing here needs the reference. ePCN practice-to-PCN relationships count
// when in force on `as_of` (YYYY-MM-DD); `notes` (may be null) gets a line saying how many were
// and what the practice register filled in, for the console.
absl::StatusOr<ValidationInput> LoadInputs(const InputPaths& paths, std::string_view as_of,
                                           std::vector<std::string>* notes = nullptr);

// --reference, or the individual layers, or (when nothing is given) an empty snapshot.
absl::StatusOr<std::shared_ptr<const ReferenceData>> LoadReference(const ReferencePaths& paths);

// LoadReference on a thread of its own, so that the caller reads its inputs meanwhile (neither
// needs the other). `paths` must outlive the result. Dropping the result waits for the load.
std::future<absl::StatusOr<std::shared_ptr<const ReferenceData>>> StartLoadingReference(
    const ReferencePaths& paths);

}  // namespace pcnv::cli

#endif  // PCNV_CLIENTS_CLI_INPUTS_H_
