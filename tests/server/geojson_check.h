// Checks of GeoJSON geometries in replies, made with GDAL/OGR independently of the server's
// writer: OGR parses each text, GDAL opens them as one document, and OGR reprojects them from
// EPSG:4326 to EPSG:27700 with its own transformation object, for GEOS to measure how far each
// lies from the EPSG:27700 geometry it was made from.
#ifndef PCNV_TESTS_SERVER_GEOJSON_CHECK_H_
#define PCNV_TESTS_SERVER_GEOJSON_CHECK_H_

#include <string>

#include "pcnv/v1/validator.pb.h"

namespace pcnv::testing {

// `g` is GeoJSON text in WGS84 (srid 4326, no WKB), a (multi)polygon somewhere in England.
void ExpectWgs84GeoJson(const v1::Geometry& g, const std::string& what);

// Every territory of `web` (GeoJSON, EPSG:4326) against the same PCN's in `plain` (WKB,
// EPSG:27700): GDAL opens them, written to `path` as one FeatureCollection, as GeoJSON in
// EPSG:4326; and each comes back to EPSG:27700 within 1 m of where it was (the discrete Hausdorff
// distance). Returns the number of territories checked.
int ExpectTerritoriesRoundTrip(const v1::Report& web, const v1::Report& plain,
                               const std::string& path);

}  // namespace pcnv::testing

#endif  // PCNV_TESTS_SERVER_GEOJSON_CHECK_H_
