// UTF-8 checks for text that arrives from outside (CSV fields, GDAL attribute values, JSON
// strings) before it reaches a writer: the JSON, SARIF and protobuf writers all require valid
// UTF-8, so text is checked where it is read and the error can name the file, row and field.
#ifndef PCNV_GEO_UTF8_H_
#define PCNV_GEO_UTF8_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pcnv {

// The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF; the rule nlohmann::json and protobuf
// enforce), or nullopt when all of `text` is UTF-8.
std::optional<size_t> FirstInvalidUtf8(std::string_view text);

// `text` for an error message: well-formed UTF-8 as it is, every other byte as \xHH, and cut to
// about `max_bytes` with "..." so that a 10 MB field does not become a 10 MB message.
std::string EscapeForMessage(std::string_view text, size_t max_bytes = 80);

// Why `text` (which has an invalid byte at `at`, from FirstInvalidUtf8) is refused, in the words
// every reader uses: "'Caf\xE9' is not UTF-8 text: byte 4 is 0xE9 (Windows-1252 or Latin-1?)".
std::string NotUtf8Why(std::string_view text, size_t at);

}  // namespace pcnv

#endif  // PCNV_GEO_UTF8_H_
