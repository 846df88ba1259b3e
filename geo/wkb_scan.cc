#include "geo/wkb_scan.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <iterator>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pcnv {
namespace {

// A bounds-checked reader over the bytes; the first problem found is kept in `error`.
class Walker {
 public:
  explicit Walker(std::string_view bytes) : bytes_(bytes) {}

  // Adds the geometry starting here (and its members) to `shape`; false on malformed input.
  bool Geometry(int depth, WkbShape& shape) {
    if (depth > kMaxWkbNesting) {
      return Fail(absl::StrCat("collections nested more than ", kMaxWkbNesting, " deep"));
    }
    if (depth > shape.depth) shape.depth = depth;
    ++shape.parts;
    uint8_t order = 0;
    if (!Byte(&order)) return false;
    if (order > 1) return Fail(absl::StrCat("byte order ", order, " is neither 0 nor 1"));
    little_ = order == 1;
    uint32_t type = 0;
    if (!U32(&type, "geometry type")) return false;
    // EWKB flags (PostGIS) as well as ISO's thousands.
    int dims = 2;
    if (type & 0x80000000u) ++dims;
    if (type & 0x40000000u) ++dims;
    if (type & 0x20000000u) {  // an SRID follows
      uint32_t srid = 0;
      if (!U32(&srid, "SRID")) return false;
    }
    const uint32_t code = type & 0x0fffffffu;
    const uint32_t iso_dims = code / 1000;
    if (iso_dims > 3) return Fail(absl::StrCat("unknown geometry type ", code));
    dims += iso_dims == 3 ? 2 : iso_dims > 0 ? 1 : 0;
    if (dims > 4) return Fail(absl::StrCat("geometry type ", type, " has more than 4 dimensions"));
    switch (code % 1000) {
      case 1:  // Point
        ++shape.vertices;
        return Coordinates(1, dims, "point coordinates", shape);
      case 2:  // LineString
      case 8:  // CircularString
        return Points(dims, shape);
      case 3:     // Polygon
      case 17: {  // Triangle
        uint32_t rings = 0;
        if (!Count(&rings, 4, "ring count")) return false;
        for (uint32_t i = 0; i < rings; ++i) {
          ++shape.parts;
          if (!Points(dims, shape)) return false;
        }
        return true;
      }
      case 4:
      case 5:
      case 6:
      case 7:  // Multi*, GeometryCollection
      case 9:
      case 10:
      case 11:
      case 12:
      case 15:
      case 16: {  // curves, surfaces, TIN
        uint32_t members = 0;
        if (!Count(&members, 5, "member count")) return false;
        for (uint32_t i = 0; i < members; ++i) {
          if (!Geometry(depth + 1, shape)) return false;
        }
        return true;
      }
      default:
        return Fail(absl::StrCat("unknown geometry type ", code));
    }
  }

  size_t position() const { return pos_; }
  size_t size() const { return bytes_.size(); }
  const std::string& error() const { return error_; }
  size_t error_at() const { return error_at_; }

 private:
  bool Fail(std::string why) {
    error_ = std::move(why);
    error_at_ = pos_;
    return false;
  }
  size_t Remaining() const { return bytes_.size() - pos_; }
  bool Byte(uint8_t* out) {
    if (Remaining() < 1) return Fail("truncated before a byte order mark");
    *out = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool U32(uint32_t* out, const char* what) {
    if (Remaining() < 4) return Fail(absl::StrCat("truncated in the ", what));
    const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data() + pos_);
    *out = little_ ? (p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24)
                   : (p[3] | p[2] << 8 | p[1] << 16 | static_cast<uint32_t>(p[0]) << 24);
    pos_ += 4;
    return true;
  }
  // A count of items of at least `min_bytes` each: no more than the bytes left can hold, so
  // that a lying count is refused here rather than allocated for by GEOS.
  bool Count(uint32_t* out, size_t min_bytes, const char* what) {
    if (!U32(out, what)) return false;
    if (*out > Remaining() / min_bytes) {
      return Fail(
          absl::StrCat(what, " ", *out, " is more than the ", Remaining(), " bytes left can hold"));
    }
    return true;
  }
  bool Points(int dims, WkbShape& shape) {
    uint32_t n = 0;
    if (!Count(&n, size_t{8} * dims, "point count")) return false;
    shape.vertices += n;
    return Coordinates(n, dims, "coordinates", shape);
  }
  // `n` points of `dims` doubles; their x and y go into the shape's box.
  bool Coordinates(size_t n, int dims, const char* what, WkbShape& shape) {
    const size_t stride = size_t{8} * dims;
    if (n > Remaining() / stride) return Fail(absl::StrCat("truncated in the ", what));
    for (size_t i = 0; i < n; ++i) {
      const double x = Double(pos_ + i * stride), y = Double(pos_ + i * stride + 8);
      if (!std::isfinite(x) || !std::isfinite(y)) {
        shape.non_finite = true;
        continue;
      }
      shape.min_x = std::min(shape.min_x, x);
      shape.max_x = std::max(shape.max_x, x);
      shape.min_y = std::min(shape.min_y, y);
      shape.max_y = std::max(shape.max_y, y);
    }
    pos_ += n * stride;
    return true;
  }
  // The double at byte `at` (in bounds), in the geometry's byte order.
  double Double(size_t at) const {
    unsigned char b[8];
    std::memcpy(b, bytes_.data() + at, 8);
    if (!little_) std::reverse(std::begin(b), std::end(b));
    uint64_t bits = 0;
    for (int i = 7; i >= 0; --i) bits = bits << 8 | b[i];
    return std::bit_cast<double>(bits);
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  bool little_ = true;
  std::string error_;
  size_t error_at_ = 0;
};

}  // namespace

absl::StatusOr<WkbShape> ScanWkb(std::string_view wkb) {
  Walker walker(wkb);
  WkbShape shape;
  if (!walker.Geometry(0, shape)) {
    return absl::InvalidArgumentError(
        absl::StrCat(walker.error(), " (byte ", walker.error_at(), " of ", walker.size(), ")"));
  }
  if (walker.position() != walker.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(walker.size() - walker.position(), " bytes after the end of the geometry"));
  }
  return shape;
}

}  // namespace pcnv
