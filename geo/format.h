// Number and word formats for text people read (finding messages, the console): one place that
// decides how an area, a distance, a share or a count is written, so every message reads alike.
// No rule logic here; geo/rules/messages.h composes these into the finding messages.
#ifndef PCNV_GEO_FORMAT_H_
#define PCNV_GEO_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pcnv {

// Thousands separators: 31234 -> "31,234".
std::string Grouped(int64_t n);
// A fraction as a percentage with fixed decimals: 0.0423 -> "4.2%".
std::string Percent(double fraction, int decimals = 1);

// The shortest plain decimal (at most 6 places, no exponent): 0.6 -> "0.6", 100 -> "100",
// 0.025 -> "0.025". For thresholds and settings, shown as configured.
std::string Decimal(double v);

// A count and its noun in the right number: Count(1, "area") -> "1 area", Count(2, "area") ->
// "2 areas", Count(2, "match", "matches"). Thousands are grouped.
std::string Count(int64_t n, std::string_view singular, std::string_view plural = {});

// A share of a whole: "4.2%"; "0%" and "100%" only when exact; "<0.1%" and ">99.9%" where one
// decimal would round to 0.0% or 100.0%.
std::string Share(double fraction);
// A configured share limit, as set: 0.05 -> "5%", 0.025 -> "2.5%".
std::string ShareLimit(double fraction);

// An area in the unit that shows it: "0 m²", "less than 1 m²", "2,500 m²" below 0.01 km²; then
// "0.012 km²", "3.45 km²", "123.4 km²".
std::string AreaText(double m2);
// A configured area limit, as set: 100 -> "100 m²", 1e6 -> "1 km²".
std::string AreaLimit(double m2);

// A distance in the unit that shows it: "less than 1 m", "350 m" below 1 km; then "1.2 km",
// "123 km" from 100 km.
std::string DistanceText(double metres);
// A configured distance limit, as set: 500 -> "500 m", 15000 -> "15 km".
std::string DistanceLimit(double metres);

// A value that was compared with a threshold, written with as many more digits as it takes to
// stay on its own side of the threshold as written: never "0.60, below 0.6" (0.5999 ->
// "0.5999"). Where six more digits do not part them: "just below 0.6" / "just above 0.6".
// `decimals` is the usual precision.
std::string NumberAgainst(double value, double threshold, int decimals);
// The same for fractions shown as percentages (Share's style below 0.1%): 0.0501 against 0.05
// -> "5.01%", not "5.0%".
std::string ShareAgainst(double fraction, double threshold);
// The same for areas and distances, in the unit AreaText / DistanceText choose for the value.
std::string AreaAgainst(double m2, double threshold_m2);
std::string DistanceAgainst(double metres, double threshold_m);

// "CODE Name", or "CODE" alone when the name is empty (no stray space).
std::string Named(std::string_view code, std::string_view name);
// "A", "A and B", "A, B and C".
std::string JoinAnd(const std::vector<std::string>& items);

}  // namespace pcnv

#endif  // PCNV_GEO_FORMAT_H_
