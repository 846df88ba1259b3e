// Helpers for the real-data acceptance tests (issue 3). The independent side of every check is
// built here from the raw files with GDAL/OGR and the GEOS C API directly, never through pcnv's
// readers or rule code; the pcnv side goes through geo/io and Validate like a front door would.
#ifndef PCNV_TESTS_REALDATA_REALDATA_UTIL_H_
#define PCNV_TESTS_REALDATA_REALDATA_UTIL_H_

#include <ogr_api.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "geo/reference.h"
#include "geo/report.h"

namespace pcnv::realdata {

// Skips the current test when ../shared/data is absent (use at the top of a TEST body).
#define PCNV_REQUIRE_REAL_DATA()                                                        \
  if (::pcnv::testing::SharedData().empty()) {                                          \
    GTEST_SKIP() << "real data folder ../shared/data (beside the checkout) is absent: " \
                    "real-data acceptance test skipped";                                \
  }

// A minimal RFC 4180 field splitter (independent of libcsv, which pcnv's readers use).
std::vector<std::string> SplitCsvLine(const std::string& line);
// Every data row of a CSV file as header -> cell.
std::vector<std::map<std::string, std::string>> ReadRawCsv(const std::string& path);
// Upper-case, no whitespace (written here rather than calling pcnv::NormalisePostcode).
std::string Normalise(const std::string& postcode);

// An OGR geometry that owns itself.
struct OgrDeleter {
  void operator()(OGRGeometryH g) const {
    if (g != nullptr) OGR_G_DestroyGeometry(g);
  }
};
using OgrGeom = std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, OgrDeleter>;

// One feature read by OGR, reprojected to EPSG:27700 with OGR, kept as read (may be invalid).
struct RawFeature {
  std::string code;
  OgrGeom geometry;
  int feature = 0;  // 1-based
};
// Reads a polygon layer with OGR into EPSG:27700 (x = easting), or in its own CRS when
// `to_bng` is false. Fails the test on error.
std::vector<RawFeature> ReadRawLayer(const std::string& path, const std::string& code_field,
                                     bool to_bng = true);
// OGR make-valid (structure method, collapsed parts dropped) keeping polygonal parts only;
// a clone when the geometry is already valid.
OgrGeom RepairedPolygonal(OGRGeometryH g);
// GEOS's validity reason for an OGR geometry, through the GEOS C API (empty when valid).
std::string GeosInvalidReason(OGRGeometryH g);
// Sum of the areas of the polygons inside g (lines and points count 0).
double PolygonalArea(OGRGeometryH g);
// Every polygon inside g, as clones.
std::vector<OgrGeom> Polygons(OGRGeometryH g);

// Lon/lat (WGS84) -> EPSG:27700 with OGR.
class LonLatToBng {
 public:
  LonLatToBng();
  ~LonLatToBng();
  bool Transform(double lon, double lat, double* x, double* y) const;

 private:
  OGRSpatialReferenceH wgs84_, bng_;
  OGRCoordinateTransformationH ct_;
};

// NSPL rows (raw text, every *.csv in the folder) for the given normalised postcodes:
// postcode -> (lon, lat). Rows without a location (blank latitude or NSPL's 99.999999) are left
// out.
std::map<std::string, std::pair<double, double>> ScanNspl(const std::string& folder,
                                                          const std::set<std::string>& wanted);

// The reference every national test shares, built once per test binary with
// io::BuildReference: icb22.shp (icb), CCG21 (sub-icb), STP21 (stp), LTLA24 (community) and the
// whole NSPL folder. Null (and a message in *error) on failure.
std::shared_ptr<const ReferenceData> NationalReference(std::string* error);
// Seconds the first NationalReference() call took.
double NationalReferenceSeconds();

// Counts per rule code (every finding, waived or not).
std::map<std::string, int> CountByRule(const Report& report);

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace pcnv::realdata

#endif  // PCNV_TESTS_REALDATA_REALDATA_UTIL_H_
