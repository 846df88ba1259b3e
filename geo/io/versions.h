// Library versions for report provenance: geos, gdal, proj.
#ifndef PCNV_GEO_IO_VERSIONS_H_
#define PCNV_GEO_IO_VERSIONS_H_

#include <map>
#include <string>

namespace pcnv::io {

std::map<std::string, std::string> LibraryVersions();
// Registers GDAL drivers once (thread-safe); every GDAL user calls this first.
void EnsureGdalRegistered();

}  // namespace pcnv::io

#endif  // PCNV_GEO_IO_VERSIONS_H_
