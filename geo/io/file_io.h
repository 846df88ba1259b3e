// Reading and writing whole files: the one place every reader and writer goes through, so that
// each refusal has the same shape ("PATH: cannot open the ruleset (No such file or directory)").
// Paths under GDAL's virtual file systems (/vsimem/, /vsizip/, /vsicurl/, ...) go through GDAL,
// so a writer can render into an in-memory buffer (the server returns outputs that way) and a
// reader can take a published file without a local copy.
#ifndef PCNV_GEO_IO_FILE_IO_H_
#define PCNV_GEO_IO_FILE_IO_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pcnv::io {

// The whole file. NOT_FOUND "PATH: cannot open WHAT (reason)" when it cannot be opened (WHAT is
// what the caller calls the file: "the ruleset", "the tokens file"; empty: left out), and
// DATA_LOSS "PATH: read error" when reading fails part-way.
absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what = "");

// Replaces the file with `contents`. PERMISSION_DENIED "PATH: cannot open for writing (reason)",
// DATA_LOSS "PATH: write failed" (a full disk, say).
absl::Status WriteFile(const std::string& path, std::string_view contents);

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_FILE_IO_H_
