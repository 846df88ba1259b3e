// West Sussex 2022 test input: see west_sussex_input.h.
#include "tests/realdata/west_sussex_input.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "geo/io/readers.h"
#include "nlohmann/json.hpp"
#include "tests/realdata/realdata_util.h"
#include "tests/support/test_support.h"

namespace pcnv::realdata {

std::string WestSussexDir() { return ::pcnv::testing::SharedData() + "/west_sussex_2022"; }

WestSussexInput MakeWestSussexInput(const std::set<std::string>& pcns) {
  WestSussexInput s;
  std::map<std::string, std::vector<std::string>> practices_of;
  int row = 0;
  for (const auto& r : ReadRawCsv(WestSussexDir() + "/MAPPING_NHS_GEOGRAPHIES_2021.csv")) {
    const std::string& pcn = r.at("PCN_ODS_CODE");
    if (!pcns.contains(pcn)) continue;
    Membership m;
    m.practice_code = r.at("PRACTICE_CODE");
    m.practice_name = r.at("PRACTICE_NAME");
    m.pcn_code = pcn;
    m.pcn_name = r.at("PCN_NAME");
    m.sub_icb_code = r.at("CCG_ODS_CODE");
    m.ons_sub_icb_code = r.at("CCG_ONS_CODE");
    m.icb_code = r.at("STP_ODS_CODE");
    m.ons_icb_code = r.at("STP_ONS_CODE");
    m.row = ++row;
    practices_of[pcn].push_back(m.practice_code);
    s.input.memberships.push_back(std::move(m));
  }
  for (const auto& r : ReadRawCsv(WestSussexDir() + "/lsoa_pcn_lookup_Feb_22.csv")) {
    s.lsoas_of_pcn[r.at("PCN_Code")].push_back(r.at("LSOA11CD"));
  }
  std::map<std::string, int64_t> total;
  nlohmann::json pcn_data =
      nlohmann::json::parse(::pcnv::testing::ReadFile(WestSussexDir() + "/PCN_data.json"));
  for (const auto& p : pcn_data)
    total[p.at("PCN_Code").get<std::string>()] = p.at("Total").get<int64_t>();
  Distribution d;
  d.level = DistributionLevel::kArea;
  row = 0;
  for (const auto& [pcn, lsoas] : s.lsoas_of_pcn) {
    const std::vector<std::string>& practices = practices_of[pcn];
    if (practices.empty()) continue;
    const int64_t per_cell =
        std::max<int64_t>(1, total[pcn] / static_cast<int64_t>(lsoas.size() * practices.size()));
    for (const std::string& lsoa : lsoas) {
      for (const std::string& practice : practices) {
        d.rows.push_back({practice, lsoa, per_cell, ++row});
      }
    }
  }
  s.input.distribution = std::move(d);
  return s;
}

std::set<std::string> WestSussexPcns() {
  std::set<std::string> pcns;
  for (const auto& [pcn, lsoas] : MakeWestSussexInput({}).lsoas_of_pcn) pcns.insert(pcn);
  return pcns;
}

std::vector<DeclaredBoundary> WestSussexDeclared() {
  auto layer =
      io::ReadVectorLayer({WestSussexDir() + "/pcn_boundary_simple.geojson", "PCN_Code", "", ""});
  std::vector<DeclaredBoundary> declared;
  if (!layer.ok()) return declared;  // the tests that use it count the boundaries
  for (io::VectorFeature& f : layer->features) {
    declared.push_back({f.code, std::move(f.geometry), f.feature, f.invalid_reason});
  }
  return declared;
}

}  // namespace pcnv::realdata
