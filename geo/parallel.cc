#include "geo/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "geo/stop_token.h"

namespace pcnv {

int ThreadCount() {
  static const int count = [] {
    if (const char* env = std::getenv("PCNV_THREADS")) {
      int n = std::atoi(env);
      if (n >= 1) return n;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }();
  return count;
}

bool ParallelFor(size_t n, size_t chunk,
                 const std::function<void(int thread, size_t begin, size_t end)>& fn,
                 const std::function<bool()>& stop) {
  if (n == 0) return true;
  chunk = std::max<size_t>(chunk, 1);
  const size_t chunks = (n + chunk - 1) / chunk;
  const int threads = static_cast<int>(std::min<size_t>(ThreadCount(), chunks));
  std::atomic<size_t> next{0};
  std::atomic<bool> stopped{false};
  // The caller's stop token (geo/stop_token.h) is every worker's too, so that GEOS work on any
  // of them gives up when it stops, and no worker starts another chunk after.
  const StopToken* token = CurrentStopToken();
  auto work = [&](int thread) {
    ScopedStopToken scope(token);
    while (!stopped.load(std::memory_order_relaxed)) {
      if (token != nullptr && token->Stopped()) {
        stopped = true;
        break;
      }
      // Only the calling thread asks `stop` (it may not be safe to call concurrently, e.g. a
      // server's cancellation check); the others see the flag before their next chunk.
      if (thread == 0 && stop && stop()) {
        stopped = true;
        break;
      }
      const size_t begin = next.fetch_add(chunk);
      if (begin >= n) break;
      fn(thread, begin, std::min(n, begin + chunk));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& t : pool) t.join();
  return !stopped;
}

}  // namespace pcnv
