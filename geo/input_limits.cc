#include "geo/input_limits.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "geo/format.h"

namespace pcnv {
namespace {

bool Between(double v, double lo, double hi) { return v >= lo && v <= hi; }  // false for NaN

bool InBng(double x, double y) {
  return Between(x, kMinEasting, kMaxEasting) && Between(y, kMinNorthing, kMaxNorthing);
}

bool InGb(double lon, double lat) {
  return Between(lon, kMinLongitude, kMaxLongitude) && Between(lat, kMinLatitude, kMaxLatitude);
}

// A coordinate as people write it: 12345.6 stays, 1e+308 stays in exponent form.
std::string Coordinate(double v) { return absl::StrCat(v); }

const std::string& BngBounds() {
  static const auto* text =
      new std::string(absl::StrCat("easting ", Grouped(static_cast<int64_t>(kMinEasting)), " to ",
                                   Grouped(static_cast<int64_t>(kMaxEasting)), ", northing ",
                                   Grouped(static_cast<int64_t>(kMinNorthing)), " to ",
                                   Grouped(static_cast<int64_t>(kMaxNorthing))));
  return *text;
}

}  // namespace

absl::Status CheckPatients(int64_t n) {
  if (n < 0) return absl::InvalidArgumentError(absl::StrCat(n, " is negative"));
  if (n > kMaxPatients) {
    return absl::InvalidArgumentError(absl::StrCat(
        n, " is more than ", Grouped(kMaxPatients),
        ", the most patients pcnv takes in one count (England's largest practice has about "
        "90,000)"));
  }
  return absl::OkStatus();
}

absl::Status CheckBngPoint(double easting, double northing) {
  if (!std::isfinite(easting) || !std::isfinite(northing)) {
    return absl::InvalidArgumentError(absl::StrCat("easting/northing ", Coordinate(easting), ", ",
                                                   Coordinate(northing),
                                                   " is not a pair of finite numbers"));
  }
  if (InBng(easting, northing)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "easting/northing ", Coordinate(easting), ", ", Coordinate(northing),
      InBng(northing, easting) ? " looks swapped (northing first?)"
                               : absl::StrCat(" is outside Great Britain (", BngBounds(),
                                              "): degrees in metre columns, or another CRS?")));
}

absl::Status CheckBngBox(double min_x, double min_y, double max_x, double max_y) {
  for (double v : {min_x, min_y, max_x, max_y}) {
    if (!std::isfinite(v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("a coordinate is ", Coordinate(v), ", not a finite number"));
    }
  }
  if (InBng(min_x, min_y) && InBng(max_x, max_y)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("extends from easting/northing ", Coordinate(min_x), ", ", Coordinate(min_y),
                   " to ", Coordinate(max_x), ", ", Coordinate(max_y), ", outside Great Britain (",
                   BngBounds(), "): is the layer's CRS right?"));
}

absl::Status CheckGbLonLat(double lon, double lat) {
  if (!std::isfinite(lon) || !std::isfinite(lat)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lat/lon ", Coordinate(lat), ", ", Coordinate(lon), " is not a pair of finite numbers"));
  }
  if (InGb(lon, lat)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "lat/lon ", Coordinate(lat), ", ", Coordinate(lon),
      InGb(lat, lon)
          ? " looks swapped: latitude and longitude the wrong way round?"
          : absl::StrCat(" is outside Great Britain (latitude ", Coordinate(kMinLatitude), " to ",
                         Coordinate(kMaxLatitude), ", longitude ", Coordinate(kMinLongitude),
                         " to ", Coordinate(kMaxLongitude), ")")));
}

}  // namespace pcnv
