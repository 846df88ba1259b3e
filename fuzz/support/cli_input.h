// The shared body of the fuzz targets for the CSV inputs of `pcnv validate`: the fuzzer's bytes
// become one file of cli::InputPaths, read by the CLI's own LoadInputs beside a practice file,
// then validated on the tiny reference and written as the JSON report.
#ifndef PCNV_FUZZ_SUPPORT_CLI_INPUT_H_
#define PCNV_FUZZ_SUPPORT_CLI_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "clients/cli/inputs.h"
#include "geo/model.h"

namespace pcnv::fuzz {

// `field`: the input the bytes are (&cli::InputPaths::list_sizes, ...; &InputPaths::practices
// makes them the practice file itself). `practices`: the practice file beside it (empty: the
// tiny map, TinyPracticeCsv). `complete`: fills in what the fuzzed file does not carry (the
// tiny distribution for a list-size file, say), so that the rules compare what was read.
// Returns 0, as libFuzzer expects; a refused input is not an error here.
int FuzzCliInput(const uint8_t* data, size_t size, std::string cli::InputPaths::*field,
                 std::string_view practices = {},
                 const std::function<void(ValidationInput&)>& complete = nullptr);

}  // namespace pcnv::fuzz

#endif  // PCNV_FUZZ_SUPPORT_CLI_INPUT_H_
