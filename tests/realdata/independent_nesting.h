// NEST002 on the practice-location basis, computed independently of pcnv for the real-data
// tests: the raw practice map and list-size CSVs parsed here, practice postcodes located from
// the raw NSPL text and reprojected with OGR, footprints read with OGR, and point-in-polygon by
// OGR prepared-geometry Intersects, every footprint in layer order (no STRtree). The definitions
// mirror geo/rules/nesting_rules.cc and geo/validate.cc:
//  - a practice counts in the first real PCN (not "U", not empty) of its rows, in file order;
//    its postcode is that of its first row;
//  - a PCN's declared code is the most common code among the map rows naming that PCN (ties:
//    the smallest code);
//  - a practice's footprint is the lowest-index footprint its location lies in or on; practices
//    without a location, or outside every footprint, are left out;
//  - the dominant footprint has the largest sum of list sizes (1 for a practice without a list
//    size; ties: the lowest index);
//  - NEST002: the declared code is in the layer and differs from the dominant footprint's
//    (codes held twice in a layer resolve to their last feature, as a map insert does);
//  - a declared code the layer does not hold is a vintage mismatch, not a NEST002 per PCN.
#ifndef PCNV_TESTS_REALDATA_INDEPENDENT_NESTING_H_
#define PCNV_TESTS_REALDATA_INDEPENDENT_NESTING_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/realdata/realdata_util.h"

namespace pcnv::realdata {

struct PracticeFacts {
  std::string pcn;       // first real PCN, empty if none
  std::string postcode;  // normalised, first row
  double weight = 1;     // list size, or 1
  bool located = false;
  double x = 0, y = 0;  // EPSG:27700
};

// Parsed once per map: practices, rows per PCN, located through the NSPL folder.
struct MapFacts {
  std::vector<std::map<std::string, std::string>> rows;
  std::map<std::string, PracticeFacts> practices;
  std::set<std::string> pcns;
  int practice_postcodes = 0, located = 0;
};
MapFacts ReadMapFacts(const std::string& map_csv, const std::string& list_sizes_csv,
                      const std::string& nspl_folder);

struct NestingExpectation {
  std::set<std::string> mismatched_pcns;                   // NEST002 findings expected
  std::map<std::string, std::set<std::string>> unmatched;  // declared code -> PCNs
  int pcns_with_dominant = 0;
  int practices_outside = 0;  // located but in no footprint
};
// `code_column`: the map column holding the declared code for this layer (ONS_CCG_CODE, ...);
// `fallback_column`: the ODS code used on rows where that is blank (CCG_CODE, ...).
NestingExpectation ExpectNest002(const MapFacts& facts, const std::string& code_column,
                                 const std::string& fallback_column,
                                 const std::vector<RawFeature>& layer);

}  // namespace pcnv::realdata

#endif  // PCNV_TESTS_REALDATA_INDEPENDENT_NESTING_H_
