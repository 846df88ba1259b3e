// Reference stores published on a web server or in object storage, named by GDAL virtual paths
// (/vsicurl/https://..., /vsis3/bucket/key, /vsigs/..., /vsiaz/...), so every replica of a fleet
// loads the same published store.
//
// Why a whole copy rather than opening the GeoPackage over HTTP range requests: the store is read
// completely on every load anyway; one GET (GDAL's *_streaming file systems) is one consistent
// version of the object, where thousands of range requests could straddle a re-publication and
// mix two versions; and the SHA-256 reported for the snapshot is of exactly the bytes loaded.
// Credentials come from GDAL's usual configuration (AWS_*, GS_*, AZURE_*, GDAL_HTTP_* environment
// variables); they never appear in what is reported (RedactedPath).
#ifndef PCNV_GEO_IO_REMOTE_FILE_H_
#define PCNV_GEO_IO_REMOTE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pcnv::io {

// True for a GDAL network virtual path: /vsicurl/, /vsis3/, /vsigs/, /vsiaz/, /vsiadls/,
// /vsioss/, /vsiswift/ (and their _streaming forms).
bool IsRemotePath(absl::string_view path);

// The path as it may be shown in logs, reports and GetReferenceInfo: a URL's user:password@ and
// query string (pre-signed URLs carry their signature there) are replaced by "***".
std::string RedactedPath(absl::string_view path);

// A remote file copied to a private temporary file (under $TMPDIR, else /tmp), deleted when this
// object is destroyed.
class FetchedFile {
 public:
  FetchedFile(std::string local_path, std::string sha256, int64_t bytes)
      : local_path_(std::move(local_path)), sha256_(std::move(sha256)), bytes_(bytes) {}
  ~FetchedFile();
  FetchedFile(const FetchedFile&) = delete;
  FetchedFile& operator=(const FetchedFile&) = delete;

  const std::string& local_path() const { return local_path_; }
  const std::string& sha256() const { return sha256_; }  // hex, of the bytes copied
  int64_t bytes() const { return bytes_; }

 private:
  std::string local_path_;
  std::string sha256_;
  int64_t bytes_;
};

// Downloads `path` (IsRemotePath) with one streaming GET, hashing it on the way. GDAL's in-process
// cache of remote files (sizes, blocks) is cleared first, so a file re-published under the same
// name is read afresh. Errors name the (redacted) path and say why (GDAL's message, e.g. the HTTP
// status), and a copy shorter than the size the server announced is refused.
absl::StatusOr<std::unique_ptr<FetchedFile>> FetchToTempFile(const std::string& path);

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_REMOTE_FILE_H_
