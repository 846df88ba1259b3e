#include "fuzz/support/fuzz_target.h"

namespace pcnv::fuzz {
namespace {

// A function-local static: registration runs during other files' static initialisation, in no
// particular order, so the list must exist before the first RegisterTarget call.
std::vector<FuzzTarget>& Registry() {
  static auto* targets = new std::vector<FuzzTarget>();
  return *targets;
}

}  // namespace

bool RegisterTarget(const FuzzTarget& target) {
  Registry().push_back(target);
  return true;
}

const std::vector<FuzzTarget>& Targets() { return Registry(); }

}  // namespace pcnv::fuzz
