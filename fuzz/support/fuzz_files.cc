#include "fuzz/support/fuzz_files.h"

#include <cpl_vsi.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace pcnv::fuzz {
namespace {

[[noreturn]] void Fail(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

MemFile::MemFile(std::string_view bytes) {
  fd_ = memfd_create("pcnv-fuzz", MFD_CLOEXEC);
  if (fd_ < 0) Fail("memfd_create");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
    if (n <= 0) Fail("write to memfd");
    done += static_cast<size_t>(n);
  }
  // Readers open the path afresh, which gives them their own offset from the start.
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemFile::~MemFile() { close(fd_); }

VsimemFile::VsimemFile(std::string_view name, std::string_view bytes)
    : path_("/vsimem/pcnv-fuzz/" + std::string(name)) {
  // GDAL takes ownership of a copy (bTakeOwnership), so the file outlives nothing of ours.
  auto* copy = static_cast<GByte*>(VSIMalloc(bytes.empty() ? 1 : bytes.size()));
  if (copy == nullptr) Fail("VSIMalloc");
  if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(copy));
  VSILFILE* f = VSIFileFromMemBuffer(path_.c_str(), copy, bytes.size(), /*bTakeOwnership=*/TRUE);
  if (f == nullptr) Fail("VSIFileFromMemBuffer");
  VSIFCloseL(f);
}

VsimemFile::~VsimemFile() { VSIUnlink(path_.c_str()); }

Split SplitInput(std::string_view data, std::string_view separator) {
  const size_t at = data.find(separator);
  if (at == std::string_view::npos) return {data, {}};
  return {data.substr(0, at), data.substr(at + separator.size())};
}

}  // namespace pcnv::fuzz
