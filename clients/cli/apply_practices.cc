#include "clients/cli/apply_practices.h"

#include <fstream>
#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "geo/io/file_io.h"

namespace pcnv::cli {
namespace {

// One CSV line split into raw fields (quotes kept), so unchanged fields are written back as
// they were. Fields spanning lines are not supported: the practice files have none.
std::vector<std::string> SplitRaw(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      out.emplace_back();
      continue;
    }
    out.back().push_back(c);
  }
  return out;
}

std::string Unquote(std::string raw) {
  absl::StripAsciiWhitespace(&raw);
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    raw = raw.substr(1, raw.size() - 2);
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      out.push_back(raw[i]);
      if (raw[i] == '"' && i + 1 < raw.size() && raw[i + 1] == '"') ++i;
    }
    return out;
  }
  return raw;
}

// A value as a field: quoted when it holds a comma or a quote; else as it is.
std::string Field(const std::string& value) {
  if (!absl::StrContains(value, ',') && !absl::StrContains(value, '"')) return value;
  std::string out = "\"";
  for (char c : value) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  return out + "\"";
}

}  // namespace

absl::Status ApplyToPracticeFile(const std::string& in, const Suggestion& s,
                                 const std::string& out) {
  std::ifstream src(in, std::ios::binary);
  if (!src) return absl::NotFoundError(absl::StrCat(in, ": cannot be opened"));
  std::string header;
  if (!std::getline(src, header)) return absl::InvalidArgumentError(absl::StrCat(in, ": empty"));
  const bool crlf = !header.empty() && header.back() == '\r';
  auto strip_cr = [](std::string& l) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
  };
  strip_cr(header);
  std::string bare_header = header;
  if (absl::StartsWith(bare_header, "\xEF\xBB\xBF")) bare_header = bare_header.substr(3);
  const std::vector<std::string> names = SplitRaw(bare_header);
  int c_practice = -1, c_pcn = -1, c_pcn_name = -1;
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    const std::string n = absl::AsciiStrToUpper(Unquote(names[i]));
    if (n == "PRACTICE_CODE") c_practice = i;
    if (n == "PCN_CODE") c_pcn = i;
    if (n == "PCN_NAME") c_pcn_name = i;
  }
  if (c_practice < 0 || c_pcn < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        in,
        ": header: no PRACTICE_CODE and PCN_CODE columns; --apply rewrites a practice map "
        "(NHS Digital or plain CSV), not an ePCN sheet or workbook"));
  }

  // PCN names as the file gives them, for the moved practices' new rows.
  std::vector<std::string> lines;
  std::map<std::string, std::string> pcn_names;
  for (std::string line; std::getline(src, line);) {
    strip_cr(line);
    lines.push_back(line);
    if (c_pcn_name < 0 || line.empty()) continue;
    const std::vector<std::string> f = SplitRaw(line);
    if (static_cast<int>(f.size()) <= std::max(c_pcn, c_pcn_name)) continue;
    pcn_names.emplace(Unquote(f[c_pcn]), Unquote(f[c_pcn_name]));
  }
  if (!s.new_pcn.empty()) pcn_names[s.new_pcn] = s.new_pcn_name;

  std::vector<bool> applied(s.moves.size(), false);
  for (size_t row = 0; row < lines.size(); ++row) {
    if (lines[row].empty()) continue;
    std::vector<std::string> f = SplitRaw(lines[row]);
    if (static_cast<int>(f.size()) <= std::max(c_practice, c_pcn)) {
      return absl::InvalidArgumentError(absl::StrCat(in, " row ", row + 1, ": has ", f.size(),
                                                     " fields, fewer than the header's"));
    }
    const std::string practice = Unquote(f[c_practice]);
    const std::string pcn = Unquote(f[c_pcn]);
    for (size_t i = 0; i < s.moves.size(); ++i) {
      const SuggestedMove& m = s.moves[i];
      if (m.practice != practice || m.from_pcn != pcn) continue;
      f[c_pcn] = Field(m.to_pcn);
      if (c_pcn_name >= 0 && c_pcn_name < static_cast<int>(f.size())) {
        f[c_pcn_name] = Field(pcn_names[m.to_pcn]);
      }
      applied[i] = true;
      lines[row] = absl::StrJoin(f, ",");
      break;
    }
  }
  for (size_t i = 0; i < s.moves.size(); ++i) {
    if (applied[i]) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        in, ": suggestion ", s.id, ": practice ", s.moves[i].practice, " has no row in PCN ",
        s.moves[i].from_pcn, " (was the suggestion made for another practice file?)"));
  }
  // Written beside `out` and renamed over it (geo/io/file_io.h): a failed write leaves no
  // half-written configuration, and a device or directory is refused.
  const char* eol = crlf ? "\r\n" : "\n";
  std::string text = absl::StrCat(header, eol);
  for (const std::string& line : lines) absl::StrAppend(&text, line, eol);
  if (absl::Status st = io::WriteFile(out, text); !st.ok()) return st;
  return absl::OkStatus();
}

}  // namespace pcnv::cli
