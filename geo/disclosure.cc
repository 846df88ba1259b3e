#include "geo/disclosure.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "geo/rules/context.h"

namespace pcnv {

std::string DisclosurePolicy::SuppressedText() const { return absl::StrCat("<", suppress_below); }

std::string PatientsPhrase(int64_t patients, const DisclosurePolicy& policy) {
  if (policy.IsSmall(patients)) {
    return absl::StrCat("fewer than ", policy.suppress_below, " patients");
  }
  return absl::StrCat(Grouped(patients), patients == 1 ? " patient" : " patients");
}

bool IsPatientCount(std::string_view key) {
  if (key.find("share") != std::string_view::npos) return false;
  return key.find("patients") != std::string_view::npos || key == "population" ||
         key == "list_size" || key == "distribution_total" || key == "difference" ||
         key == "shortfall" || key == "excess";
}

bool IsPatientDifference(std::string_view key) {
  return key == "difference" || key == "shortfall" || key == "excess";
}

bool IsPatientShare(std::string_view key) {
  return key == "share_of_patients" || key == "relative_difference" || key == "share";
}

bool ProtectLine(std::vector<DisclosureCell*>& line) {
  int suppressed = 0;
  int64_t sum = 0;
  for (const DisclosureCell* c : line) {
    if (!c->suppressed) continue;
    ++suppressed;
    sum += c->value;
  }
  // Recoverable: one unknown in a known total, or unknowns that sum to their own count (each is
  // at least 1, so each is exactly 1).
  if (suppressed == 0 || (suppressed > 1 && sum > suppressed)) return false;
  DisclosureCell* smallest = nullptr;
  for (DisclosureCell* c : line) {
    if (c->suppressed || c->value == 0) continue;
    if (smallest == nullptr || c->value < smallest->value) smallest = c;
  }
  if (smallest == nullptr) return false;
  smallest->suppressed = true;
  return true;
}

namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Replaces the count `n` wherever the message prints it as a number of its own ("29,997" in
// "29,997 short", not the "997" of "1,997" or the "2" of "2.5") and, when `followed_by` is not
// empty, only where that text follows it.
void ScrubNumber(std::string& message, int64_t n, std::string_view replacement,
                 std::string_view followed_by = "") {
  const std::string token = Grouped(n);
  const auto part_of_number = [&](size_t sep, size_t digit) {
    return sep < message.size() && digit < message.size() &&
           (message[sep] == ',' || message[sep] == '.') && IsDigit(message[digit]);
  };
  std::string out;
  size_t from = 0;
  for (size_t at = message.find(token); at != std::string::npos; at = message.find(token, at + 1)) {
    if (at < from) continue;
    const size_t after = at + token.size();
    const bool starts =
        at == 0 || (!IsDigit(message[at - 1]) && !(at >= 2 && part_of_number(at - 1, at - 2)));
    const bool ends =
        after >= message.size() || (!IsDigit(message[after]) && !part_of_number(after, after + 1));
    if (!starts || !ends) continue;
    if (!followed_by.empty() && message.compare(after, followed_by.size(), followed_by) != 0) {
      continue;
    }
    out.append(message, from, at - from);
    out.append(replacement);
    from = after + followed_by.size();
  }
  out.append(message, from, std::string::npos);
  message = std::move(out);
}

}  // namespace

void SuppressFinding(Finding& finding, const DisclosurePolicy& policy) {
  if (!policy.enabled()) return;
  struct Entry {
    std::string key;
    DisclosureCell cell;
    bool primary = false;
  };
  std::vector<Entry> counts;
  bool any_marked = false;  // already suppressed by an earlier pass
  for (auto& [key, value] : finding.values) {
    if (!IsPatientCount(key)) continue;
    if (const auto* n = std::get_if<int64_t>(&value)) {
      // A difference between counts (a shortfall of 1 below the minimum) discloses no small
      // group of patients itself; it is withheld only when it would give a small count away.
      const bool small = policy.IsSmall(*n) && !IsPatientDifference(key);
      counts.push_back({key, {*n < 0 ? -*n : *n, small}, small});
    } else {
      any_marked = true;
    }
  }
  std::vector<DisclosureCell*> line;
  line.reserve(counts.size());
  for (Entry& e : counts) line.push_back(&e.cell);
  bool any = any_marked;
  for (const Entry& e : counts) any = any || e.primary;
  if (!any) return;
  if (!any_marked) {
    while (ProtectLine(line)) {
    }
  }
  for (const Entry& e : counts) {
    if (!e.cell.suppressed) continue;
    if (e.primary) {
      finding.values[e.key] = policy.SuppressedText();
      // Rules say "fewer than 5 patients" themselves (PatientsPhrase); this catches a message
      // that still states the count, so no rule can leak one through its wording.
      const std::string fewer = absl::StrCat("fewer than ", policy.suppress_below, " patients");
      ScrubNumber(finding.message, e.cell.value, fewer, " patients");
      ScrubNumber(finding.message, e.cell.value, fewer, " patient");
    } else {
      finding.values[e.key] = std::string(kWithheldText);
      ScrubNumber(finding.message, e.cell.value, kWithheldText);
    }
  }
  for (auto& [key, value] : finding.values) {
    if (IsPatientShare(key) && !std::holds_alternative<std::string>(value)) {
      value = std::string(kWithheldText);
    }
  }
}

}  // namespace pcnv
