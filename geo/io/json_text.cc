#include "geo/io/json_text.h"

#include <climits>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "geo/utf8.h"

namespace pcnv::io {
namespace {

using nlohmann::json;

std::string S(std::string_view s) { return std::string(s); }

// The offset of the first bracket nested deeper than `max_depth`, or npos.
size_t TooDeep(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

// A JSON pointer token: "~" and "/" escaped (RFC 6901).
std::string PointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string JsonTypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "not a JSON value";
  }
}

absl::StatusOr<json> ParseJson(std::string_view text, std::string_view source) {
  if (const size_t at = TooDeep(text, kMaxJsonDepth); at != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(S(source), ": nested more than ", kMaxJsonDepth, " deep at byte ", at + 1));
  }
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error ...":
    // the byte offset says where; the reason is the part after the library's prefix, with any
    // bytes that are not UTF-8 (nlohmann quotes the text it last read) escaped.
    std::string_view why = e.what();
    if (const size_t colon = why.find(": ");
        colon != std::string_view::npos && why.substr(0, 15) == "[json.exception") {
      why.remove_prefix(colon + 2);
    }
    return absl::InvalidArgumentError(absl::StrCat(S(source), ": not valid JSON at byte ", e.byte,
                                                   ": ", EscapeForMessage(why, 300)));
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(S(source), ": not valid JSON: ", EscapeForMessage(e.what(), 300)));
  }
}

absl::Status JsonObject::Error(std::string_view path, std::string_view why) const {
  return absl::InvalidArgumentError(
      absl::StrCat(S(source_), ": ", path.empty() ? "/" : S(path), ": ", S(why)));
}

absl::Status JsonObject::IsObject() const {
  if (j_.is_object()) return absl::OkStatus();
  return Error(path_, absl::StrCat("expected an object, found ", JsonTypeName(j_)));
}

const json* JsonObject::Find(std::string_view key) const {
  if (!j_.is_object()) return nullptr;
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonObject::Has(std::string_view key) const { return Find(key) != nullptr; }

std::string JsonObject::PathOf(std::string_view key) const {
  return absl::StrCat(path_, "/", PointerToken(key));
}

absl::Status JsonObject::WrongType(std::string_view key, std::string_view expected) const {
  return Error(PathOf(key),
               absl::StrCat("expected ", S(expected), ", found ", JsonTypeName(*Find(key))));
}

absl::Status JsonObject::String(std::string_view key, std::string& out) const {
  const json* v = Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return WrongType(key, "a string");
  out = v->get<std::string>();
  return absl::OkStatus();
}

absl::Status JsonObject::Int(std::string_view key, int64_t lo, int64_t hi, int64_t& out) const {
  const json* v = Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (v->is_number_integer()) {
    // number_unsigned above INT64_MAX reads back wrapped: compare as unsigned first.
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(hi)) {
      return Error(PathOf(key), absl::StrCat(v->get<uint64_t>(), " is more than ", hi));
    }
    const int64_t n = v->get<int64_t>();
    if (n < lo || n > hi) {
      return Error(PathOf(key), absl::StrCat(n, " is outside ", lo, " to ", hi));
    }
    out = n;
    return absl::OkStatus();
  }
  if (v->is_number_float()) {
    const double d = v->get<double>();
    // A whole number written as 12.0 is taken; anything else is not a count.
    if (!(d == std::floor(d) && d >= static_cast<double>(lo) && d <= static_cast<double>(hi))) {
      return Error(PathOf(key), absl::StrCat(d, " is not a whole number from ", lo, " to ", hi));
    }
    out = static_cast<int64_t>(d);
    return absl::OkStatus();
  }
  return WrongType(key, "a whole number");
}

absl::Status JsonObject::Int(std::string_view key, int& out) const {
  int64_t n = out;
  if (absl::Status s = Int(key, 0, INT_MAX, n); !s.ok()) return s;
  out = static_cast<int>(n);
  return absl::OkStatus();
}

absl::Status JsonObject::Double(std::string_view key, double& out) const {
  const json* v = Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_number()) return WrongType(key, "a number");
  const double d = v->get<double>();
  if (!std::isfinite(d)) return Error(PathOf(key), "is not a finite number");
  out = d;
  return absl::OkStatus();
}

absl::StatusOr<const json*> JsonObject::Member(std::string_view key, json::value_t type) const {
  const json* v = Find(key);
  if (v == nullptr) return nullptr;
  if (v->type() != type) {
    return WrongType(key, type == json::value_t::array ? "an array" : "an object");
  }
  return v;
}

absl::StatusOr<std::optional<JsonObject>> JsonObject::Object(std::string_view key) const {
  const json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) return WrongType(key, "an object");
  return std::optional<JsonObject>(JsonObject(*v, PathOf(key), source_));
}

absl::StatusOr<JsonObject> JsonObject::Element(const json& list, std::string_view key,
                                               size_t index) const {
  JsonObject o(list[index], absl::StrCat(PathOf(key), "/", index), source_);
  if (absl::Status s = o.IsObject(); !s.ok()) return s;
  return o;
}

}  // namespace pcnv::io
