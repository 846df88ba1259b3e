#include "geo/io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pcnv::io {
namespace {

// The national distribution extract is about 64 MB.
constexpr size_t kPopulateBytes = size_t{256} << 20;

}  // namespace

MappedFile::~MappedFile() {
  if (addr_ != nullptr) munmap(addr_, size_);
}

bool MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  bool ok = fstat(fd, &st) == 0;
  if (ok && st.st_size > 0) {
    const size_t size = static_cast<size_t>(st.st_size);
    // MAP_POPULATE: the kernel reads the pages in one go rather than on one fault per page. Not
    // for a file bigger than any real extract: a reader refuses a file that is not a CSV within
    // its first MiB, and populating would read all of it (and map it resident) first.
    const int populate = size <= kPopulateBytes ? MAP_POPULATE : 0;
    void* addr = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | populate, fd, 0);
    ok = addr != MAP_FAILED;
    if (ok) {
      if (populate == 0) madvise(addr, size, MADV_SEQUENTIAL);
      addr_ = addr;
      size_ = size;
    }
  }
  ::close(fd);  // the mapping stays valid without the descriptor
  return ok;
}

}  // namespace pcnv::io
