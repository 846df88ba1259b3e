// JSON that comes from outside (ruleset and waiver files, a saved report for `pcnv diff`):
// parsed without exceptions escaping, with its nesting bounded, and read through typed accessors
// whose errors name the member by its JSON pointer ("/findings/3/pcn: expected a string, found
// a number") instead of aborting on nlohmann's type_error.
#ifndef PCNV_GEO_IO_JSON_TEXT_H_
#define PCNV_GEO_IO_JSON_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace pcnv::io {

// Deeper nesting than any file pcnv reads has (a report nests 5 deep): refused before parsing,
// since serialising a deeply nested value back (report values are kept as JSON text) recurses
// once per level.
inline constexpr int kMaxJsonDepth = 64;

// INVALID_ARGUMENT "SOURCE: not valid JSON at byte N: <why>" (text that is not UTF-8 included),
// or "SOURCE: nested more than 64 deep at byte N".
absl::StatusOr<nlohmann::json> ParseJson(std::string_view text, std::string_view source);

// Typed access to the members of one JSON object, for lenient readers: a member that is absent
// or null leaves the output as it was; one of the wrong type is an error naming its path.
class JsonObject {
 public:
  // `j` must outlive this. `path` is its JSON pointer ("" for the root, "/pcns/0").
  JsonObject(const nlohmann::json& j, std::string path, std::string_view source)
      : j_(j), path_(std::move(path)), source_(source) {}

  // INVALID_ARGUMENT unless `j` is an object.
  absl::Status IsObject() const;

  bool Has(std::string_view key) const;
  // The member's path: "/findings/3/pcn".
  std::string PathOf(std::string_view key) const;

  absl::Status String(std::string_view key, std::string& out) const;
  // A whole number within [lo, hi].
  absl::Status Int(std::string_view key, int64_t lo, int64_t hi, int64_t& out) const;
  absl::Status Int(std::string_view key, int& out) const;        // 0 .. INT_MAX
  absl::Status Double(std::string_view key, double& out) const;  // finite
  // The member itself, which must be of `type` when present (array or object); null when
  // absent or null.
  absl::StatusOr<const nlohmann::json*> Member(std::string_view key,
                                               nlohmann::json::value_t type) const;

  // The member as an object; nullopt when absent or null, an error when of another type.
  absl::StatusOr<std::optional<JsonObject>> Object(std::string_view key) const;
  // Element `index` of the array member `key` (from Member), as an object: an error unless it
  // is one.
  absl::StatusOr<JsonObject> Element(const nlohmann::json& list, std::string_view key,
                                     size_t index) const;

  // "SOURCE: PATH: why", as INVALID_ARGUMENT.
  absl::Status Error(std::string_view path, std::string_view why) const;

 private:
  const nlohmann::json* Find(std::string_view key) const;
  absl::Status WrongType(std::string_view key, std::string_view expected) const;

  const nlohmann::json& j_;
  std::string path_;
  std::string_view source_;
};

// "a string", "a number", "null", ...: what a JSON value is, for errors.
std::string JsonTypeName(const nlohmann::json& j);

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_JSON_TEXT_H_
