// One fuzz target: a name and the function that takes one input. Each file in fuzz/targets/
// registers exactly one with PCNV_FUZZ_TARGET, and is linked two ways:
//  - into a libFuzzer binary (fuzz_NAME, the fuzz preset: clang-14, ASan+UBSan), where
//    libfuzzer_entry.cc hands libFuzzer the one registered target;
//  - with every other target into pcnv-fuzz-replay (every preset, g++ included), which runs the
//    checked-in regressions and seed corpora through the same functions as ordinary tests.
#ifndef PCNV_FUZZ_SUPPORT_FUZZ_TARGET_H_
#define PCNV_FUZZ_SUPPORT_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace pcnv::fuzz {

struct FuzzTarget {
  std::string_view name;
  // Runs once before the first input (GDAL registration, the tiny reference); may be null.
  void (*init)();
  // One input. Returns 0 (libFuzzer's convention); -1 keeps the input out of the corpus.
  int (*test_one)(const uint8_t* data, size_t size);
};

// Called by PCNV_FUZZ_TARGET at static initialisation; returns true.
bool RegisterTarget(const FuzzTarget& target);
const std::vector<FuzzTarget>& Targets();

}  // namespace pcnv::fuzz

#define PCNV_FUZZ_TARGET(NAME, INIT, TEST_ONE)                     \
  [[maybe_unused]] static const bool pcnv_fuzz_registered_##NAME = \
      ::pcnv::fuzz::RegisterTarget({#NAME, INIT, TEST_ONE})

#endif  // PCNV_FUZZ_SUPPORT_FUZZ_TARGET_H_
