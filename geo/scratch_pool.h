// Reusable per-call buffers shared by all threads: a call takes one, uses it, gives it back.
//
// thread_local buffers would do the same while threads live long, but a server's threads do not:
// gRPC's sync server starts and ends a thread for about every call under concurrent load, and a
// fresh thread would allocate and zero its buffers (sized to the snapshot's areas) again. The pool
// holds as many buffers as calls ever ran at once, and they keep their capacity.
#ifndef PCNV_GEO_SCRATCH_POOL_H_
#define PCNV_GEO_SCRATCH_POOL_H_

#include <memory>
#include <mutex>
#include <vector>

namespace pcnv {

template <typename T>
class ScratchPool {
 public:
  // A buffer on loan; returned to the pool when the lease ends.
  class Lease {
   public:
    explicit Lease(ScratchPool& pool) : pool_(pool), item_(pool.Take()) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.Give(std::move(item_)); }
    T& operator*() { return *item_; }
    T* operator->() { return item_.get(); }

   private:
    ScratchPool& pool_;
    std::unique_ptr<T> item_;
  };

 private:
  std::unique_ptr<T> Take() {
    {
      const std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<T> item = std::move(free_.back());
        free_.pop_back();
        return item;
      }
    }
    return std::make_unique<T>();
  }
  void Give(std::unique_ptr<T> item) {
    const std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(item));
  }

  // std::mutex, not absl::Mutex: ThreadSanitizer sees its synchronisation (geo/stop_token.h).
  std::mutex mu_;
  std::vector<std::unique_ptr<T>> free_;
};

}  // namespace pcnv

#endif  // PCNV_GEO_SCRATCH_POOL_H_
