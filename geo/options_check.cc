#include "geo/options_check.h"

#include <cmath>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "geo/field_error.h"
#include "geo/format.h"
#include "geo/input_limits.h"
#include "geo/rules/registry.h"
#include "geo/utf8.h"

namespace pcnv {
namespace {

// The longest distance a setting may name: more than Great Britain is long.
constexpr double kMaxDistanceM = 1'000'000;
// The largest area a tolerance may name: more than Great Britain's (about 230,000 km²).
constexpr double kMaxAreaM2 = 1e12;
constexpr std::string_view kFraction = "a fraction (0.05 = 5%)";
constexpr std::string_view kMetres = "a distance in metres, at most 1,000 km";
constexpr std::string_view kSquareMetres = "an area in square metres, at most 1,000,000 km²";
constexpr std::string_view kPopulation = "a population, at most 100 million";

#define PCNV_SETTING_DOUBLE(member) \
  [](const Ruleset& r) { return r.member; }, [](Ruleset& r, double v) { r.member = v; }
#define PCNV_SETTING_COUNT(member)                                \
  [](const Ruleset& r) { return static_cast<double>(r.member); }, \
      [](Ruleset& r, double v) { r.member = static_cast<int64_t>(v); }

constexpr double kMaxPop = static_cast<double>(kMaxPopulationSetting);

const RulesetSetting kSettings[] = {
    {"POP001", "minimum", "pop_min", 0, kMaxPop, true, kPopulation, PCNV_SETTING_COUNT(pop_min)},
    {"POP002", "usual_maximum", "pop_usual_max", 0, kMaxPop, true, kPopulation,
     PCNV_SETTING_COUNT(pop_usual_max)},
    {"POP003", "tolerance", "list_size_tolerance", 0, 1, false, kFraction,
     PCNV_SETTING_DOUBLE(list_size_tolerance)},
    {"CON001", "min_share", "con_detached_min_share", 0, 1, false, kFraction,
     PCNV_SETTING_DOUBLE(con_detached_min_share)},
    {"CON004", "buffer_m", "con004_buffer_m", 0, kMaxDistanceM, false, kMetres,
     PCNV_SETTING_DOUBLE(con004_buffer_m)},
    {"NEST001", "max_outside", "nest001_max_outside", 0, 1, false, kFraction,
     PCNV_SETTING_DOUBLE(nest001_max_outside)},
    {"NEST003", "max_outside", "nest003_max_outside", 0, 1, false, kFraction,
     PCNV_SETTING_DOUBLE(nest003_max_outside)},
    {"COM001", "max_outside", "com001_max_outside", 0, 1, false, kFraction,
     PCNV_SETTING_DOUBLE(com001_max_outside)},
    {"OVL001", "tolerance_m2", "ovl001_tolerance_m2", 0, kMaxAreaM2, false, kSquareMetres,
     PCNV_SETTING_DOUBLE(ovl001_tolerance_m2)},
    {"OVL002", "tolerance_m2", "ovl002_tolerance_m2", 0, kMaxAreaM2, false, kSquareMetres,
     PCNV_SETTING_DOUBLE(ovl002_tolerance_m2)},
    {"OVL003", "min_iou", "ovl003_min_iou", 0, 1, false, "an intersection over union, 0 to 1",
     PCNV_SETTING_DOUBLE(ovl003_min_iou)},
    {"CMP001", "min_polsby_popper", "cmp001_min_polsby_popper", 0, 1, false,
     "a Polsby-Popper score, 0 to 1", PCNV_SETTING_DOUBLE(cmp001_min_polsby_popper)},
    {"CMP002", "max_distance_m", "cmp002_max_distance_m", 0, kMaxDistanceM, false, kMetres,
     PCNV_SETTING_DOUBLE(cmp002_max_distance_m)},
    {"contiguity", "bridge_distance_m", "contiguity.bridge_distance_m", 0, kMaxDistanceM, false,
     kMetres, PCNV_SETTING_DOUBLE(contiguity.bridge_distance_m)},
};

#undef PCNV_SETTING_DOUBLE
#undef PCNV_SETTING_COUNT

// absl::StrCat takes absl::string_view, which is not std::string_view on Debian 12's Abseil.
std::string S(std::string_view s) { return std::string(s); }

// A number as the ruleset would show it: 0.6, 30000, 1e+300.
std::string Shown(double v) { return absl::StrCat(v); }

std::string SettingField(const RulesetSetting& s, OptionNames names) {
  if (names == OptionNames::kRequest) return absl::StrCat("options.ruleset.", S(s.request));
  if (s.rule == "contiguity") return absl::StrCat("contiguity.", S(s.key));
  return absl::StrCat("rules.", S(s.rule), ".", S(s.key));
}

absl::Status Why(absl::string_view why) { return absl::InvalidArgumentError(why); }

// A rule code named by a ruleset or waiver: one pcnv knows.
absl::Status CheckRuleCode(absl::string_view field, const std::string& code) {
  if (FindRule(code) != nullptr) return absl::OkStatus();
  return FieldError(field, absl::StrCat("unknown rule code '", EscapeForMessage(code),
                                        "' (docs/RULES.md lists them)"));
}

constexpr size_t kMaxTextBytes = 4096;  // a ruleset name, a waiver's reason

absl::Status CheckText(absl::string_view field, const std::string& text, bool required) {
  if (required && text.empty()) return FieldError(field, "missing or empty");
  if (text.size() > kMaxTextBytes) {
    return FieldError(field, absl::StrCat("is ", Grouped(static_cast<int64_t>(text.size())),
                                          " bytes long, more than ", Grouped(kMaxTextBytes)));
  }
  if (std::optional<size_t> at = FirstInvalidUtf8(text)) {
    return FieldError(field, NotUtf8Why(text, *at));
  }
  return absl::OkStatus();
}

int DaysIn(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

absl::Status CheckShareThreshold(double threshold, absl::string_view field) {
  // Written so that NaN fails too.
  if (threshold > 0 && threshold <= 1) return absl::OkStatus();
  return FieldError(field, absl::StrCat(threshold, " is outside (0, 1]"));
}

absl::Status CheckSuppressBelow(int64_t suppress_below, absl::string_view field) {
  if (suppress_below >= 2 && suppress_below <= 1000) return absl::OkStatus();
  return FieldError(field, absl::StrCat(suppress_below,
                                        " is outside [2, 1000] (to publish every count, ask for "
                                        "unsuppressed output explicitly)"));
}

std::span<const RulesetSetting> RulesetSettings() { return kSettings; }

const RulesetSetting* FindRulesetSetting(std::string_view rule, std::string_view key) {
  for (const RulesetSetting& s : kSettings) {
    if (s.rule == rule && s.key == key) return &s;
  }
  return nullptr;
}

absl::Status CheckRulesetValue(const RulesetSetting& s, double v) {
  if (!std::isfinite(v)) return Why(absl::StrCat(Shown(v), " is not a finite number"));
  if (v < s.lo) {
    return Why(s.lo == 0
                   ? absl::StrCat(Shown(v), " is negative")
                   : absl::StrCat(Shown(v), " is less than ", Shown(s.lo), ": it is ", S(s.what)));
  }
  if (v > s.hi) {
    return Why(absl::StrCat(Shown(v), " is more than ", Shown(s.hi), ": it is ", S(s.what)));
  }
  if (s.whole && v != std::floor(v)) {
    return Why(absl::StrCat(Shown(v), " is not a whole number: it is ", S(s.what)));
  }
  return absl::OkStatus();
}

absl::Status CheckDate(std::string_view text) {
  const auto not_a_date = [&](absl::string_view why) {
    return Why(absl::StrCat("'", EscapeForMessage(text), "' is not a date (YYYY-MM-DD)", why));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return not_a_date("");
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return not_a_date("");
  }
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(absl::string_view(text.data(), 4), &year) ||
      !absl::SimpleAtoi(absl::string_view(text.data() + 5, 2), &month) ||
      !absl::SimpleAtoi(absl::string_view(text.data() + 8, 2), &day)) {
    return not_a_date("");
  }
  if (year < 1900) return not_a_date(": the year is before 1900");
  if (month < 1 || month > 12) return not_a_date(absl::StrCat(": there is no month ", month));
  if (day < 1 || day > DaysIn(year, month)) {
    return not_a_date(
        absl::StrCat(": month ", month, " of ", year, " has ", DaysIn(year, month), " days"));
  }
  return absl::OkStatus();
}

absl::Status CheckRuleset(const Ruleset& r, OptionNames names) {
  const bool request = names == OptionNames::kRequest;
  if (absl::Status s = CheckText(request ? "options.ruleset.name" : "name", r.name, false);
      !s.ok()) {
    return s;
  }
  for (const RulesetSetting& setting : kSettings) {
    if (absl::Status s = CheckRulesetValue(setting, setting.get(r)); !s.ok()) {
      return FieldError(SettingField(setting, names), s.message());
    }
  }
  for (const auto& [code, severity] : r.severity) {
    const std::string field = request ? absl::StrCat("options.ruleset.severity[\"", code, "\"]")
                                      : absl::StrCat("rules.", code);
    if (absl::Status s = CheckRuleCode(field, code); !s.ok()) return s;
  }
  for (const std::string& code : r.disabled) {
    const std::string field =
        request ? "options.ruleset.disabled" : absl::StrCat("rules.", code, ".enabled");
    if (absl::Status s = CheckRuleCode(field, code); !s.ok()) return s;
  }
  for (size_t i = 0; i < r.contiguity.bridges.size(); ++i) {
    const std::string field = request ? absl::StrCat("options.ruleset.contiguity.bridges[", i, "]")
                                      : absl::StrCat("contiguity.bridges[", i, "]");
    const auto& [from, to] = r.contiguity.bridges[i];
    if (absl::Status s = CheckText(field + (request ? ".from_area" : "[0]"), from, true); !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckText(field + (request ? ".to_area" : "[1]"), to, true); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckWaivers(const std::vector<Waiver>& waivers, OptionNames names) {
  for (size_t i = 0; i < waivers.size(); ++i) {
    const Waiver& w = waivers[i];
    const std::string at = names == OptionNames::kRequest
                               ? absl::StrCat("options.waivers[", i, "].")
                               : absl::StrCat("waiver ", i + 1, ".");
    const std::pair<const char*, const std::string*> texts[] = {{"rule", &w.rule},
                                                                {"pcn", &w.pcn},
                                                                {"reason", &w.reason},
                                                                {"approved_by", &w.approved_by},
                                                                {"expires", &w.expires}};
    for (const auto& [key, text] : texts) {
      if (absl::Status s = CheckText(absl::StrCat(at, key), *text, true); !s.ok()) return s;
    }
    if (absl::Status s = CheckRuleCode(at + "rule", w.rule); !s.ok()) return s;
    if (absl::Status s = CheckDate(w.expires); !s.ok()) {
      return FieldError(at + "expires", s.message());
    }
  }
  return absl::OkStatus();
}

absl::Status CheckValidationOptions(const ValidationOptions& o, OptionNames names) {
  const bool request = names == OptionNames::kRequest;
  if (absl::Status s = CheckRuleset(o.ruleset, names); !s.ok()) return s;
  if (absl::Status s = CheckWaivers(o.waivers, names); !s.ok()) return s;
  if (!o.as_of.empty()) {
    if (absl::Status s = CheckDate(o.as_of); !s.ok()) {
      return FieldError(request ? "options.as_of" : "as_of", s.message());
    }
  }
  return absl::OkStatus();
}

}  // namespace pcnv
