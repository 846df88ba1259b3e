// Handing a fuzz input to a reader that takes a path, without touching the disk:
//  - MemFile: an anonymous memory file (memfd_create) named /proc/self/fd/N, for readers that
//    open paths with stdio or std::filesystem (the CSV readers, SHA-256 of inputs);
//  - VsimemFile: a GDAL /vsimem/ file, for readers that open through GDAL or io::ReadFile.
#ifndef PCNV_FUZZ_SUPPORT_FUZZ_FILES_H_
#define PCNV_FUZZ_SUPPORT_FUZZ_FILES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pcnv::fuzz {

class MemFile {
 public:
  explicit MemFile(std::string_view bytes);
  MemFile(const uint8_t* data, size_t size)
      : MemFile(std::string_view(reinterpret_cast<const char*>(data), size)) {}
  ~MemFile();
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

class VsimemFile {
 public:
  // `name` is the file name under /vsimem/pcnv-fuzz/ (its extension guides GDAL's drivers).
  VsimemFile(std::string_view name, std::string_view bytes);
  ~VsimemFile();
  VsimemFile(const VsimemFile&) = delete;
  VsimemFile& operator=(const VsimemFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// For inputs that a target reads through both kinds at once (two files in one input): splits
// `data` at the first occurrence of `separator`; without one, everything is the first part.
struct Split {
  std::string_view first;
  std::string_view second;
};
Split SplitInput(std::string_view data, std::string_view separator);

}  // namespace pcnv::fuzz

#endif  // PCNV_FUZZ_SUPPORT_FUZZ_FILES_H_
