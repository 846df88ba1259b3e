// Text files in an encoding other than UTF-8 (a CSV saved by Excel on Windows is Windows-1252),
// transcoded to UTF-8 as they are read, with glibc's iconv. Everything pcnv reads is checked to
// be UTF-8 (geo/utf8.h); naming the encoding is how a user gets such a file read.
#ifndef PCNV_GEO_IO_TEXT_ENCODING_H_
#define PCNV_GEO_IO_TEXT_ENCODING_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pcnv::io {

// True for "", "utf-8", "UTF8" and the like: text that needs no transcoding.
bool IsUtf8Name(absl::string_view encoding);

// Checks that iconv knows `encoding` (INVALID_ARGUMENT naming `flag` and listing common names).
absl::Status CheckEncoding(absl::string_view encoding, absl::string_view flag);

// Converts a stream of bytes, in blocks, from one encoding to UTF-8. A multi-byte character cut
// by a block boundary is held until the next block.
class Transcoder {
 public:
  // `encoding` as iconv names it ("WINDOWS-1252", "ISO-8859-1", "UTF-16"); `path` for errors.
  static absl::StatusOr<Transcoder> Open(absl::string_view encoding, std::string path);
  Transcoder(Transcoder&&) noexcept;
  Transcoder& operator=(Transcoder&&) noexcept;
  ~Transcoder();

  // Appends the UTF-8 for `in` (after what an earlier block left over) to `out`. `last`: no
  // more input follows, so an incomplete character at the end is an error. `offset` is where
  // `in` starts in the file, for errors: "PATH: byte 1234 is not WINDOWS-1252 text".
  absl::Status Convert(absl::string_view in, bool last, std::string& out);

 private:
  Transcoder() = default;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_TEXT_ENCODING_H_
