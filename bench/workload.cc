// pcnv-bench-workload: writes the national benchmark workload (bench/README.md) into a folder.
//
//   pcnv-bench-workload --data ../shared/data --out /tmp/pcnv-bench [--region QHM|E54000050]
//
// Real inputs: the 2020-09 practice map (unallocated practices dropped), the 2021-01 list sizes,
// practice postcodes geocoded with NSPL, English LSOA 2011 polygons, the 42 ICBs (2022) and the
// English local authorities (2024) as community footprints. The boundary layers are reprojected
// to EPSG:27700 and repaired once, by pcnv's own readers, and written as GeoPackages, so every
// implementation reads byte-identical coordinates and none has to repair anything.
//
// Semi-synthetic: gp-reg-pat-prac-lsoa-all.csv (NHS Digital format). Each practice's list size
// L is spread over its K = clamp(round(L / 70), 10, 400) nearest English LSOAs (by centroid,
// ties by code) with weight exp(-d / s) * j, where s = max(500 m, distance to the ceil(K/3)-th
// nearest) and j in [0.5, 1.5) is a hash of (practice, LSOA); a hashed 0.2-1.0% of L goes to
// the NO2011 placeholder; every LSOA row gets at least one patient, the rest is split by
// largest remainder, so each practice's rows sum to exactly L. No randomness: same inputs, same
// bytes.
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/fail.h"
#include "geo/io/readers.h"
#include "geo/model.h"

namespace fs = std::filesystem;

namespace {

// --- Deterministic hashing: FNV-1a then splitmix64, mapped to [0, 1). ---
uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}
double Unit(const std::string& a, const std::string& b) {
  uint64_t z = Fnv1a(a + "|" + b) + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / 9007199254740992.0;  // 2^53
}

// --- Minimal RFC 4180 line splitting (the NHS files have quoted names, no embedded newlines).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
int Column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    std::string h = header[i];
    if (i == 0 && h.rfind("\xEF\xBB\xBF", 0) == 0) h = h.substr(3);
    if (h == name) return static_cast<int>(i);
  }
  return -1;
}

using ::pcnv::bench::Die;

struct Layer {
  std::string name;  // layer name in the GeoPackage
  std::string code_field, name_field;
  std::vector<pcnv::io::VectorFeature> features;
};

pcnv::io::VectorLayer ReadLayer(const std::string& path, const std::string& code_field) {
  pcnv::io::LayerSpec spec;
  spec.path = path;
  spec.code_field = code_field;
  absl::StatusOr<pcnv::io::VectorLayer> layer = pcnv::io::ReadVectorLayer(spec);
  if (!layer.ok()) Die(std::string(layer.status().message()));
  return *std::move(layer);
}

// Writes polygons (already EPSG:27700, valid) to a new GeoPackage, as MultiPolygons.
void WriteGpkg(const std::string& path, const Layer& layer) {
  GDALDriverH driver = GDALGetDriverByName("GPKG");
  if (driver == nullptr) Die("GDAL has no GPKG driver");
  fs::remove(path);
  GDALDatasetH ds = GDALCreate(driver, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  if (ds == nullptr) Die("cannot create " + path);
  OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(srs, 27700);
  OGRLayerH l = GDALDatasetCreateLayer(ds, layer.name.c_str(), srs, wkbMultiPolygon, nullptr);
  OSRRelease(srs);
  if (l == nullptr) Die("cannot create layer in " + path);
  for (const std::string& f : {layer.code_field, layer.name_field}) {
    OGRFieldDefnH defn = OGR_Fld_Create(f.c_str(), OFTString);
    OGR_L_CreateField(l, defn, TRUE);
    OGR_Fld_Destroy(defn);
  }
  OGR_L_StartTransaction(l);
  for (const pcnv::io::VectorFeature& f : layer.features) {
    OGRFeatureH feat = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(feat, 0, f.code.c_str());
    OGR_F_SetFieldString(feat, 1, f.name.c_str());
    std::string wkb = f.geometry.ToWkb();
    OGRGeometryH g = nullptr;
    if (OGR_G_CreateFromWkb(wkb.data(), nullptr, &g, static_cast<int>(wkb.size())) != OGRERR_NONE) {
      Die("bad WKB for " + f.code);
    }
    g = OGR_G_ForceToMultiPolygon(g);
    OGR_F_SetGeometryDirectly(feat, g);
    if (OGR_L_CreateFeature(l, feat) != OGRERR_NONE) Die("cannot write " + f.code);
    OGR_F_Destroy(feat);
  }
  OGR_L_CommitTransaction(l);
  GDALClose(ds);
}

pcnv::Point Centroid(const pcnv::Geometry& g) {
  std::string wkb = g.ToWkb();
  OGRGeometryH geom = nullptr;
  OGR_G_CreateFromWkb(wkb.data(), nullptr, &geom, static_cast<int>(wkb.size()));
  OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
  OGR_G_Centroid(geom, pt);
  pcnv::Point p{OGR_G_GetX(pt, 0), OGR_G_GetY(pt, 0)};
  OGR_G_DestroyGeometry(pt);
  OGR_G_DestroyGeometry(geom);
  return p;
}

bool IsEnglish(const std::string& code) { return code.rfind("E0", 0) == 0; }

}  // namespace

int main(int argc, char** argv) {
  std::string data = "../shared/data", out, region;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--data")
      data = next();
    else if (a == "--out")
      out = next();
    else if (a == "--region")
      region = next();
    else if (a == "-h" || a == "--help") {
      std::cout << "usage: pcnv-bench-workload --data DIR --out DIR [--region STP_CODE]\n";
      return 0;
    } else {
      Die("unknown argument " + a);
    }
  }
  if (out.empty()) Die("--out is required");
  fs::create_directories(out);
  GDALAllRegister();

  // 1. The practice map, unallocated dropped, optionally one STP/ICB.
  const std::string map_path = data + "/nhsd/gp-reg-pat-prac-map_2020-09.csv";
  std::ifstream map_in(map_path);
  if (!map_in) Die("cannot read " + map_path);
  std::string line;
  std::getline(map_in, line);
  const std::string map_header = line;
  std::vector<std::string> h = SplitCsv(line);
  const int c_code = Column(h, "PRACTICE_CODE"), c_name = Column(h, "PRACTICE_NAME"),
            c_pc = Column(h, "PRACTICE_POSTCODE"), c_pcn = Column(h, "PCN_CODE"),
            c_stp = Column(h, "STP_CODE"), c_ons_stp = Column(h, "ONS_STP_CODE");
  if (std::min({c_code, c_name, c_pc, c_pcn, c_stp, c_ons_stp}) < 0) Die("unexpected map header");
  struct Practice {
    std::string code, name, postcode;
    int64_t list = -1;
    bool located = false;
    pcnv::Point at;
  };
  std::vector<Practice> practices;
  std::vector<std::string> map_lines;
  while (std::getline(map_in, line)) {
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> f = SplitCsv(line);
    if (f.size() < h.size()) Die("short row in " + map_path);
    if (f[c_pcn] == pcnv::kUnallocatedPcn || f[c_pcn].empty()) continue;
    if (!region.empty() && f[c_stp] != region && f[c_ons_stp] != region) continue;
    practices.push_back({f[c_code], f[c_name], pcnv::NormalisePostcode(f[c_pc])});
    map_lines.push_back(line);
  }
  if (practices.empty()) Die("no practices (unknown --region?)");
  absl::flat_hash_map<std::string, int> practice_index;
  for (size_t i = 0; i < practices.size(); ++i) practice_index[practices[i].code] = i;
  {
    std::ofstream o(out + "/gp-reg-pat-prac-map.csv");
    o << map_header << "\n";
    for (const std::string& l : map_lines) o << l << "\n";
  }

  // 2. List sizes (SEX=ALL, AGE=ALL rows of the map's practices).
  const std::string list_path = data + "/nhsd/gp-reg-pat-prac-all_2021-01.csv";
  std::ifstream list_in(list_path);
  if (!list_in) Die("cannot read " + list_path);
  std::getline(list_in, line);
  {
    std::ofstream o(out + "/gp-reg-pat-prac-all.csv");
    o << line << "\n";
    std::vector<std::string> lh = SplitCsv(line);
    const int l_code = Column(lh, "CODE"), l_sex = Column(lh, "SEX"), l_age = Column(lh, "AGE"),
              l_n = Column(lh, "NUMBER_OF_PATIENTS");
    if (std::min({l_code, l_sex, l_age, l_n}) < 0) Die("unexpected list-size header");
    while (std::getline(list_in, line)) {
      std::vector<std::string> f = SplitCsv(line);
      if (f.size() < lh.size() || f[l_sex] != "ALL" || f[l_age] != "ALL") continue;
      auto it = practice_index.find(f[l_code]);
      if (it == practice_index.end()) continue;
      practices[it->second].list = std::stoll(f[l_n]);
      o << line << "\n";
    }
  }

  // 3. Geocode practice postcodes with the NSPL files of their postcode areas only.
  std::set<std::string> areas_needed;
  for (const Practice& p : practices) {
    size_t n = 0;
    while (n < p.postcode.size() && std::isalpha(static_cast<unsigned char>(p.postcode[n]))) ++n;
    areas_needed.insert(p.postcode.substr(0, n));
  }
  absl::flat_hash_map<std::string, pcnv::PostcodeEntry> postcodes;
  for (const std::string& area : areas_needed) {
    const std::string file = data + "/postcodes/nspl_2025-05/" + area + ".csv";
    if (!fs::exists(file)) continue;
    absl::StatusOr<pcnv::io::PostcodeDirectory> dir = pcnv::io::ReadPostcodeDirectory(file);
    if (!dir.ok()) Die(std::string(dir.status().message()));
    for (auto& [k, v] : dir->entries) postcodes[k] = v;
  }
  {
    std::ofstream o(out + "/practices.csv");
    o << "practice_code,postcode,easting,northing\n";
    for (Practice& p : practices) {
      auto it = postcodes.find(p.postcode);
      if (it == postcodes.end()) continue;
      p.located = true;
      p.at = it->second.location;
      o << absl::StrFormat("%s,%s,%.1f,%.1f\n", p.code, p.postcode, p.at.x, p.at.y);
    }
  }

  // 4. Boundary layers, reprojected and repaired once, English features only.
  pcnv::io::VectorLayer lsoa = ReadLayer(data + "/ons/boundaries_lsoa11.geojson", "lsoa11_code");
  std::vector<pcnv::io::VectorFeature> english;
  for (auto& f : lsoa.features) {
    if (f.code.rfind("E01", 0) == 0) english.push_back(std::move(f));
  }
  std::sort(english.begin(), english.end(),
            [](const auto& a, const auto& b) { return a.code < b.code; });
  std::vector<pcnv::Point> centre;
  centre.reserve(english.size());
  for (const auto& f : english) centre.push_back(Centroid(f.geometry));

  // 5. The distribution.
  std::vector<char> used(english.size(), 0);
  int64_t rows = 0, patients_total = 0, patients_no2011 = 0;
  std::vector<int> rows_per_practice;
  {
    std::ofstream o(out + "/gp-reg-pat-prac-lsoa-all.csv");
    o << "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n";
    std::vector<std::pair<double, int>> by_distance(english.size());
    for (const Practice& p : practices) {
      if (!p.located || p.list <= 0) continue;
      const int64_t list = p.list;
      const int k = std::clamp(static_cast<int>(std::lround(list / 70.0)), 10, 400);
      for (size_t a = 0; a < english.size(); ++a) {
        by_distance[a] = {std::hypot(centre[a].x - p.at.x, centre[a].y - p.at.y),
                          static_cast<int>(a)};  // index order = code order: ties by code
      }
      std::partial_sort(by_distance.begin(), by_distance.begin() + k, by_distance.end());
      const double scale = std::max(500.0, by_distance[(k + 2) / 3 - 1].first);
      const int64_t no2011 = std::llround(list * (0.002 + 0.008 * Unit(p.code, "NO2011")));
      const int64_t placed = list - no2011;
      std::vector<double> w(k);
      double wsum = 0;
      for (int i = 0; i < k; ++i) {
        w[i] = std::exp(-by_distance[i].first / scale) *
               (0.5 + Unit(p.code, english[by_distance[i].second].code));
        wsum += w[i];
      }
      // One patient each (nearest first when the list is tiny), then largest remainder.
      std::vector<int64_t> n(k, 0);
      int64_t left = placed;
      for (int i = 0; i < k && left > 0; ++i, --left) n[i] = 1;
      std::vector<std::pair<double, int>> rest(k);
      int64_t given = 0;
      for (int i = 0; i < k; ++i) {
        const double exact = left * w[i] / wsum;
        const int64_t whole = static_cast<int64_t>(std::floor(exact));
        n[i] += whole;
        given += whole;
        rest[i] = {-(exact - whole), i};
      }
      std::sort(rest.begin(), rest.end());
      for (int64_t i = 0; i < left - given; ++i) n[rest[i].second]++;
      // Rows in LSOA code order, then the placeholder, like the NHS file.
      std::vector<std::pair<int, int64_t>> out_rows;
      for (int i = 0; i < k; ++i) {
        if (n[i] > 0) out_rows.push_back({by_distance[i].second, n[i]});
      }
      std::sort(out_rows.begin(), out_rows.end());
      const std::string prefix =
          absl::StrCat("GP_PRAC_PAT_LIST,01JAN2021,", p.code, ",", CsvField(p.name), ",");
      for (const auto& [a, count] : out_rows) {
        used[a] = 1;
        o << prefix << english[a].code << ",ALL," << count << "\n";
      }
      if (no2011 > 0) o << prefix << "NO2011,ALL," << no2011 << "\n";
      const int r = static_cast<int>(out_rows.size()) + (no2011 > 0 ? 1 : 0);
      rows += r;
      rows_per_practice.push_back(r);
      patients_total += list;
      patients_no2011 += no2011;
    }
  }

  // 6. Layers: every English LSOA nationally; in a region run the LSOAs its rows use.
  Layer areas{"lsoa11", "lsoa11_code", "lsoa11_name", {}};
  for (size_t a = 0; a < english.size(); ++a) {
    if (region.empty() || used[a]) areas.features.push_back(std::move(english[a]));
  }
  WriteGpkg(out + "/lsoa11.gpkg", areas);
  Layer icb{"icb22", "ICB22CD", "ICB22NM", ReadLayer(data + "/ons/icb22.shp", "ICB22CD").features};
  WriteGpkg(out + "/icb22.gpkg", icb);
  Layer ltla{"ltla24", "ltla24_code", "ltla24_name", {}};
  for (auto& f : ReadLayer(data + "/ons/boundaries_ltla24.geojson", "ltla24_code").features) {
    if (IsEnglish(f.code)) ltla.features.push_back(std::move(f));
  }
  WriteGpkg(out + "/ltla24.gpkg", ltla);

  std::sort(rows_per_practice.begin(), rows_per_practice.end());
  const int median =
      rows_per_practice.empty() ? 0 : rows_per_practice[rows_per_practice.size() / 2];
  int located = 0, listed = 0;
  for (const Practice& p : practices) {
    located += p.located;
    listed += p.list > 0;
  }
  std::ofstream summary(out + "/workload.txt");
  const std::string text = absl::StrFormat(
      "region=%s\npractices=%d\npractices_with_list_size=%d\npractices_geocoded=%d\n"
      "distribution_rows=%d\nmedian_rows_per_practice=%d\npatients=%d\nno2011_patients=%d\n"
      "no2011_share=%.4f\nlsoas=%d\nicbs=%d\ncommunity_footprints=%d\n",
      region.empty() ? "england" : region, practices.size(), listed, located, rows, median,
      patients_total, patients_no2011,
      patients_total ? static_cast<double>(patients_no2011) / patients_total : 0.0,
      areas.features.size(), icb.features.size(), ltla.features.size());
  summary << text;
  std::cout << text;
  return 0;
}
