// The validation inputs: what users hold, after reading and normalising (geo/io does that).
// Plain data; no file handles, no GEOS. Row numbers are 1-based data rows of the source file
// (the header is not counted) so that findings and errors can point back at them.
#ifndef PCNV_GEO_MODEL_H_
#define PCNV_GEO_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "geo/geometry.h"

namespace pcnv {

// The PCN code NHS Digital uses for "unallocated".
inline constexpr char kUnallocatedPcn[] = "U";

// One practice -> PCN membership row. A practice normally has exactly one; two rows with
// different PCNs are what MEM002 reports.
struct Membership {
  std::string practice_code;  // ODS code, e.g. A81001
  std::string practice_name;
  std::string practice_postcode;  // normalised: upper-case, no spaces
  std::string pcn_code;           // U12345, "U" (unallocated) or empty
  std::string pcn_name;
  // Declared parents, as the mapping file gives them (ONS E38/E54 and ODS codes). Empty when
  // the file has no such column.
  std::string sub_icb_code;      // ODS, e.g. 16C (or the CCG code in older files)
  std::string ons_sub_icb_code;  // E38...
  std::string icb_code;          // ODS Q.. (or STP code in older files)
  std::string ons_icb_code;      // E54...
  // Location when the file gives it (plain CSV with easting/northing or lat/lon), already in
  // EPSG:27700. Otherwise the practice postcode is geocoded through the postcode directory.
  std::optional<Point> location;
  std::optional<int64_t> list_size;  // plain CSV may carry it
  int row = 0;
};

// Registered patients of one practice (gp-reg-pat-prac-all.csv, SEX=ALL AGE=ALL).
struct ListSize {
  std::string practice_code;
  int64_t patients = 0;
  int row = 0;
};

enum class DistributionLevel { kArea, kPostcode };

// Patients of one practice living in one area (LSOA code) or postcode.
struct DistributionRow {
  std::string practice_code;
  std::string place;  // area code (E01...) or normalised postcode, by the distribution's level
  int64_t patients = 0;
  int row = 0;
};

struct Distribution {
  DistributionLevel level = DistributionLevel::kArea;
  std::vector<DistributionRow> rows;
};

// A polygon a portal user or analyst drew for a PCN.
struct DeclaredBoundary {
  std::string pcn_code;
  Geometry geometry;           // EPSG:27700 (repaired when the source was invalid)
  int feature = 0;             // feature index in the source layer
  std::string invalid_reason;  // GEOS's reason when the source polygon was invalid, else empty
};

// What a practice register (ODS epraccur.csv) says about one practice. Only the fields a rule
// reads (MEM005, MEM006) or that fill a membership's blanks (name, postcode) are kept.
struct RegisteredPractice {
  std::string code;  // ODS code
  std::string name;
  std::string postcode;         // normalised
  char status = 'A';            // A active, C closed, D dormant, P proposed
  std::string open_date;        // YYYY-MM-DD
  std::string close_date;       // YYYY-MM-DD, empty when not closed
  int prescribing_setting = 4;  // ODS code list; 4 = GP practice
  std::string commissioner;     // ODS code of the commissioning organisation (CCG / sub-ICB)
  int row = 0;                  // record in the file (it has no header)
};

// Where an input came from, for provenance and for error messages.
struct SourceFile {
  std::string role;  // practices, list_sizes, distribution, declared, ...
  std::string path;
  std::string sha256;  // hex digest of the file bytes (of every file, for a folder)
  int64_t records = 0;
};

struct ValidationInput {
  std::vector<Membership> memberships;
  std::optional<std::vector<ListSize>> list_sizes;
  std::optional<Distribution> distribution;
  std::optional<std::vector<DeclaredBoundary>> declared;
  // The practice register (--practice-register): absent when not given. MEM005/MEM006 read it.
  std::optional<std::vector<RegisteredPractice>> practice_register;
  std::vector<SourceFile> sources;
};

// Upper-case and strip all whitespace: "sw1a 1aa" and "SW1A1AA" both become "SW1A1AA".
std::string NormalisePostcode(std::string_view raw);

}  // namespace pcnv

#endif  // PCNV_GEO_MODEL_H_
