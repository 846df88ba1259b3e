// Data parallelism for the engine's independent loops (per area, per PCN). GEOS contexts are
// per thread (geos_handle.h), so a loop body may call GEOS freely, as long as it only reads
// shared geometries and writes its own outputs. Prepared geometries build their indexes lazily
// and must not be shared between threads: keep them per thread, using the thread index.
#ifndef PCNV_GEO_PARALLEL_H_
#define PCNV_GEO_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace pcnv {

// Threads the engine uses: the machine's hardware threads, or PCNV_THREADS when set (>= 1).
int ThreadCount();

// Runs fn(thread, begin, end) over chunks of [0, n) of at most `chunk` items, handed out in
// order to up to ThreadCount() threads; thread is in [0, ThreadCount()). The calling thread is
// thread 0. When `stop` is given (called on thread 0 only, before each of its chunks) and returns
// true, no further chunk starts on any thread; returns false then. The same when the calling
// thread's stop token (geo/stop_token.h) stops; the workers run with that token as theirs.
bool ParallelFor(size_t n, size_t chunk,
                 const std::function<void(int thread, size_t begin, size_t end)>& fn,
                 const std::function<bool()>& stop = nullptr);

}  // namespace pcnv

#endif  // PCNV_GEO_PARALLEL_H_
