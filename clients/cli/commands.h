// The pcnv subcommands. main.cc parses flags into these option structs and calls them; each
// returns the process exit code: 0 = clean, 1 = findings at or above the failing severity,
// 2 = bad input or usage.
#ifndef PCNV_CLIENTS_CLI_COMMANDS_H_
#define PCNV_CLIENTS_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/cli/inputs.h"
#include "clients/cli/outputs.h"
#include "clients/remote/security.h"
#include "geo/options.h"

namespace pcnv::cli {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitBadInput = 2;

// Engine options as given on the command line; shared by validate and diff.
struct OptionFlags {
  std::string method = "majority";
  double share_threshold = 0.05;
  std::string ruleset;         // ruleset file (JSON); empty = docs/DOMAIN.md section 5 defaults
  std::string waivers;         // waivers file (JSON); empty = none
  std::string as_of;           // YYYY-MM-DD that waivers expire against; empty = today (UTC)
  int64_t suppress_below = 5;  // small-number disclosure threshold (geo/disclosure.h)
  bool unsuppressed = false;   // publish every count exactly
};

struct ValidateCommand {
  InputPaths inputs;
  ReferencePaths reference;
  OptionFlags options;
  std::string out;                 // JSON report path
  OutputPaths outputs;             // --geo-out, --html, --junit, --sarif
  std::string fail_on = "error";   // lowest severity that makes the exit code 1
  std::string server;              // host:port; empty = validate in-process
  remote::SecurityFlags security;  // --token-file, --tls, --tls-ca/-cert/-key (with --server)
  double timeout_s = 300;
  bool stream = false;   // with --server: the ValidateStream RPC, the request in chunks
  bool suggest = false;  // search fixes for the HTML report's "What would fix it"
  bool quiet = false;
};
int RunValidate(const ValidateCommand& cmd);

// `pcnv diff`: each side is a saved JSON report or a folder of inputs (docs/OUTPUTS.md).
struct DiffCommand {
  std::string base;            // BASE.json or a folder
  std::string candidate;       // CANDIDATE.json or a folder
  ReferencePaths reference;    // for sides given as folders (shared by both)
  std::string declared_field;  // code field of declared.* in folders; empty = guess
  std::string input_encoding;  // of the CSVs in folders; empty = UTF-8
  OptionFlags options;
  std::string fail_on = "new-errors";
  std::string out;  // diff JSON
  OutputPaths outputs;
  bool quiet = false;
};
int RunDiff(const DiffCommand& cmd);

// The flags as engine options (ruleset and waivers read, as_of defaulted to today), or
// INVALID_ARGUMENT naming the flag or the file and key.
absl::StatusOr<ValidationOptions> ParseValidationOptions(const OptionFlags& flags);
// The ruleset and waivers files as provenance entries (path and SHA-256).
absl::StatusOr<std::vector<SourceFile>> OptionSources(const OptionFlags& flags);

// `pcnv suggest` (docs/OUTPUTS.md, "Fix suggestions"): the inputs and options of validate, the
// constraints (docs/RULES.md), and either --out suggestions.json or --apply ID --out practices.csv.
struct SuggestCommand {
  InputPaths inputs;
  ReferencePaths reference;
  OptionFlags options;
  std::string out;                      // suggestions JSON, or with --apply the practice file
  std::string apply;                    // suggestion id to apply
  std::string suggestions;              // with --apply: a saved suggestions JSON (no new search)
  std::string lock;                     // file of practice / PCN codes that must not change
  std::vector<std::string> lock_codes;  // --lock-code, the same one at a time
  int max_practices = 3;
  int max_per_finding = 3;
  int max_candidates = 60;
  bool allow_cross_icb = false;
  bool allow_cross_sub_icb = false;
  bool no_screen = false;          // re-validate every candidate (SuggestOptions::screen)
  std::string server;              // host:port; empty = search in-process
  remote::SecurityFlags security;  // --token-file, --tls, --tls-ca/-cert/-key (with --server)
  double timeout_s = 600;
  bool quiet = false;
};
int RunSuggest(const SuggestCommand& cmd);

struct ReferenceBuildCommand {
  ReferencePaths reference;  // areas, footprints, postcodes (store must be empty)
  std::string out;           // GeoPackage to write
};
int RunReferenceBuild(const ReferenceBuildCommand& cmd);

// --input-encoding: empty, or an encoding iconv knows.
absl::Status CheckInputEncoding(const std::string& encoding);

// Prints "pcnv: error: <message>" on stderr and returns kExitBadInput.
int BadInput(std::string_view message);
int BadInput(const absl::Status& status);

}  // namespace pcnv::cli

#endif  // PCNV_CLIENTS_CLI_COMMANDS_H_
