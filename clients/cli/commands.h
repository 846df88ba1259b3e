// The pcnv subcommands. main.cc parses flags into these option structs and calls them; each
// returns the process exit code: 0 = clean, 1 = findings at or above the failing severity,
// 2 = bad input or usage.
#ifndef PCNV_CLIENTS_CLI_COMMANDS_H_
#define PCNV_CLIENTS_CLI_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "clients/cli/inputs.h"
#include "geo/options.h"

namespace pcnv::cli {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitBadInput = 2;

struct ValidateCommand {
  InputPaths inputs;
  ReferencePaths reference;
  std::string method = "majority";
  double share_threshold = 0.05;
  std::string out;     // JSON report path
  std::string server;  // host:port; empty = validate in-process
  double timeout_s = 300;
  bool quiet = false;
};
int RunValidate(const ValidateCommand& cmd);

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
