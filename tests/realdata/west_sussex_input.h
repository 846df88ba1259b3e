// The West Sussex 2022 test input shared by the overlap test and the suggestions test: practice
// -> PCN rows for the given PCNs (QOF 2020/21 mapping in ../shared/data/west_sussex_2022), and a
// synthetic LSOA distribution: each PCN's Jan 2022 population (PCN_data.json) spread evenly over
// the LSOAs the county's lookup gives it, and within each LSOA evenly over its practices. Every
// LSOA then has patients of exactly one PCN, so its majority territory is exactly the lookup's
// LSOAs.
#ifndef PCNV_TESTS_REALDATA_WEST_SUSSEX_INPUT_H_
#define PCNV_TESTS_REALDATA_WEST_SUSSEX_INPUT_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "geo/model.h"

namespace pcnv::realdata {

// ../shared/data/west_sussex_2022.
std::string WestSussexDir();

struct WestSussexInput {
  ValidationInput input;
  std::map<std::string, std::vector<std::string>> lsoas_of_pcn;  // the lookup, every PCN
};

WestSussexInput MakeWestSussexInput(const std::set<std::string>& pcns);

// The county's 20 PCN codes (the lookup's), and their declared boundaries
// (pcn_boundary_simple.geojson, PCN_Code) as a request or the CLI carries them.
std::set<std::string> WestSussexPcns();
std::vector<DeclaredBoundary> WestSussexDeclared();

}  // namespace pcnv::realdata

#endif  // PCNV_TESTS_REALDATA_WEST_SUSSEX_INPUT_H_
