#include "geo/io/remote_file.h"

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/io/gdal_util.h"

namespace pcnv::io {
namespace {

// Each network file system GDAL has, and the streaming twin that reads it with one GET (empty:
// none; the file is read with range requests).
struct RemoteFs {
  absl::string_view prefix;
  absl::string_view streaming;
};
constexpr std::array<RemoteFs, 7> kRemoteFs = {{
    {"/vsicurl/", "/vsicurl_streaming/"},
    {"/vsis3/", "/vsis3_streaming/"},
    {"/vsigs/", "/vsigs_streaming/"},
    {"/vsiaz/", "/vsiaz_streaming/"},
    {"/vsioss/", "/vsioss_streaming/"},
    {"/vsiswift/", "/vsiswift_streaming/"},
    {"/vsiadls/", ""},
}};

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

struct VsiCloser {
  void operator()(VSILFILE* f) const { VSIFCloseL(f); }
};

// The path to read with one GET: the streaming twin of `path`'s file system when it has one.
std::string StreamingPath(const std::string& path) {
  for (const RemoteFs& fs : kRemoteFs) {
    if (!fs.streaming.empty() && absl::StartsWith(path, fs.prefix)) {
      return absl::StrCat(fs.streaming, path.substr(fs.prefix.size()));
    }
  }
  return path;  // already a _streaming path, or /vsiadls/
}

// The non-streaming twin, for VSIStatExL (a HEAD request: existence and size).
std::string RandomAccessPath(const std::string& path) {
  for (const RemoteFs& fs : kRemoteFs) {
    if (!fs.streaming.empty() && absl::StartsWith(path, fs.streaming)) {
      return absl::StrCat(fs.prefix, path.substr(fs.streaming.size()));
    }
  }
  return path;
}

}  // namespace

bool IsRemotePath(absl::string_view path) {
  for (const RemoteFs& fs : kRemoteFs) {
    if (absl::StartsWith(path, fs.prefix) ||
        (!fs.streaming.empty() && absl::StartsWith(path, fs.streaming))) {
      return true;
    }
  }
  return false;
}

std::string RedactedPath(absl::string_view path) {
  std::string out(path);
  // A query string (a pre-signed URL's signature, /vsicurl?url=...&header=...) goes whole.
  if (const size_t q = out.find('?'); q != std::string::npos) out.replace(q + 1, out.npos, "***");
  // user:password@ in scheme://user:password@host/...
  if (const size_t scheme = out.find("://"); scheme != std::string::npos) {
    const size_t host = scheme + 3;
    const size_t slash = out.find('/', host);
    const size_t at = out.find('@', host);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      out.replace(host, at - host, "***");
    }
  }
  return out;
}

FetchedFile::~FetchedFile() {
  std::error_code ec;
  std::filesystem::remove(local_path_, ec);  // best effort: it is a private temporary file
}

absl::StatusOr<std::unique_ptr<FetchedFile>> FetchToTempFile(const std::string& path) {
  const std::string shown = RedactedPath(path);
  gdal::QuietErrors quiet;
  // Forget what GDAL remembers about remote files (sizes, cached blocks, directory listings):
  // a reload must see the object as published now, not as it was at the last load.
  VSICurlClearCache();
  CPLErrorReset();
  VSIStatBufL stat{};
  if (VSIStatExL(RandomAccessPath(path).c_str(), &stat,
                 VSI_STAT_EXISTS_FLAG | VSI_STAT_SIZE_FLAG | VSI_STAT_SET_ERROR_FLAG) != 0) {
    // GDAL names the URL in some messages (connection errors): redacted like the path.
    return absl::NotFoundError(absl::StrCat(
        shown, ": cannot fetch: ",
        RedactedPath(gdal::LastError("not found (HTTP 404: no such file or object)"))));
  }
  std::unique_ptr<VSILFILE, VsiCloser> in(VSIFOpenExL(StreamingPath(path).c_str(), "rb", TRUE));
  if (in == nullptr) {
    return absl::UnavailableError(
        absl::StrCat(shown, ": cannot fetch: ", RedactedPath(gdal::LastError("cannot open"))));
  }

  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string name = (dir / "pcnv-reference-XXXXXX.gpkg").string();
  const int fd = mkstemps(name.data(), 5);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat(shown, ": cannot create a temporary copy in ",
                                            dir.string(), ": ", std::strerror(errno)));
  }
  // From here the file is deleted on every path out but success.
  struct RemoveUnlessKept {
    const std::string& path;
    bool keep = false;
    ~RemoveUnlessKept() {
      std::error_code ignored;
      if (!keep) std::filesystem::remove(path, ignored);
    }
  } guard{name};
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  int64_t total = 0;
  std::string write_error;
  while (true) {
    const size_t n = VSIFReadL(buf.data(), 1, buf.size(), in.get());
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), n);
    for (size_t done = 0; done < n && write_error.empty();) {
      const ssize_t w = write(fd, buf.data() + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) write_error = std::strerror(errno);
      done += w > 0 ? static_cast<size_t>(w) : 0;
    }
    if (!write_error.empty()) break;
    total += static_cast<int64_t>(n);
  }
  // GDAL 3.6 has no VSIFErrorL: a read that stopped before the end, or left an error, failed.
  const bool read_error = VSIFEofL(in.get()) == 0 || CPLGetLastErrorType() >= CE_Failure;
  close(fd);
  if (!write_error.empty()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(shown, ": cannot write its temporary copy ", name, ": ", write_error));
  }
  if (read_error) {
    return absl::UnavailableError(absl::StrCat(shown, ": download failed after ", total, " bytes: ",
                                               RedactedPath(gdal::LastError("read error"))));
  }
  if (stat.st_size > 0 && total != static_cast<int64_t>(stat.st_size)) {
    return absl::UnavailableError(absl::StrFormat(
        "%s: download incomplete: got %d bytes, the server announced %d (was it re-published "
        "during the download? the next reload reads it again)",
        shown, total, static_cast<int64_t>(stat.st_size)));
  }
  if (total == 0) return absl::InvalidArgumentError(absl::StrCat(shown, ": the file is empty"));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  guard.keep = true;  // FetchedFile owns it now
  return std::make_unique<FetchedFile>(name, hex, total);
}

}  // namespace pcnv::io
