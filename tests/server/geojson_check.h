// Checks a GeoJSON geometry from a reply with GDAL/OGR, independently of the server's writer:
// OGR parses the text, reprojects it from EPSG:4326 to EPSG:27700 with its own transformation
// object, and GEOS measures how far it lies from the EPSG:27700 geometry it was made from.
#ifndef PCNV_TESTS_SERVER_GEOJSON_CHECK_H_
#define PCNV_TESTS_SERVER_GEOJSON_CHECK_H_

#include <string>
#include <vector>

namespace pcnv::testing {

// The discrete Hausdorff distance in metres between `geojson` (an RFC 7946 geometry object in
// EPSG:4326) brought back to EPSG:27700 and `wkb` (EPSG:27700); negative, with a gtest failure,
// when OGR cannot read or reproject the text.
double RoundTripDistance(const std::string& geojson, const std::string& wkb);

// Writes `features` (GeoJSON Feature objects as text) as one FeatureCollection to `path` and
// opens it with GDAL as a GIS client would: the features GDAL reads, or -1 with a gtest failure
// when it cannot open the file as GeoJSON in EPSG:4326.
int FeaturesGdalReads(const std::string& path, const std::vector<std::string>& features);

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SERVER_GEOJSON_CHECK_H_
