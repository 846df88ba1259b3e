// The pcnv subcommands. main.cc parses flags into these option structs and calls them; each
// returns the process exit code: 0 = clean, 1 = findings at or above the failing severity,
// 2 = bad input or usage.
#ifndef PCNV_CLIENTS_CLI_COMMANDS_H_
#define PCNV_CLIENTS_CLI_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/cli/inputs.h"
#include "clients/cli/outputs.h"
#include "geo/options.h"

namespace pcnv::cli {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitBadInput = 2;

inline constexpr char kToolName[] = "pcnv 0.1.0";

struct ValidateCommand {
  InputPaths inputs;
  ReferencePaths reference;
  std::string method = "majority";
  double share_threshold = 0.05;
  std::string out;                // JSON report path
  OutputPaths outputs;            // --geo-out, --html, --junit, --sarif
  std::string fail_on = "error";  // lowest severity that makes the exit code 1
  std::string waivers;            // waivers file (JSON); empty = none
  std::string server;             // host:port; empty = validate in-process
  double timeout_s = 300;
  bool quiet = false;
};
int RunValidate(const ValidateCommand& cmd);

// `pcnv diff`: each side is a saved JSON report or a folder of inputs (docs/OUTPUTS.md).
struct DiffCommand {
  std::string base;            // BASE.json or a folder
  std::string candidate;       // CANDIDATE.json or a folder
  ReferencePaths reference;    // for sides given as folders (shared by both)
  std::string declared_field;  // code field of declared.* in folders; empty = guess
  std::string method = "majority";
  double share_threshold = 0.05;
  std::string fail_on = "new-errors";
  std::string waivers;
  std::string out;  // diff JSON
  OutputPaths outputs;
  bool quiet = false;
};
int RunDiff(const DiffCommand& cmd);

// --method and --share-threshold as engine options, or INVALID_ARGUMENT naming the flag.
absl::StatusOr<ValidationOptions> ParseValidationOptions(const std::string& method,
                                                         double share_threshold);
// Validates in-process and stamps the tool name and library versions into provenance.
absl::StatusOr<Report> ValidateInProcess(const ReferenceData& reference,
                                         const ValidationInput& input,
                                         const ValidationOptions& options);

struct ReferenceBuildCommand {
  ReferencePaths reference;  // areas, footprints, postcodes (store must be empty)
  std::string out;           // GeoPackage to write
};
int RunReferenceBuild(const ReferenceBuildCommand& cmd);

// Prints "pcnv: error: <message>" on stderr and returns kExitBadInput.
int BadInput(std::string_view message);
int BadInput(const absl::Status& status);

}  // namespace pcnv::cli

#endif  // PCNV_CLIENTS_CLI_COMMANDS_H_
