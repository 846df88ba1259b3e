// Random bits for identifiers (request ids, report ids), from one process-wide generator seeded
// once from the OS. A generator per thread would be seeded again for every thread gRPC starts,
// and gRPC starts and ends serving threads as load comes and goes.
#ifndef PCNV_SERVER_RANDOM_BITS_H_
#define PCNV_SERVER_RANDOM_BITS_H_

#include <cstdint>
#include <random>

#include "absl/base/thread_annotations.h"
#include "server/mutex.h"

namespace pcnv::server {

inline uint64_t RandomBits() {
  static Mutex mu;
  static std::mt19937_64 rng ABSL_GUARDED_BY(mu){std::random_device{}()};
  MutexLock lock(mu);
  return rng();
}

}  // namespace pcnv::server

#endif  // PCNV_SERVER_RANDOM_BITS_H_
