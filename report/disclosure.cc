#include "report/disclosure.h"

#include <cstdio>

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

std::string DisplayValue(std::string_view /*key*/, const Value& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return Grouped(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", *d);
    return buf;
  }
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
  return j.dump();
}

}  // namespace pcnv::report
