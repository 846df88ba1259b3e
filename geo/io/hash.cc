// Sha256OfPath: provenance hashes for reports and reference stores (OpenSSL EVP).
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/io/readers.h"

namespace pcnv::io {
namespace {
namespace fs = std::filesystem;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

absl::Status HashFile(EVP_MD_CTX* ctx, const std::string& path, const std::atomic<bool>* cancel) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open for reading"));
  // 64 KiB at a time: as fast as larger reads through the stream's own buffer, and not a
  // zeroed mebibyte per file (which cost the fuzzers a third of their time in page faults).
  std::vector<char> buf(size_t{64} << 10);
  while (in) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return absl::CancelledError(absl::StrCat(path, ": hash abandoned"));
    }
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat(path, ": read error"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> Sha256OfPath(const std::string& path, const std::atomic<bool>* cancel) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& e : fs::directory_iterator(path, ec)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    if (ec) return absl::InvalidArgumentError(absl::StrCat(path, ": ", ec.message()));
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    for (const fs::path& file : files) {
      // Name and size before the bytes, so that moving bytes between files changes the hash.
      std::string header =
          absl::StrCat(file.filename().string(), "\n", fs::file_size(file, ec), "\n");
      EVP_DigestUpdate(ctx.get(), header.data(), header.size());
      if (absl::Status s = HashFile(ctx.get(), file.string(), cancel); !s.ok()) return s;
    }
  } else if (absl::Status s = HashFile(ctx.get(), path, cancel); !s.ok()) {
    return s;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

}  // namespace pcnv::io
