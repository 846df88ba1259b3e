#include "geo/io/versions.h"

#include <gdal.h>
#include <ogr_api.h>
#include <proj.h>

#include <mutex>

#include "geo/geometry.h"

namespace pcnv::io {

void EnsureGdalRegistered() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

std::map<std::string, std::string> LibraryVersions() {
  return {
      {"geos", GeosVersion()},
      {"gdal", GDALVersionInfo("RELEASE_NAME")},
      {"proj", proj_info().version},
  };
}

}  // namespace pcnv::io
