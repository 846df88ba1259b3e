// NHS small-number disclosure control for exported outputs (docs/DOMAIN.md section 4): per-area
// patient counts below 5 are shown as "<5"; totals are not suppressed.
//
// The report model carries no per-area table today, so what a writer can export are finding
// values. Rather than guess which of those are per-area, every writer treats any count whose
// key names patients ("patients", "area_patients", "unknown_area_code_patients", ...) as
// potentially small-area: a count of 1 to 4 becomes "<5". Over-suppressing a tiny total is
// harmless; leaking a 2-patient area is not. Zero is shown: it discloses no one.
#ifndef PCNV_REPORT_DISCLOSURE_H_
#define PCNV_REPORT_DISCLOSURE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "geo/report.h"

namespace pcnv::report {

inline constexpr int64_t kSuppressBelow = 5;
inline constexpr char kSuppressedText[] = "<5";

// True for a count of patients that must not be published: 1 to 4. The one statement of the
// small-number rule; every output that shows counts asks it.
constexpr bool IsSmallNumber(int64_t patients) { return patients > 0 && patients < kSuppressBelow; }

// True when `key` names a patient count that disclosure control applies to.
bool IsPatientCount(std::string_view key);
// True when the value must be shown as "<5".
bool IsSuppressed(std::string_view key, const Value& v);

// A value as a person reads it: integers grouped ("24,100"), fractions to 4 significant
// digits, text as is; suppressed counts as "<5".
std::string DisplayValue(std::string_view key, const Value& v);

// A finding's values as a JSON object text for attribute tables (GeoPackage, SARIF
// properties): numbers stay numbers, suppressed counts become the string "<5".
std::string ValuesJson(const std::map<std::string, Value>& values);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_DISCLOSURE_H_
