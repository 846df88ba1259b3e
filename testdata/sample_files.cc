#include "testdata/sample_files.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace pcnv::sample {
namespace {

constexpr char kCrs27700[] =
    R"({"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}})";

void WriteText(const std::string& path, const std::string& text) {
  // Binary mode: "\n" line endings on every platform, so the bytes never differ.
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) Fail("cannot write " + path);
}

// Every value here is generated, so none needs quoting; refuse rather than write a broken CSV.
std::string CsvLine(const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    if (f.find_first_of(",\"\n\r") != std::string::npos) Fail("CSV field needs quoting: " + f);
  }
  return absl::StrCat(absl::StrJoin(fields, ","), "\n");
}

// Codes and names are plain ASCII without quotes or backslashes (checked), so JSON strings need
// no escaping.
std::string JsonString(const std::string& s) {
  if (s.find_first_of("\"\\") != std::string::npos) Fail("JSON string needs escaping: " + s);
  return absl::StrCat("\"", s, "\"");
}

void AppendRing(const Ring& ring, std::string& out) {
  out += "[";
  for (size_t i = 0; i < ring.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", "[", ring[i].x, ",", ring[i].y, "]");
  }
  out += "]";
}

void AppendPolygon(const Polygon& polygon, std::string& out) {
  out += "[";
  for (size_t i = 0; i < polygon.size(); ++i) {
    if (i) out += ",";
    AppendRing(polygon[i], out);
  }
  out += "]";
}

std::string FeatureCollection(const std::string& name, const std::vector<Feature>& features,
                              const std::string& code_key = "code") {
  std::string out = absl::StrCat("{\n\"type\": \"FeatureCollection\",\n\"name\": \"", name,
                                 "\",\n\"crs\": ", kCrs27700, ",\n\"features\": [\n");
  for (size_t i = 0; i < features.size(); ++i) {
    const Feature& f = features[i];
    absl::StrAppend(&out, R"({"type":"Feature","properties":{")", code_key,
                    "\":", JsonString(f.code), R"(,"name":)", JsonString(f.name),
                    R"(},"geometry":{"type":)");
    if (f.polygons.size() == 1) {
      out += R"("Polygon","coordinates":)";
      AppendPolygon(f.polygons.front(), out);
    } else {
      out += R"("MultiPolygon","coordinates":[)";
      for (size_t j = 0; j < f.polygons.size(); ++j) {
        if (j) out += ",";
        AppendPolygon(f.polygons[j], out);
      }
      out += "]";
    }
    absl::StrAppend(&out, "}}", i + 1 < features.size() ? "," : "", "\n");
  }
  out += "]\n}\n";
  return out;
}

}  // namespace

std::vector<Finding> RecomputeFindings(const SampleFiles& files) {
  std::set<Finding> findings;
  // Membership: a practice counts in the PCN of its first row (the validator's convention).
  std::map<std::string, std::string> pcn_of;
  std::map<std::string, std::set<std::string>> pcn_codes_of;
  for (const MapRow& row : files.map) {
    pcn_of.emplace(row.practice_code, row.pcn_code);
    pcn_codes_of[row.practice_code].insert(row.pcn_code);
  }
  std::map<std::string, std::vector<std::string>> members;
  for (const auto& [practice, pcn] : pcn_of) {
    if (pcn.empty() || pcn == "U") {
      findings.insert({"MEM001", "", practice});
    } else {
      members[pcn].push_back(practice);
    }
    if (pcn_codes_of[practice].size() > 1) findings.insert({"MEM002", "", practice});
  }
  std::map<std::string, int64_t> list_size;
  for (const ListRow& row : files.list_sizes) {
    if (row.sex == "ALL" && row.age == "ALL") list_size[row.code] += row.patients;
  }
  for (const auto& [pcn, practices] : members) {
    int64_t population = 0;
    for (const std::string& p : practices) population += list_size[p];
    if (population < 30'000) findings.insert({"POP001", pcn, ""});
    if (population > 50'000) findings.insert({"POP002", pcn, ""});
    if (practices.size() == 1) findings.insert({"MEM003", pcn, ""});
  }
  std::set<std::string> area_codes;
  for (const Feature& area : files.areas) area_codes.insert(area.code);
  std::map<std::string, int64_t> distributed;
  bool unresolved = false;
  for (const DistRow& row : files.distribution) {
    if (row.sex != "ALL") continue;
    distributed[row.practice_code] += row.patients;
    if (!area_codes.contains(row.lsoa)) unresolved = true;
    if (!pcn_of.contains(row.practice_code)) findings.insert({"MEM004", "", row.practice_code});
  }
  if (unresolved) findings.insert({"DAT001", "", ""});
  for (const auto& [practice, declared] : list_size) {
    auto it = distributed.find(practice);
    if (it == distributed.end()) continue;
    // |distributed - declared| > 1% of declared, in integers.
    if (100 * std::abs(it->second - declared) > declared) {
      const std::string pcn = pcn_of[practice];
      findings.insert({"POP003", pcn == "U" ? "" : pcn, practice});
    }
  }
  // MEM005/MEM006: each practice of the map against the register, in its first row's PCN.
  std::map<std::string, const RegisterRow*> registered;
  for (const RegisterRow& row : files.practice_register) registered[row.code] = &row;
  for (const auto& [practice, pcn] : pcn_of) {
    auto it = registered.find(practice);
    const std::string in_pcn = pcn == "U" ? "" : pcn;
    if (it == registered.end() || it->second->status != 'A') {
      findings.insert({"MEM005", in_pcn, practice});
    }
    if (it != registered.end() && it->second->prescribing_setting != 4) {
      findings.insert({"MEM006", in_pcn, practice});
    }
  }
  return {findings.begin(), findings.end()};
}

void WriteSampleFiles(const SampleFiles& files, const std::vector<Finding>& expected,
                      const std::string& dir) {
  const std::string& pub = files.publication;
  const std::string& date = files.extract_date;
  WriteText(dir + "/areas.geojson", FeatureCollection("areas", files.areas));
  WriteText(dir + "/icb.geojson", FeatureCollection("icb", files.icbs));
  WriteText(dir + "/subicb.geojson", FeatureCollection("subicb", files.sub_icbs));
  WriteText(dir + "/community.geojson", FeatureCollection("community", files.community));
  WriteText(dir + "/declared.geojson", FeatureCollection("declared", files.declared, "pcn_code"));

  std::string with_lsoa = CsvLine({"pcds", "oseast1m", "osnrth1m", "lsoa11"});
  std::string without_lsoa = CsvLine({"pcds", "oseast1m", "osnrth1m"});
  for (const PostcodeRow& pc : files.postcodes) {
    const std::string x = absl::StrCat(pc.at.x);
    const std::string y = absl::StrCat(pc.at.y);
    with_lsoa += CsvLine({pc.pcds, x, y, pc.lsoa11});
    without_lsoa += CsvLine({pc.pcds, x, y});
  }
  WriteText(dir + "/postcodes.csv", with_lsoa);
  WriteText(dir + "/postcodes_nolsoa.csv", without_lsoa);

  std::string map =
      CsvLine({"PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE",
               "PCN_CODE", "PCN_NAME", "ONS_SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_CODE",
               "SUB_ICB_LOCATION_NAME", "ONS_ICB_CODE", "ICB_CODE", "ICB_NAME",
               "ONS_COMM_REGION_CODE", "COMM_REGION_CODE", "COMM_REGION_NAME"});
  for (const MapRow& r : files.map) {
    map += CsvLine({pub, date, r.practice_code, r.practice_name, r.postcode, r.pcn_code, r.pcn_name,
                    r.ons_sub_icb, r.sub_icb, r.sub_icb_name, r.ons_icb, r.icb, r.icb_name,
                    r.ons_region, r.region, r.region_name});
  }
  WriteText(dir + "/gp-reg-pat-prac-map.csv", map);

  std::string list = CsvLine({"PUBLICATION", "EXTRACT_DATE", "TYPE", "SUB_ICB_LOCATION_CODE",
                              "ONS_SUB_ICB_LOCATION_CODE", "CODE", "POSTCODE", "SEX", "AGE",
                              "NUMBER_OF_PATIENTS"});
  for (const ListRow& r : files.list_sizes) {
    list += CsvLine({pub, date, "GP", r.sub_icb, r.ons_sub_icb, r.code, r.postcode, r.sex, r.age,
                     absl::StrCat(r.patients)});
  }
  WriteText(dir + "/gp-reg-pat-prac-all.csv", list);

  std::string dist = CsvLine({"PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME",
                              "LSOA_CODE", "SEX", "NUMBER_OF_PATIENTS"});
  for (const DistRow& r : files.distribution) {
    dist += CsvLine(
        {pub, date, r.practice_code, r.practice_name, r.lsoa, r.sex, absl::StrCat(r.patients)});
  }
  WriteText(dir + "/gp-reg-pat-prac-lsoa-all.csv", dist);

  // epraccur.csv: every field quoted, as ODS writes it; the 27 fields of the standard format,
  // those the validator does not read left blank.
  std::string reg;
  for (const RegisterRow& r : files.practice_register) {
    std::vector<std::string> fields(27);
    fields[0] = r.code;
    fields[1] = r.name;
    fields[2] = "Y99";  // national grouping
    fields[3] = "Q99";  // high level health geography
    fields[4] = r.name;
    fields[6] = "SAMPLETON";
    fields[9] = r.postcode;
    fields[10] = r.open_date;
    fields[11] = r.close_date;
    fields[12] = std::string(1, r.status);
    fields[13] = "B";  // organisation sub-type: allocated to a commissioner
    fields[14] = r.commissioner;
    fields[15] = r.open_date;
    fields[16] = r.close_date;
    fields[21] = "0";
    fields[23] = r.commissioner;
    fields[25] = absl::StrCat(r.prescribing_setting);
    for (size_t i = 0; i < fields.size(); ++i) {
      absl::StrAppend(&reg, i > 0 ? "," : "", "\"", fields[i], "\"");
    }
    reg += "\n";
  }
  WriteText(dir + "/epraccur.csv", reg);

  std::string json = "[\n";
  for (size_t i = 0; i < expected.size(); ++i) {
    const Finding& f = expected[i];
    absl::StrAppend(&json, "  {\"rule\": ", JsonString(f.rule), ", \"pcn\": ", JsonString(f.pcn),
                    ", \"practice\": ", JsonString(f.practice));
    if (f.has_geometry && f.geometry.type.empty()) {
      json += ", \"geometry\": null";
    } else if (f.has_geometry) {
      // Areas are sums of integer-coordinate shoelace areas: whole or half square metres.
      absl::StrAppend(&json, ", \"geometry\": {\"type\": ", JsonString(f.geometry.type),
                      ", \"area_m2\": ", absl::StrFormat("%.1f", f.geometry.area_m2), "}");
    }
    absl::StrAppend(&json, "}", i + 1 < expected.size() ? "," : "", "\n");
  }
  json += "]\n";
  WriteText(dir + "/expected_findings.json", json);
}

}  // namespace pcnv::sample
