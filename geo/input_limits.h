// Bounds on what any front door accepts, in one place so that the CLI's readers and the server's
// request conversion (wire/convert_request.cc) refuse the same values with the same words. Each
// check returns INVALID_ARGUMENT whose message is only the reason ("1e+19 is more than ..."):
// the caller puts the file, row and field (or the request field path) in front of it.
#ifndef PCNV_GEO_INPUT_LIMITS_H_
#define PCNV_GEO_INPUT_LIMITS_H_

#include <cstdint>
#include <limits>

#include "absl/status/status.h"

namespace pcnv {

// The most patients one count may hold: a practice's list size, or the patients of one practice
// in one area or postcode. England's largest practices have about 90,000 patients (89,786 in
// NHS Digital's January 2021 list sizes) and its largest PCNs about 270,000; a million is ten
// times the largest practice. With every count at most this, no population sum can overflow a
// 64-bit integer: that would take 9 million million rows.
inline constexpr int64_t kMaxPatients = 1'000'000;

// The largest population a ruleset threshold (POP001's minimum, POP002's usual maximum) may
// name: more than everyone registered with a GP in England (about 63 million).
inline constexpr int64_t kMaxPopulationSetting = 100'000'000;

// A patient count: 0 <= n <= kMaxPatients.
absl::Status CheckPatients(int64_t n);

// total += n for patient sums, checked: it stops at INT64_MAX instead of overflowing. Counts
// within kMaxPatients cannot get there; this is what keeps a sum defined if one ever did.
inline void AddPatients(int64_t& total, int64_t n) {
  if (__builtin_add_overflow(total, n, &total)) {
    total = n < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
}

// Plausible British National Grid coordinates (EPSG:27700, metres). The grid's false origin
// puts Great Britain and its waters within about 0..700,000 east and 0..1,250,000 north; the
// margin only catches what is certainly wrong (degrees in metre columns, swapped columns,
// another CRS, garbage), never a real place.
inline constexpr double kMinEasting = -100'000, kMaxEasting = 800'000;
inline constexpr double kMinNorthing = -100'000, kMaxNorthing = 1'400'000;

// A point in British National Grid: finite and within the bounds above. Says "looks swapped"
// when (northing, easting) would have been within them.
absl::Status CheckBngPoint(double easting, double northing);
// A geometry's bounding box (as GEOS or OGR report it): finite and within the bounds above.
absl::Status CheckBngBox(double min_x, double min_y, double max_x, double max_y);

// Great Britain in WGS84 degrees, with a margin: the Isles of Scilly (49.9 N), Shetland's
// northern tip (60.9 N), St Kilda (8.6 W) and Lowestoft (1.8 E) are inside. A practice outside
// it is not in Great Britain: its coordinates are wrong.
inline constexpr double kMinLatitude = 49.5, kMaxLatitude = 61.0;
inline constexpr double kMinLongitude = -9.0, kMaxLongitude = 2.0;

// A practice's location in degrees: finite and within the box above. Says "looks swapped" when
// (lon, lat) given as (lat, lon) would have been inside it.
absl::Status CheckGbLonLat(double lon, double lat);

}  // namespace pcnv

#endif  // PCNV_GEO_INPUT_LIMITS_H_
