#include "geo/io/file_io.h"

#include <cpl_vsi.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/io/versions.h"

namespace pcnv::io {
namespace {

// One handle type for both kinds of path: VSILFILE for GDAL's virtual file systems, stdio for
// the rest (whose errno gives the person a reason).
struct VsiCloser {
  void operator()(VSILFILE* f) const { VSIFCloseL(f); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

bool IsVirtual(const std::string& path) { return absl::StartsWith(path, "/vsi"); }

std::string CannotOpen(const std::string& path, absl::string_view what, int error) {
  return absl::StrCat(path, ": cannot open", what.empty() ? "" : " ", what, " (",
                      error != 0 ? std::strerror(error) : "no such file", ")");
}

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what) {
  std::string out;
  char buf[1 << 16];
  if (IsVirtual(path)) {
    EnsureGdalRegistered();
    std::unique_ptr<VSILFILE, VsiCloser> f(VSIFOpenL(path.c_str(), "rb"));
    if (f == nullptr) return absl::NotFoundError(CannotOpen(path, what, 0));
    size_t n;
    while ((n = VSIFReadL(buf, 1, sizeof buf, f.get())) > 0) out.append(buf, n);
    return out;
  }
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (f == nullptr) return absl::NotFoundError(CannotOpen(path, what, errno));
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) out.append(buf, n);
  // A directory opens on Linux and fails on the first read (EISDIR).
  if (std::ferror(f.get())) {
    return absl::DataLossError(absl::StrCat(path, ": read error (", std::strerror(errno), ")"));
  }
  return out;
}

absl::Status WriteFile(const std::string& path, std::string_view contents) {
  if (IsVirtual(path)) {
    EnsureGdalRegistered();
    std::unique_ptr<VSILFILE, VsiCloser> f(VSIFOpenL(path.c_str(), "wb"));
    if (f == nullptr) {
      return absl::PermissionDeniedError(absl::StrCat(path, ": cannot open for writing"));
    }
    if (VSIFWriteL(contents.data(), 1, contents.size(), f.get()) != contents.size() ||
        VSIFCloseL(f.release()) != 0) {
      return absl::DataLossError(absl::StrCat(path, ": write failed"));
    }
    return absl::OkStatus();
  }
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "wb"));
  if (f == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot open for writing (", std::strerror(errno), ")"));
  }
  const bool written = std::fwrite(contents.data(), 1, contents.size(), f.get()) == contents.size();
  if (!written || std::fclose(f.release()) != 0) {
    return absl::DataLossError(absl::StrCat(path, ": write failed (", std::strerror(errno), ")"));
  }
  return absl::OkStatus();
}

}  // namespace pcnv::io
