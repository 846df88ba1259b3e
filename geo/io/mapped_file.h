// Internal to geo/io: a whole file mapped read-only into memory (mmap), so that a reader can
// scan it in place instead of copying it through read() into its own buffers.
#ifndef PCNV_GEO_IO_MAPPED_FILE_H_
#define PCNV_GEO_IO_MAPPED_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace pcnv::io {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `path` whole, its pages read ahead (the readers scan it front to back). False, with
  // errno set, when the file cannot be opened or mapped; an empty file maps to empty data.
  bool Open(const std::string& path);
  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }

 private:
  void* addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_MAPPED_FILE_H_
