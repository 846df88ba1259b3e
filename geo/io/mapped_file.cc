#include "geo/io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pcnv::io {

MappedFile::~MappedFile() {
  if (addr_ != nullptr) munmap(addr_, size_);
}

bool MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  bool ok = fstat(fd, &st) == 0;
  if (ok && st.st_size > 0) {
    // MAP_POPULATE: the kernel reads the pages in one go rather than on one fault per page.
    void* addr = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                      MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ok = addr != MAP_FAILED;
    if (ok) {
      addr_ = addr;
      size_ = static_cast<size_t>(st.st_size);
    }
  }
  ::close(fd);  // the mapping stays valid without the descriptor
  return ok;
}

}  // namespace pcnv::io
