#include "geo/io/file_io.h"

#include <cpl_vsi.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/format.h"
#include "geo/io/versions.h"

namespace pcnv::io {
namespace {

namespace fs = std::filesystem;

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

// What a file that is not a regular file is, for errors.
const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string Reading(absl::string_view what) {
  return what.empty() ? std::string(" file") : absl::StrCat(" as ", what);
}

// "DIR/.NAME.pcnv-PID-N.EXT": hidden, unique in this process and beside the target, so the
// rename stays within one file system.
std::string TemporaryBeside(const std::string& target) {
  static std::atomic<int> counter{0};
  const fs::path p(target);
  const std::string name = absl::StrCat(".", p.stem().string(), ".pcnv-", getpid(), "-",
                                        counter.fetch_add(1), p.extension().string());
  return (p.parent_path() / name).string();
}

// Writes all of `data` to `fd`, through partial writes and signals.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// fsync where the file system has it: a file system without it (EINVAL) has nothing to flush.
bool Sync(int fd) { return ::fsync(fd) == 0 || errno == EINVAL || errno == EROFS; }

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what,
                                     size_t max_bytes) {
  std::string out;
  char buf[1 << 16];
  if (IsVirtual(path)) {
    EnsureGdalRegistered();
    std::unique_ptr<VSILFILE, VsiCloser> f(VSIFOpenL(path.c_str(), "rb"));
    if (f == nullptr) return absl::NotFoundError(CannotOpen(path, what, 0));
    size_t n;
    while ((n = VSIFReadL(buf, 1, sizeof buf, f.get())) > 0) {
      out.append(buf, n);
      if (out.size() > max_bytes) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": is more than ", Grouped(static_cast<int64_t>(max_bytes)),
                         " bytes, the most pcnv reads", Reading(what)));
      }
    }
    return out;
  }
  // Checked before opening (opening a FIFO waits for a writer) and again on the open file, so
  // that what is checked is what is read.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is ", KindOf(st.st_mode), ", not a regular file", Reading(what)));
  }
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (f == nullptr) return absl::NotFoundError(CannotOpen(path, what, errno));
  if (fstat(fileno(f.get()), &st) == 0) {
    // /dev/zero never ends; a FIFO can be read once (pcnv reads option files again to hash
    // them for the report's provenance). Directories fail on the first read, below.
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": is ", KindOf(st.st_mode), ", not a regular file", Reading(what)));
    }
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": is ", Grouped(static_cast<int64_t>(st.st_size)), " bytes, more than the ",
          Grouped(static_cast<int64_t>(max_bytes)), " pcnv reads", Reading(what)));
    }
  }
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    out.append(buf, n);
    if (out.size() > max_bytes) {  // a file that grew while being read
      return absl::InvalidArgumentError(absl::StrCat(path, ": is more than ",
                                                     Grouped(static_cast<int64_t>(max_bytes)),
                                                     " bytes, the most pcnv reads", Reading(what)));
    }
  }
  // A directory opens on Linux and fails on the first read (EISDIR).
  if (std::ferror(f.get())) {
    return absl::DataLossError(absl::StrCat(path, ": read error (", std::strerror(errno), ")"));
  }
  return out;
}

absl::Status CheckOutputPath(const std::string& path, absl::string_view what) {
  if (IsVirtual(path)) return absl::OkStatus();
  if (path.empty()) return absl::InvalidArgumentError("empty output path");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();  // a new file
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot write (", std::strerror(errno), ")"));
  }
  if (S_ISREG(st.st_mode)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": is ", KindOf(st.st_mode), ", not a regular file: give a file name to write",
      what.empty() ? std::string(" to") : absl::StrCat(" ", what, " to")));
}

absl::Status WriteFileInPieces(const std::string& path,
                               absl::FunctionRef<void(PieceSink put)> produce) {
  if (IsVirtual(path)) {
    // GDAL's in-memory files are written whole: there is no disk to spare.
    std::string whole;
    produce([&](std::string_view piece) {
      whole.append(piece);
      return true;
    });
    EnsureGdalRegistered();
    std::unique_ptr<VSILFILE, VsiCloser> f(VSIFOpenL(path.c_str(), "wb"));
    if (f == nullptr) {
      return absl::PermissionDeniedError(absl::StrCat(path, ": cannot open for writing"));
    }
    if (VSIFWriteL(whole.data(), 1, whole.size(), f.get()) != whole.size() ||
        VSIFCloseL(f.release()) != 0) {
      return absl::DataLossError(absl::StrCat(path, ": write failed"));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<ReplaceFile> out = ReplaceFile::Begin(path);
  if (!out.ok()) return out.status();
  int fd = ::open(out->temporary().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot open for writing (", std::strerror(errno), ")"));
  }
  struct Closer {  // on every way out, a producer that throws included
    int& fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } closer{fd};
  // Small pieces are gathered into writes of about a mebibyte; a large one goes straight out.
  constexpr size_t kWriteBytes = size_t{1} << 20;
  std::string buffer;
  int write_errno = 0;  // the first failed write's; the rest are skipped
  auto write = [&](std::string_view data) {
    if (write_errno == 0 && !WriteAll(fd, data)) write_errno = errno != 0 ? errno : EIO;
  };
  produce([&](std::string_view piece) {
    if (write_errno != 0) return false;
    if (buffer.size() + piece.size() > kWriteBytes) {
      write(buffer);
      buffer.clear();
    }
    if (piece.size() >= kWriteBytes) {
      write(piece);
    } else {
      if (buffer.capacity() < kWriteBytes) buffer.reserve(kWriteBytes);
      buffer.append(piece);
    }
    return write_errno == 0;
  });
  write(buffer);
  if (write_errno == 0 && !Sync(fd)) write_errno = errno;
  const int closed = ::close(std::exchange(fd, -1));
  if (closed != 0 && write_errno == 0) write_errno = errno;
  if (write_errno != 0) {
    return absl::DataLossError(
        absl::StrCat(path, ": write failed (", std::strerror(write_errno), ")"));
  }
  return out->Commit();
}

absl::Status WriteFile(const std::string& path, std::string_view contents) {
  return WriteFileInPieces(path, [&](PieceSink put) { put(contents); });
}

absl::StatusOr<ReplaceFile> ReplaceFile::Begin(const std::string& target, absl::string_view what) {
  if (absl::Status s = CheckOutputPath(target, what); !s.ok()) return s;
  if (IsVirtual(target)) {
    ReplaceFile f(target, target);
    f.done_ = true;
    return f;
  }
  return ReplaceFile(target, TemporaryBeside(target));
}

ReplaceFile::ReplaceFile(ReplaceFile&& other) noexcept
    : target_(std::move(other.target_)),
      temporary_(std::move(other.temporary_)),
      done_(other.done_) {
  other.done_ = true;
}

ReplaceFile::~ReplaceFile() {
  if (!done_) {
    std::error_code ec;
    fs::remove(temporary_, ec);  // nothing to report: the write already failed
  }
}

absl::Status ReplaceFile::Commit() {
  if (done_) return absl::OkStatus();
  // The writer closed the file; flush it to disk before it replaces the target, so a crash
  // cannot leave an empty file where the old one was.
  const int fd = ::open(temporary_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || !Sync(fd)) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    return absl::DataLossError(
        absl::StrCat(target_, ": write failed (", std::strerror(error), ")"));
  }
  ::close(fd);
  // The target may have become something else while it was written.
  if (absl::Status s = CheckOutputPath(target_); !s.ok()) return s;
  if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
    return absl::DataLossError(
        absl::StrCat(target_, ": cannot replace it (", std::strerror(errno), ")"));
  }
  done_ = true;
  return absl::OkStatus();
}

}  // namespace pcnv::io
