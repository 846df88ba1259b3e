// Reading and writing whole files: the one place every reader and writer goes through, so that
// each refusal has the same shape ("PATH: cannot open the ruleset (No such file or directory)").
// Paths under GDAL's virtual file systems (/vsimem/, /vsizip/, /vsicurl/, ...) go through GDAL,
// so a writer can render into an in-memory buffer (the server returns outputs that way) and a
// reader can take a published file without a local copy.
//
// Writers never leave a half-written file in place of a good one: a file is written beside its
// target under a temporary name, checked (every write, the flush to disk and the close), and
// only then renamed over the target. A target that exists and is not a regular file (a device
// such as /dev/full, a directory, a FIFO) is refused before anything is written.
#ifndef PCNV_GEO_IO_FILE_IO_H_
#define PCNV_GEO_IO_FILE_IO_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pcnv::io {

// The most ReadFile reads unless told otherwise: far more than any token, certificate or
// option file, and far less than /dev/zero.
inline constexpr size_t kDefaultMaxReadBytes = size_t{64} << 20;

// The whole file. NOT_FOUND "PATH: cannot open WHAT (reason)" when it cannot be opened (WHAT is
// what the caller calls the file: "the ruleset", "the tokens file"; empty: left out), DATA_LOSS
// "PATH: read error" when reading fails part-way, and INVALID_ARGUMENT before reading anything
// when the path is a device, FIFO or socket ("is not a regular file") or the file is larger than
// `max_bytes` ("is N bytes, more than the M pcnv reads as WHAT").
absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what = "",
                                     size_t max_bytes = kDefaultMaxReadBytes);

// OK when `path` may be written: it does not exist, or it is a regular file (or a symbolic link
// to one). Else INVALID_ARGUMENT "PATH: is a directory|a device|..., not a regular file: give a
// file name to write WHAT to". Virtual (/vsi...) paths are always OK.
absl::Status CheckOutputPath(const std::string& path, absl::string_view what = "");

// Replaces the file with `contents`, atomically (above). INVALID_ARGUMENT from CheckOutputPath,
// PERMISSION_DENIED "PATH: cannot open for writing (reason)", DATA_LOSS "PATH: write failed
// (reason)" (a full disk, say); after a failure the target is as it was.
absl::Status WriteFile(const std::string& path, std::string_view contents);

// The same for a file made piece by piece, for outputs too large to hold whole first (a national
// report): `produce` hands each piece to `put`, in order, which returns false once a write has
// failed (the producer may stop early then; the error is returned all the same).
using PieceSink = absl::FunctionRef<bool(std::string_view piece)>;
absl::Status WriteFileInPieces(const std::string& path,
                               absl::FunctionRef<void(PieceSink put)> produce);

// For writers that create their files themselves (GDAL's drivers): a path beside `target` to
// write instead, which Commit renames over `target` and the destructor removes if Commit was not
// reached (or failed). Virtual paths are written directly: temporary() is the target then.
class ReplaceFile {
 public:
  // Fails as CheckOutputPath does.
  static absl::StatusOr<ReplaceFile> Begin(const std::string& target, absl::string_view what = "");
  ReplaceFile(ReplaceFile&& other) noexcept;
  ReplaceFile& operator=(ReplaceFile&&) = delete;
  ReplaceFile(const ReplaceFile&) = delete;
  ~ReplaceFile();

  // Where to write: "DIR/.NAME.pcnv-PID-N.EXT", keeping the target's extension (GDAL's drivers
  // look at it).
  const std::string& temporary() const { return temporary_; }
  // Flushes the written file to disk and renames it over the target.
  absl::Status Commit();

 private:
  ReplaceFile(std::string target, std::string temporary)
      : target_(std::move(target)), temporary_(std::move(temporary)) {}
  std::string target_;
  std::string temporary_;
  bool done_ = false;  // committed, or nothing left to remove
};

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_FILE_IO_H_
