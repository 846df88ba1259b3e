#include "tests/realdata/independent_nesting.h"

#include <string>

namespace pcnv::realdata {

MapFacts ReadMapFacts(const std::string& map_csv, const std::string& list_sizes_csv,
                      const std::string& nspl_folder) {
  MapFacts facts;
  facts.rows = ReadRawCsv(map_csv);
  for (const auto& row : facts.rows) {
    const std::string& code = row.at("PRACTICE_CODE");
    const std::string& pcn = row.at("PCN_CODE");
    auto [it, inserted] = facts.practices.try_emplace(code);
    if (inserted) it->second.postcode = Normalise(row.at("PRACTICE_POSTCODE"));
    if (it->second.pcn.empty() && !pcn.empty() && pcn != "U") it->second.pcn = pcn;
  }
  for (const auto& [code, p] : facts.practices) {
    if (!p.pcn.empty()) facts.pcns.insert(p.pcn);
  }
  for (const auto& row : ReadRawCsv(list_sizes_csv)) {
    if (row.at("SEX") != "ALL" || row.at("AGE") != "ALL") continue;
    auto it = facts.practices.find(row.at("CODE"));
    if (it != facts.practices.end()) it->second.weight = std::stod(row.at("NUMBER_OF_PATIENTS"));
  }
  std::set<std::string> wanted;
  for (const auto& [code, p] : facts.practices) {
    if (!p.postcode.empty()) wanted.insert(p.postcode);
  }
  facts.practice_postcodes = static_cast<int>(wanted.size());
  std::map<std::string, std::pair<double, double>> lonlat = ScanNspl(nspl_folder, wanted);
  LonLatToBng to_bng;
  for (auto& [code, p] : facts.practices) {
    auto it = lonlat.find(p.postcode);
    if (it == lonlat.end()) continue;
    p.located = to_bng.Transform(it->second.first, it->second.second, &p.x, &p.y);
    facts.located += p.located;
  }
  return facts;
}

NestingExpectation ExpectNest002(const MapFacts& facts, const std::string& code_column,
                                 const std::string& fallback_column,
                                 const std::vector<RawFeature>& layer) {
  NestingExpectation out;
  std::vector<OgrGeom> polygons;
  std::vector<OGRPreparedGeometryH> prepared;  // OGR's prepared geometry: fast point tests
  std::vector<OGREnvelope> envelopes(layer.size());
  std::map<std::string, int> index_of_code;
  for (size_t i = 0; i < layer.size(); ++i) {
    polygons.push_back(RepairedPolygonal(layer[i].geometry.get()));
    prepared.push_back(OGRCreatePreparedGeometry(polygons.back().get()));
    OGR_G_GetEnvelope(polygons.back().get(), &envelopes[i]);
    index_of_code[layer[i].code] = static_cast<int>(i);  // last feature wins
  }
  // Practice -> footprint index, brute force over the layer in order.
  std::map<std::string, int> footprint_of;
  for (const auto& [code, p] : facts.practices) {
    if (p.pcn.empty() || !p.located) continue;
    OgrGeom pt(OGR_G_CreateGeometry(wkbPoint));
    OGR_G_SetPoint_2D(pt.get(), 0, p.x, p.y);
    int found = -1;
    for (size_t i = 0; i < polygons.size() && found < 0; ++i) {
      const OGREnvelope& e = envelopes[i];
      if (p.x < e.MinX || p.x > e.MaxX || p.y < e.MinY || p.y > e.MaxY) continue;
      if (OGRPreparedGeometryIntersects(prepared[i], pt.get())) found = static_cast<int>(i);
    }
    if (found < 0) {
      ++out.practices_outside;
      continue;
    }
    footprint_of[code] = found;
  }
  for (OGRPreparedGeometryH p : prepared) OGRDestroyPreparedGeometry(p);
  // Declared code per PCN: majority of its map rows.
  std::map<std::string, std::map<std::string, int>> votes;
  for (const auto& row : facts.rows) {
    const std::string& pcn = row.at("PCN_CODE");
    const std::string& code =
        row.at(code_column).empty() ? row.at(fallback_column) : row.at(code_column);
    if (pcn.empty() || pcn == "U" || code.empty()) continue;
    votes[pcn][code]++;
  }
  // Dominant footprint per PCN.
  std::map<std::string, std::map<int, double>> weight;
  for (const auto& [code, f] : footprint_of) {
    const PracticeFacts& p = facts.practices.at(code);
    weight[p.pcn][f] += p.weight;
  }
  for (const std::string& pcn : facts.pcns) {
    std::string declared;
    int best_votes = 0;
    for (const auto& [code, n] : votes[pcn]) {
      if (n > best_votes) declared = code, best_votes = n;
    }
    if (declared.empty()) continue;
    auto it = index_of_code.find(declared);
    if (it == index_of_code.end()) {
      out.unmatched[declared].insert(pcn);
      continue;
    }
    int dominant = -1;
    double best = -1;
    for (const auto& [f, w] : weight[pcn]) {
      if (w > best) best = w, dominant = f;
    }
    if (dominant < 0) continue;
    ++out.pcns_with_dominant;
    if (dominant != it->second) out.mismatched_pcns.insert(pcn);
  }
  return out;
}

}  // namespace pcnv::realdata
