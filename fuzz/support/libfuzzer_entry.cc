// libFuzzer's entry points for a binary that links exactly one target (fuzz/CMakeLists.txt).
#include <cstdio>
#include <cstdlib>

#include "fuzz/support/fuzz_target.h"

namespace {

const pcnv::fuzz::FuzzTarget& TheTarget() {
  const auto& targets = pcnv::fuzz::Targets();
  if (targets.size() != 1) {
    std::fprintf(stderr, "fuzz binary: %zu targets registered, expected exactly 1\n",
                 targets.size());
    std::abort();
  }
  return targets.front();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  if (TheTarget().init != nullptr) TheTarget().init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return TheTarget().test_one(data, size);
}
