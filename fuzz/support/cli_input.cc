#include "fuzz/support/cli_input.h"

#include "fuzz/support/fuzz_files.h"
#include "fuzz/support/tiny_reference.h"

namespace pcnv::fuzz {

int FuzzCliInput(const uint8_t* data, size_t size, std::string cli::InputPaths::*field,
                 std::string_view practices,
                 const std::function<void(ValidationInput&)>& complete) {
  MemFile practice_file(practices.empty() ? std::string_view(TinyPracticeCsv()) : practices);
  MemFile fuzzed(data, size);
  cli::InputPaths paths;
  paths.practices = practice_file.path();
  paths.*field = fuzzed.path();  // the practice file itself when field is &InputPaths::practices
  absl::StatusOr<ValidationInput> input = cli::LoadInputs(paths, TinyOptions().as_of);
  if (!input.ok()) return 0;
  if (complete) complete(*input);
  ValidateAndRender(*input, TinyOptions());
  return 0;
}

}  // namespace pcnv::fuzz
