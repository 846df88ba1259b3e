// How the bench programs fail: "<program>: <message>" on stderr and exit code 2 (run.sh prints
// the log and stops). One copy for pcnv-bench-workload, -national, -micro and -load.
#ifndef PCNV_BENCH_FAIL_H_
#define PCNV_BENCH_FAIL_H_

#include <errno.h>  // program_invocation_short_name (glibc)

#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/status/statusor.h"

namespace pcnv::bench {

[[noreturn]] inline void Die(const std::string& msg) {
  std::cerr << program_invocation_short_name << ": " << msg << "\n";
  std::exit(2);
}

// The value, or Die with the status's message.
template <typename T>
T Check(absl::StatusOr<T> v) {
  if (!v.ok()) Die(std::string(v.status().message()));
  return *std::move(v);
}

}  // namespace pcnv::bench

#endif  // PCNV_BENCH_FAIL_H_
