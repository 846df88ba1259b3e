#include "geo/format.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace pcnv {
namespace {

// absl::StrCat takes absl::string_view, which is not std::string_view on Debian 12's Abseil.
std::string S(std::string_view s) { return std::string(s); }

// "%.*f" with thousands separators in the integer part: 12345.67 -> "12,345.67".
std::string FixedGrouped(double v, int decimals) {
  std::string s = absl::StrFormat("%.*f", decimals, v);
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.erase(0, 1);
  const size_t dot = s.find('.');
  const size_t int_len = dot == std::string::npos ? s.size() : dot;
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && i < int_len && (int_len - i) % 3 == 0) out.push_back(',');
    out.push_back(s[i]);
  }
  // "-0" and "-0.0" read as a sign on nothing.
  if (negative && out.find_first_not_of("0.,") != std::string::npos) out.insert(0, "-");
  return out;
}

double RoundTo(double v, int decimals) {
  const double p = std::pow(10.0, decimals);
  return std::round(v * p) / p;
}

bool Same(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(b)); }

// The smallest precision from `decimals` (up to six more) at which `value`, rounded, stays on
// its side of `threshold`; -1 if none does.
int DecimalsAgainst(double value, double threshold, int decimals) {
  if (value == threshold) return decimals;  // exactly at it: the usual precision says so
  for (int d = decimals; d <= decimals + 6; ++d) {
    const double shown = RoundTo(value, d);
    if (value < threshold ? shown < threshold && !Same(shown, threshold)
                          : shown > threshold && !Same(shown, threshold)) {
      return d;
    }
  }
  return -1;
}

// value and threshold in one unit: the value in `decimals` (or more), else "just below T".
std::string AgainstIn(double value, double threshold, int decimals, std::string_view unit) {
  const int d = DecimalsAgainst(value, threshold, decimals);
  if (d < 0) {
    return absl::StrCat(value < threshold ? "just below " : "just above ", Decimal(threshold),
                        S(unit));
  }
  return absl::StrCat(FixedGrouped(value, d), S(unit));
}

constexpr double kM2PerKm2 = 1e6;
constexpr double kSmallAreaM2 = 1e4;  // 0.01 km²: below it, areas are written in m²

int Km2Decimals(double km2) { return km2 < 1 ? 3 : km2 < 100 ? 2 : 1; }

}  // namespace

std::string Grouped(int64_t n) {
  // The magnitude as unsigned: -n overflows for INT64_MIN.
  const uint64_t magnitude = n < 0 ? uint64_t{0} - static_cast<uint64_t>(n) : uint64_t(n);
  std::string digits = absl::StrCat(magnitude);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string Percent(double fraction, int decimals) {
  return absl::StrFormat("%.*f%%", decimals, fraction * 100);
}

std::string Decimal(double v) {
  std::string s = FixedGrouped(v, 6);
  if (absl::StrContains(s, '.')) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string Count(int64_t n, std::string_view singular, std::string_view plural) {
  if (n == 1) return absl::StrCat(Grouped(n), " ", S(singular));
  if (plural.empty()) return absl::StrCat(Grouped(n), " ", S(singular), "s");
  return absl::StrCat(Grouped(n), " ", S(plural));
}

std::string Share(double fraction) {
  if (fraction <= 0) return "0%";
  if (fraction == 1) return "100%";
  if (fraction > 1) return Percent(fraction, 1);  // not a share of a whole: a ratio
  if (fraction < 0.0005) return "<0.1%";
  if (fraction >= 0.9995) return ">99.9%";
  return Percent(fraction, 1);
}

std::string ShareLimit(double fraction) { return Decimal(fraction * 100) + "%"; }

std::string AreaText(double m2) {
  if (m2 <= 0) return "0 m²";
  if (m2 < 0.5) return "less than 1 m²";
  if (std::round(m2) < kSmallAreaM2) return FixedGrouped(m2, 0) + " m²";
  const double km2 = m2 / kM2PerKm2;
  return FixedGrouped(km2, Km2Decimals(km2)) + " km²";
}

std::string AreaLimit(double m2) {
  if (m2 < kSmallAreaM2) return Decimal(m2) + " m²";
  return Decimal(m2 / kM2PerKm2) + " km²";
}

std::string DistanceText(double metres) {
  if (metres <= 0) return "0 m";
  if (metres < 0.5) return "less than 1 m";
  if (std::round(metres) < 1000) return FixedGrouped(metres, 0) + " m";
  const double km = metres / 1000;
  return FixedGrouped(km, km < 100 ? 1 : 0) + " km";
}

std::string DistanceLimit(double metres) {
  if (metres < 1000) return Decimal(metres) + " m";
  return Decimal(metres / 1000) + " km";
}

std::string NumberAgainst(double value, double threshold, int decimals) {
  return AgainstIn(value, threshold, decimals, "");
}

std::string ShareAgainst(double fraction, double threshold) {
  if (fraction <= 0 || fraction == 1) return Share(fraction);
  if (fraction > 0 && fraction < 0.0005 && threshold >= 0.001) return "<0.1%";
  if (fraction < 1 && fraction >= 0.9995 && threshold <= 0.999) return ">99.9%";
  return AgainstIn(fraction * 100, threshold * 100, 1, "%");
}

std::string AreaAgainst(double m2, double threshold_m2) {
  if (std::round(m2) < kSmallAreaM2) {
    if (m2 > 0 && m2 < 0.5 && threshold_m2 >= 1) return "less than 1 m²";
    return AgainstIn(m2, threshold_m2, 0, " m²");
  }
  const double km2 = m2 / kM2PerKm2;
  return AgainstIn(km2, threshold_m2 / kM2PerKm2, Km2Decimals(km2), " km²");
}

std::string DistanceAgainst(double metres, double threshold_m) {
  if (std::round(metres) < 1000) {
    if (metres > 0 && metres < 0.5 && threshold_m >= 1) return "less than 1 m";
    return AgainstIn(metres, threshold_m, 0, " m");
  }
  const double km = metres / 1000;
  return AgainstIn(km, threshold_m / 1000, km < 100 ? 1 : 0, " km");
}

std::string Named(std::string_view code, std::string_view name) {
  if (name.empty()) return std::string(code);
  if (code.empty()) return std::string(name);
  return absl::StrCat(S(code), " ", S(name));
}

std::string JoinAnd(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return absl::StrCat(absl::StrJoin(head, ", "), " and ", items.back());
}

}  // namespace pcnv
