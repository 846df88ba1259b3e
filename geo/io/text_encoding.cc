#include "geo/io/text_encoding.h"

#include <iconv.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pcnv::io {

bool IsUtf8Name(absl::string_view encoding) {
  const std::string e = absl::AsciiStrToLower(absl::StripAsciiWhitespace(encoding));
  return e.empty() || e == "utf-8" || e == "utf8";
}

namespace {

constexpr char kCommonNames[] = "e.g. utf-8, windows-1252, iso-8859-1, utf-16";

iconv_t OpenIconv(absl::string_view encoding) {
  return iconv_open("UTF-8", std::string(absl::StripAsciiWhitespace(encoding)).c_str());
}

}  // namespace

absl::Status CheckEncoding(absl::string_view encoding, absl::string_view flag) {
  if (IsUtf8Name(encoding)) return absl::OkStatus();
  iconv_t cd = OpenIconv(encoding);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": '", encoding,
                                                   "' is not an encoding this system knows (",
                                                   kCommonNames, "; `iconv -l` lists them all)"));
  }
  iconv_close(cd);
  return absl::OkStatus();
}

struct Transcoder::State {
  iconv_t cd = reinterpret_cast<iconv_t>(-1);
  std::string encoding;
  std::string path;
  std::string carry;     // the start of a character cut by the end of the previous block
  int64_t consumed = 0;  // input bytes converted so far, for error offsets
  ~State() {
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
  }
};

Transcoder::Transcoder(Transcoder&&) noexcept = default;
Transcoder& Transcoder::operator=(Transcoder&&) noexcept = default;
Transcoder::~Transcoder() = default;

absl::StatusOr<Transcoder> Transcoder::Open(absl::string_view encoding, std::string path) {
  if (absl::Status s = CheckEncoding(encoding, "encoding"); !s.ok()) return s;
  Transcoder t;
  t.state_ = std::make_unique<State>();
  t.state_->cd = OpenIconv(encoding);
  t.state_->encoding = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(encoding));
  t.state_->path = std::move(path);
  return t;
}

absl::Status Transcoder::Convert(absl::string_view in, bool last, std::string& out) {
  State& s = *state_;
  std::string input = std::move(s.carry);
  s.carry.clear();
  input.append(in.data(), in.size());
  char* src = input.data();
  size_t src_left = input.size();
  // UTF-8 takes at most 4 bytes for a character any single-byte or UTF-16 encoding holds in 1
  // or 2; grow as needed anyway.
  const size_t start = out.size();
  out.resize(start + input.size() * 2 + 16);
  char* dst = out.data() + start;
  size_t dst_left = out.size() - start;
  while (src_left > 0) {
    const size_t r = iconv(s.cd, &src, &src_left, &dst, &dst_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      const size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      dst_left = out.size() - used;
      continue;
    }
    const int64_t at = s.consumed + static_cast<int64_t>(src - input.data());
    if (errno == EINVAL && !last) {  // a character cut by the end of the block
      s.carry.assign(src, src_left);
      src_left = 0;
      break;
    }
    return absl::InvalidArgumentError(
        absl::StrCat(s.path, ": byte ", at + 1, " is not ", s.encoding, " text",
                     errno == EINVAL ? " (the file ends inside a character)" : "",
                     ": is --input-encoding right?"));
  }
  if (last) {
    // Flush any shift state (stateful encodings).
    iconv(s.cd, nullptr, nullptr, &dst, &dst_left);
  }
  s.consumed += static_cast<int64_t>(input.size() - s.carry.size());
  out.resize(static_cast<size_t>(dst - out.data()));
  return absl::OkStatus();
}

}  // namespace pcnv::io
