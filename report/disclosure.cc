#include "report/disclosure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "nlohmann/json.hpp"
#include "report/markup.h"

namespace pcnv::report {

std::string SuppressedText(const Report& report) {
  auto it = report.provenance.ruleset.find("disclosure.suppress_below");
  const int64_t* n =
      it == report.provenance.ruleset.end() ? nullptr : std::get_if<int64_t>(&it->second);
  return "<" + std::to_string(n != nullptr && *n > 1 ? *n : 5);
}

std::string CountText(const Report& report, int64_t n, bool suppressed) {
  return suppressed ? SuppressedText(report) : Grouped(n);
}

std::string FixedNumber(double d) {
  if (!std::isfinite(d)) return std::to_string(d);
  const double a = std::fabs(d);
  // 1,000 and above: whole units, grouped.
  if (a >= 1000) return Grouped(std::llround(d));
  if (a == 0) return "0";
  // Below: four significant digits in fixed notation, trailing zeros dropped.
  const int decimals = std::clamp(3 - static_cast<int>(std::floor(std::log10(a))), 0, 15);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, d);
  std::string out = buf;
  if (absl::StrContains(out, '.')) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  // 999.96 rounds up to 1000: show it as the grouped whole number it became.
  if (std::fabs(std::strtod(out.c_str(), nullptr)) >= 1000) return Grouped(std::llround(d));
  return out;
}

std::string DisplayValue(std::string_view /*key*/, const Value& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return Grouped(*n);
  if (const auto* d = std::get_if<double>(&v)) return FixedNumber(*d);
  return std::get<std::string>(v);
}

std::string ValuesJson(const std::map<std::string, Value>& values) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : values) {
    if (const auto* n = std::get_if<int64_t>(&v)) {
      j[k] = *n;
    } else if (const auto* d = std::get_if<double>(&v)) {
      j[k] = *d;
    } else {
      j[k] = std::get<std::string>(v);
    }
  }
  // As ReportToJson: never throws on text that is not UTF-8.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pcnv::report
