// How writers show finding values. Small-number disclosure control is not applied here: the
// engine applies it once, to every finding before any writer or reply sees it
// (geo/disclosure.h), so a suppressed count arrives as the text "<5" and a count or share that
// would give one away as "withheld"; writers print what they are given.
#ifndef PCNV_REPORT_DISCLOSURE_H_
#define PCNV_REPORT_DISCLOSURE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "geo/report.h"

namespace pcnv::report {

// A number in fixed notation, never e-notation: 1,000 and above as grouped whole units
// ("1,234,568"), below to four significant digits ("0.0423", "0.00001234", "12.35").
std::string FixedNumber(double d);

// A value as a person reads it: integers grouped ("24,100"), fractions to 4 significant
// digits, text (a suppressed "<5" among them) as is.
std::string DisplayValue(std::string_view key, const Value& v);

// How this report shows a suppressed count: "<N" for the threshold in its provenance
// (ruleset "disclosure.suppress_below"), "<5" when the report does not say.
std::string SuppressedText(const Report& report);
// A count of patients as published: grouped digits, or SuppressedText when suppressed.
std::string CountText(const Report& report, int64_t n, bool suppressed);

// A finding's values as a JSON object text for attribute tables (GeoPackage, SARIF
// properties): numbers stay numbers, text (a suppressed "<5" among them) stays text.
std::string ValuesJson(const std::map<std::string, Value>& values);

}  // namespace pcnv::report

#endif  // PCNV_REPORT_DISCLOSURE_H_
